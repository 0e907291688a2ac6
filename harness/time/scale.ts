// How much faster than wall time rig time may run. Below 1/1000 a one-minute rig wait takes over
// 16 hours of wall time. Above a million, one wall millisecond (about what a loaded host resolves)
// is over 16 rig minutes, so the rig durations suites state could not be told apart; a week of rig
// time still takes 0.6 s of wall time there.
import { z } from 'zod';
import { expectedGot, expecting } from '../config/index.ts';

export const MIN_TIME_SCALE = 1e-3;
export const MAX_TIME_SCALE = 1e6;

const expectation = `a time scale from ${MIN_TIME_SCALE} to ${MAX_TIME_SCALE} (how many times faster than wall time rig time runs)`;

export function isTimeScale(value: unknown): value is number {
  return typeof value === 'number' && value >= MIN_TIME_SCALE && value <= MAX_TIME_SCALE;
}

/** Throws a RangeError, worded like a config problem, unless `value` is a time scale within the bounds. */
export function checkTimeScale(value: number): number {
  if (!isTimeScale(value)) throw new RangeError(expectedGot(expectation, value));
  return value;
}

export const timeScaleSchema = z.number(expecting(expectation)).refine(isTimeScale, expecting(expectation));
