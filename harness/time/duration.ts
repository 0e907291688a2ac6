// Durations as config authors write them ("90 s", "2 min", or a plain number of seconds) and as
// reports show them. Internally every duration is a number of milliseconds (of rig time).
import { z } from 'zod';
import { expectedGot } from '../config/index.ts';

const unitMs = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const durationPattern = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|min|h|d)\s*$/;

const expectation = 'a duration like "90 s" or "2 min"';

/** Longest duration any config or flag may give: a year and a bit. Beyond it lies a typo, not a test. */
export const MAX_DURATION = '400 d';

/** Milliseconds, or undefined when `value` is not a duration. */
function toMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const match = durationPattern.exec(value);
  return match ? Number(match[1]) * unitMs[match[2] as keyof typeof unitMs] : undefined;
}

/** Milliseconds of `value`, or the problem with it: not a duration, or longer than `max`. */
function check(value: unknown, max: string): number | string {
  const ms = toMs(value);
  if (ms === undefined) return expectedGot(expectation, value);
  // Also refuses "1e999 s"-like values that come out infinite.
  if (!(ms <= toMs(max)!)) return expectedGot(`a duration of at most ${max}`, value);
  return ms;
}

/** `500 ms`, `90 s`, `90s`, `2 min`, `1.5 h`, `7 d` or a number of seconds, up to `max` → milliseconds. */
export function parseDuration(value: unknown, max = MAX_DURATION): number {
  const ms = check(value, max);
  if (typeof ms === 'string') throw new RangeError(ms);
  return ms;
}

/** A duration in a config file of at most `max` (itself a duration), parsed to milliseconds. */
export function durationUpTo(max: string) {
  return z.unknown().transform((value, ctx) => {
    const ms = check(value, max);
    if (typeof ms === 'number') return ms;
    ctx.addIssue({ code: 'custom', message: ms, input: value });
    return z.NEVER;
  });
}

/** A duration in a config file, parsed to milliseconds. */
export const durationSchema = durationUpTo(MAX_DURATION);

/** Milliseconds for humans, in the two largest units that matter: `850 ms`, `32.4 s`, `1 min 32.4 s`, `2 min`, `7 d 3 h`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  // Round to the precision shown before choosing the units, so 59.96 s reads "1 min", not "60 s".
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenthsOfSecond = Math.round(ms / 100);
  if (tenthsOfSecond < 600) return `${tenthsOfSecond / 10} s`;
  if (tenthsOfSecond < 36_000) {
    const minutes = Math.floor(tenthsOfSecond / 600);
    return twoUnits(minutes, 'min', (tenthsOfSecond - minutes * 600) / 10, 's');
  }
  const minutes = Math.round(ms / unitMs.min);
  if (minutes < 24 * 60) return twoUnits(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(ms / unitMs.h);
  return twoUnits(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

/** "2 min 5 s", or "2 min" when the smaller unit is zero. */
function twoUnits(large: number, largeUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${large} ${largeUnit}` : `${large} ${largeUnit} ${small} ${smallUnit}`;
}
