// Summary statistics over samples.
import type { Spread } from './figures.ts';

/** The p-th percentile (0–100) by linear interpolation between the closest ranks. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('no samples');
  return samples.reduce((sum, x) => sum + x, 0) / samples.length;
}

export function max(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('no samples');
  return samples.reduce((m, x) => (x > m ? x : m), -Infinity);
}

/** The range of per-run values behind a median. */
export function spread(perRun: readonly number[]): Spread {
  return { min: Math.min(...perRun), max: Math.max(...perRun), runs: perRun.length };
}
