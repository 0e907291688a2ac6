// A rig wait that ends in a verdict on something the host must see happen (a session closing, a
// module answering) is no shorter than the host needs to see it. At a large time scale a rig wait
// maps to very little wall time: at scale 100 000 ten rig minutes are 6 ms, which one busy moment
// of a loaded host outlasts, so the wait would end before the event it waits for could be read.
import type { Clock } from './clock.ts';

/**
 * The least wall time such a wait takes: twice the 250 ms an AT command is given at the least
 * (harness/rig/controller.ts), since the host must read the module's answer and then the event. At
 * the shipped time scales (up to 120) no shipped wait is shorter, so only faster clocks get longer waits.
 */
export const OBSERVABLE_WAIT_WALL_MS = 500;

/** `rigMs`, lengthened where the clock's scale would make it shorter than OBSERVABLE_WAIT_WALL_MS of wall time. */
export function observableWait(clock: Pick<Clock, 'scale'>, rigMs: number): number {
  return Math.max(rigMs, OBSERVABLE_WAIT_WALL_MS * clock.scale);
}
