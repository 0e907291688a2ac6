// The figures a run measured, one per suite and measurement: what the certificate lists and what
// trends follow night after night. A repeated suite contributes the statistic it is judged on
// (e.g. boot_delay p95 over its cycles), not each cycle's value.
import type { RunSummary, Statistic, Verdict } from '../record/index.ts';

export interface Figure {
  /** `suite.measurement`, or `suite.measurement.statistic` for a repeated suite. */
  key: string;
  suiteId: string;
  name: string;
  value: number;
  unit: string;
  verdict: Verdict;
  uncertainty?: number;
  min?: number;
  max?: number;
  marginal?: number;
  /** For a repeated suite: the statistic judged and the spread over the cycles. */
  statistic?: Statistic;
  cycles?: { count: number; min: number; median: number; p95: number; max: number };
}

export function figuresOf(summary: Pick<RunSummary, 'tests'>): Figure[] {
  const figures: Figure[] = [];
  for (const test of summary.tests) {
    if (test.cycle) continue;
    for (const s of test.statistics ?? []) {
      figures.push({
        key: `${test.suiteId}.${s.name}.${s.judged}`,
        suiteId: test.suiteId,
        name: s.name,
        value: s.value,
        unit: s.unit,
        verdict: s.verdict,
        ...s.limits,
        statistic: s.judged,
        cycles: { count: s.cycles, min: s.min, median: s.median, p95: s.p95, max: s.max },
      });
    }
    for (const m of test.measurements) {
      const { name, value, unit, verdict, uncertainty, min, max, marginal } = m;
      figures.push({ key: `${test.suiteId}.${name}`, suiteId: test.suiteId, name, value, unit, verdict, ...defined({ uncertainty, min, max, marginal }) });
    }
  }
  return figures;
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function figureLabel(figure: Pick<Figure, 'suiteId' | 'name' | 'statistic'>): string {
  return `${figure.suiteId}: ${figure.name}${figure.statistic ? ` (${figure.statistic})` : ''}`;
}
