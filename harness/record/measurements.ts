// The measurement part of a run's record: each measured value with its verdict, and the statistics
// over a repeated suite's cycles. suite/measurements.ts judges and summarises them.

export type Verdict = 'pass' | 'marginal' | 'fail';

export interface MeasuredValue {
  name: string;
  description: string;
  value: number;
  unit: string;
  min?: number;
  max?: number;
  marginal?: number;
  /** ± bound of the value from the timing of its anchor (e.g. half an AT+CSIM round trip). */
  uncertainty?: number;
  verdict: Verdict;
}

export type Statistic = 'min' | 'median' | 'p95' | 'max';

export interface MeasurementStatistics {
  name: string;
  unit: string;
  cycles: number;
  min: number;
  median: number;
  p95: number;
  max: number;
  /** The statistic held against the limits, its value and verdict. */
  judged: Statistic;
  value: number;
  verdict: Verdict;
  limits: { min?: number; max?: number; marginal?: number };
}
