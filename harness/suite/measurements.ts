// Measurements judged against their declared limits, with a marginal band inside the limits.
import type { Measurement } from './suite-file.ts';
import { TIME_UNIT_MS } from './suite-file.ts';

export type Verdict = 'pass' | 'marginal' | 'fail';

export interface MeasuredValue {
  name: string;
  description: string;
  value: number;
  unit: string;
  min?: number;
  max?: number;
  marginal?: number;
  verdict: Verdict;
}

export function judge(value: number, limits: Pick<Measurement, 'min' | 'max' | 'marginal'>): Verdict {
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

export function measure(declared: Measurement, value: number): MeasuredValue {
  return {
    name: declared.name,
    description: declared.description,
    value,
    unit: declared.unit,
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
