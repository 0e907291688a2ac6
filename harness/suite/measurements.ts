// Measurements judged against their declared limits, with a marginal band inside the limits.
import type { Measurement } from './suite-file.ts';
import { TIME_UNIT_MS } from './suite-file.ts';
import type { MeasuredValue, MeasurementStatistics, Statistic, Verdict } from '../record/index.ts';

export function judge(value: number, limits: Pick<Measurement, 'min' | 'max' | 'marginal'>): Verdict {
  // NaN is neither below nor above a limit, and a run that computed one measured nothing.
  if (!Number.isFinite(value)) return 'fail';
  if ((limits.min !== undefined && value < limits.min) || (limits.max !== undefined && value > limits.max)) return 'fail';
  const band = limits.marginal;
  if (band !== undefined && ((limits.min !== undefined && value < limits.min + band) || (limits.max !== undefined && value > limits.max - band))) {
    return 'marginal';
  }
  return 'pass';
}

/** A rig-time duration in the measurement's unit (s or ms); counts pass through. */
export function toUnit(rigMs: number, unit: string): number {
  const perUnit = TIME_UNIT_MS[unit as keyof typeof TIME_UNIT_MS];
  return perUnit ? Number((rigMs / perUnit).toFixed(3)) : rigMs;
}

export function measure(declared: Measurement, value: number, uncertainty?: number): MeasuredValue {
  return {
    name: declared.name,
    description: declared.description,
    value,
    unit: declared.unit,
    ...(uncertainty !== undefined ? { uncertainty } : {}),
    ...(declared.min !== undefined ? { min: declared.min } : {}),
    ...(declared.max !== undefined ? { max: declared.max } : {}),
    ...(declared.marginal !== undefined ? { marginal: declared.marginal } : {}),
    verdict: judge(value, declared),
  };
}

export function describeLimits(m: Pick<MeasuredValue, 'min' | 'max' | 'unit'>): string {
  if (m.min !== undefined && m.max !== undefined) return `${m.min}–${m.max} ${m.unit}`;
  return m.min !== undefined ? `≥ ${m.min} ${m.unit}` : `≤ ${m.max} ${m.unit}`;
}

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** min / median / p95 / max of one measurement over the cycles that took it, judged on one of them. */
export function summarize(declared: Measurement, values: readonly number[], judged: Statistic): MeasurementStatistics {
  const stats = { min: percentile(values, 0), median: percentile(values, 50), p95: percentile(values, 95), max: percentile(values, 100) };
  const value = stats[judged];
  return {
    name: declared.name,
    unit: declared.unit,
    cycles: values.length,
    ...stats,
    judged,
    value,
    verdict: judge(value, declared),
    limits: {
      ...(declared.min !== undefined ? { min: declared.min } : {}),
      ...(declared.max !== undefined ? { max: declared.max } : {}),
      ...(declared.marginal !== undefined ? { marginal: declared.marginal } : {}),
    },
  };
}
