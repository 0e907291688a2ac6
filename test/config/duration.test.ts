import { expect } from 'chai';
import { z } from 'zod';
import { durationSchema, durationUpTo, formatDuration, parseDuration } from '../../harness/time/duration.ts';

describe('durations', () => {
  it('parses numbers as seconds and strings with units into milliseconds', () => {
    const cases: [unknown, number][] = [
      [90, 90_000],
      [0.5, 500],
      ['500 ms', 500],
      ['90 s', 90_000],
      ['90s', 90_000],
      ['2 min', 120_000],
      ['1.5 h', 5_400_000],
      ['7 d', 604_800_000],
      ['.5 s', 500],
    ];
    for (const [input, ms] of cases) expect(parseDuration(input), String(input)).to.equal(ms);
  });

  it('rejects what is not a duration with a clear message', () => {
    expect(() => parseDuration('abc')).to.throw('expected a duration like "90 s" or "2 min", got "abc"');
    for (const bad of ['90', '2 minutes', '-1 s', '1e3 s', -5, Infinity, null, true, [], {}]) {
      expect(() => parseDuration(bad), String(bad)).to.throw(/expected a duration like "90 s" or "2 min", got /);
    }
  });

  it('refuses durations beyond 400 days, or beyond the limit a setting gives', () => {
    expect(parseDuration('400 d')).to.equal(400 * 86_400_000);
    expect(parseDuration('2 min', '2 min')).to.equal(120_000);
    const tooLong: [unknown, string][] = [
      ['401 d', '"401 d"'],
      ['3000 d', '"3000 d"'],
      ['1000000 d', '"1000000 d"'],
      [`${'9'.repeat(400)} s`, `"${'9'.repeat(57)}..."`], // a number too large for a double
      [1e12, '1000000000000'],
    ];
    for (const [value, shown] of tooLong) {
      expect(() => parseDuration(value), String(value)).to.throw(RangeError, `expected a duration of at most 400 d, got ${shown}`);
    }
    expect(() => parseDuration('3 min', '2 min')).to.throw('expected a duration of at most 2 min, got "3 min"');
    const result = z.strictObject({ discharge: durationUpTo('10 min') }).safeParse({ discharge: '11 min' });
    expect(result.error?.issues.map((i) => [i.path, i.message])).to.deep.equal([[['discharge'], 'expected a duration of at most 10 min, got "11 min"']]);
  });

  it('works as a zod schema producing milliseconds', () => {
    const schema = z.strictObject({ wait: durationSchema });
    expect(schema.parse({ wait: '2 min' })).to.deep.equal({ wait: 120_000 });
    const result = schema.safeParse({ wait: 'soon' });
    expect(result.error?.issues.map((i) => [i.path, i.message])).to.deep.equal([
      [['wait'], 'expected a duration like "90 s" or "2 min", got "soon"'],
    ]);
  });

  it('formats milliseconds in the two largest units that matter', () => {
    const cases: [number, string][] = [
      [0, '0 ms'],
      [850, '850 ms'],
      [999.6, '1 s'],
      [5_000, '5 s'],
      [32_400, '32.4 s'],
      [59_960, '1 min'],
      [92_400, '1 min 32.4 s'],
      [120_000, '2 min'],
      [3_600_000, '1 h'],
      [5_430_000, '1 h 31 min'],
      [86_399_000, '1 d'],
      [604_800_000, '7 d'],
      [-1_500, '-1.5 s'],
    ];
    for (const [ms, text] of cases) expect(formatDuration(ms), String(ms)).to.equal(text);
  });
});
