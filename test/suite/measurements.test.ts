// Where a measured figure becomes a verdict: every limit and marginal edge, one-sided limits, figures
// that are no number, the nearest-rank percentiles a repeated suite is judged on, and unit conversion.
import { expect } from 'chai';
import type { Verdict } from '../../harness/record/index.ts';
import { describeLimits, judge, measure, percentile, summarize, toUnit } from '../../harness/suite/measurements.ts';
import type { Measurement } from '../../harness/suite/suite-file.ts';

/** Well above the spacing of doubles near the limits used here (about 1e-14), well below any real figure. */
const EPS = 1e-9;

type Limits = Pick<Measurement, 'min' | 'max' | 'marginal'>;

function declared(limits: Limits, unit = 's'): Measurement {
  return { name: 'boot_delay', description: 'power-on to the first ota.super session', unit, ...limits };
}

describe('measurements', () => {
  describe('judge', () => {
    const table: [string, Limits, [number, Verdict][]][] = [
      [
        'min and max with a marginal band',
        { min: 60, max: 120, marginal: 5 },
        [
          [60 - EPS, 'fail'], [60, 'marginal'], [60 + EPS, 'marginal'],
          [65 - EPS, 'marginal'], [65, 'pass'], [65 + EPS, 'pass'],
          [90, 'pass'],
          [115 - EPS, 'pass'], [115, 'pass'], [115 + EPS, 'marginal'],
          [120 - EPS, 'marginal'], [120, 'marginal'], [120 + EPS, 'fail'],
        ],
      ],
      [
        'min and max without a band: both limits pass',
        { min: 60, max: 120 },
        [[60 - EPS, 'fail'], [60, 'pass'], [120, 'pass'], [120 + EPS, 'fail']],
      ],
      [
        'a lower limit only',
        { min: 60, marginal: 5 },
        [[60 - EPS, 'fail'], [60, 'marginal'], [65 - EPS, 'marginal'], [65, 'pass'], [1e9, 'pass']],
      ],
      [
        'an upper limit only',
        { max: 30, marginal: 2 },
        [[-1e9, 'pass'], [28, 'pass'], [28 + EPS, 'marginal'], [30, 'marginal'], [30 + EPS, 'fail']],
      ],
      ['an upper limit only, without a band', { max: 30 }, [[30, 'pass'], [30 + EPS, 'fail']]],
      ['a lower limit of 0', { min: 0 }, [[-EPS, 'fail'], [0, 'pass']]],
      ['an upper limit of 0 with a band', { max: 0, marginal: 1 }, [[-1, 'pass'], [-1 + EPS, 'marginal'], [0, 'marginal'], [EPS, 'fail']]],
      [
        'a figure that is no number fails whatever the limits',
        { min: 60, max: 120, marginal: 5 },
        [[Number.NaN, 'fail'], [Number.POSITIVE_INFINITY, 'fail'], [Number.NEGATIVE_INFINITY, 'fail']],
      ],
      ['an infinite figure fails a one-sided limit too', { min: 60 }, [[Number.POSITIVE_INFINITY, 'fail'], [Number.NaN, 'fail']]],
      ['an infinite figure fails an upper limit only', { max: 30 }, [[Number.NEGATIVE_INFINITY, 'fail']]],
    ];
    for (const [what, limits, cases] of table) {
      it(what, () => {
        const verdicts = cases.map(([value]) => [value, judge(value, limits)]);
        expect(verdicts).to.deep.equal(cases);
      });
    }
  });

  describe('percentile (nearest rank)', () => {
    // Each list holds 1..n in a shuffled order, so the k-th smallest value is k.
    const shuffled = (n: number) => Array.from({ length: n }, (_, i) => ((i * 11) % n) + 1);
    const table: [number, { p0: number; p50: number; p95: number; p100: number }][] = [
      [1, { p0: 1, p50: 1, p95: 1, p100: 1 }],
      [2, { p0: 1, p50: 1, p95: 2, p100: 2 }],
      [10, { p0: 1, p50: 5, p95: 10, p100: 10 }],
      [19, { p0: 1, p50: 10, p95: 19, p100: 19 }],
      [20, { p0: 1, p50: 10, p95: 19, p100: 20 }],
      [21, { p0: 1, p50: 11, p95: 20, p100: 21 }],
      [100, { p0: 1, p50: 50, p95: 95, p100: 100 }],
    ];
    for (const [n, expected] of table) {
      it(`of ${n} value(s)`, () => {
        const values = shuffled(n);
        expect(new Set(values).size, 'the list is a permutation').to.equal(n);
        expect({ p0: percentile(values, 0), p50: percentile(values, 50), p95: percentile(values, 95), p100: percentile(values, 100) }).to.deep.equal(expected);
      });
    }

    it('sorts numerically, and leaves the list as it was', () => {
      const values = [10, 9, 100, -5, 2.5];
      expect([percentile(values, 0), percentile(values, 50), percentile(values, 100)]).to.deep.equal([-5, 9, 100]);
      expect(values).to.deep.equal([10, 9, 100, -5, 2.5]);
    });
  });

  describe('summarize (a repeated suite)', () => {
    const twenty = [81, 95, 62, 118, 77, 84, 90, 66, 101, 73, 88, 79, 110, 69, 92, 85, 99, 71, 105, 117];

    it('gives min, median, p95 and max over the cycles and judges the chosen one against the limits', () => {
      const stats = summarize(declared({ min: 60, max: 120, marginal: 5 }), twenty, 'p95');
      expect(stats).to.deep.equal({
        name: 'boot_delay',
        unit: 's',
        cycles: 20,
        min: 62,
        median: 85,
        p95: 117,
        max: 118,
        judged: 'p95',
        value: 117,
        verdict: 'marginal',
        limits: { min: 60, max: 120, marginal: 5 },
      });
    });

    it('judges each statistic on its own value', () => {
      const limits = declared({ max: 100, marginal: 10 });
      const verdicts = (['min', 'median', 'p95', 'max'] as const).map((s) => [s, summarize(limits, twenty, s).value, summarize(limits, twenty, s).verdict]);
      expect(verdicts).to.deep.equal([
        ['min', 62, 'pass'],
        ['median', 85, 'pass'],
        ['p95', 117, 'fail'],
        ['max', 118, 'fail'],
      ]);
      expect(summarize(declared({ max: 90, marginal: 10 }), twenty, 'median').verdict).to.equal('marginal');
    });

    it('keeps only the limits the suite declares, and judges one cycle on its value', () => {
      const stats = summarize(declared({ max: 120 }), [61.5], 'p95');
      expect(stats.limits).to.deep.equal({ max: 120 });
      expect(stats).to.include({ cycles: 1, min: 61.5, median: 61.5, p95: 61.5, max: 61.5, value: 61.5, verdict: 'pass' });
      expect(summarize(declared({ min: 60 }), [59], 'min')).to.deep.include({ verdict: 'fail', limits: { min: 60 } });
      expect(summarize(declared({ min: 60, marginal: 5 }), [63], 'min').limits).to.deep.equal({ min: 60, marginal: 5 });
    });
  });

  describe('measure', () => {
    it('carries the declaration, the value, its ± bound and the verdict', () => {
      expect(measure(declared({ min: 60, max: 120, marginal: 5 }), 117, 0.24)).to.deep.equal({
        name: 'boot_delay',
        description: 'power-on to the first ota.super session',
        value: 117,
        unit: 's',
        uncertainty: 0.24,
        min: 60,
        max: 120,
        marginal: 5,
        verdict: 'marginal',
      });
    });

    it('leaves out what is not declared or not known', () => {
      const m = measure(declared({ max: 30 }, 'count'), 3);
      expect(m).to.deep.equal({ name: 'boot_delay', description: 'power-on to the first ota.super session', value: 3, unit: 'count', max: 30, verdict: 'pass' });
      expect(measure(declared({ min: 0 }), -1, 0)).to.deep.equal({ name: 'boot_delay', description: 'power-on to the first ota.super session', value: -1, unit: 's', min: 0, uncertainty: 0, verdict: 'fail' });
    });
  });

  it('converts rig milliseconds to the unit, to the millisecond, and passes counts through', () => {
    expect([toUnit(61_234, 's'), toUnit(61_234.4, 's'), toUnit(90_000, 'min'), toUnit(1_500, 'ms'), toUnit(2 * 86_400_000, 'd'), toUnit(7_200_000, 'h'), toUnit(3, 'count')]).to.deep.equal([
      61.234, 61.234, 1.5, 1500, 2, 2, 3,
    ]);
    expect(toUnit(1_234.5678, 'ms')).to.equal(1234.568);
    expect(toUnit(1_234.5678, 'count'), 'a count is not rounded').to.equal(1234.5678);
  });

  it('describes the limits as a person reads them', () => {
    expect([
      describeLimits({ min: 60, max: 120, unit: 's' }),
      describeLimits({ min: 0, unit: 's' }),
      describeLimits({ max: 30, unit: 'ms' }),
      describeLimits({ min: 0, max: 0, unit: 'count' }),
    ]).to.deep.equal(['60–120 s', '≥ 0 s', '≤ 30 ms', '0–0 count']);
  });
});
