// How late a stamp taken now may be: the event loop's recent delay, from perf_hooks.monitorEventLoopDelay.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Wall ms between the monitor's samples: a delay shorter than this can go unseen, so it is always added. */
const RESOLUTION_MS = 1;
/** Wall ms the worst delay is remembered for: a stamp is taken right after the delay that made it late. */
const WINDOW_MS = 1_000;
const NS_PER_MS = 1e6;

/**
 * Bytes are stamped when JavaScript gets to them: after a stall of the event loop (a long callback,
 * garbage collection, the process waiting for a core) every byte that arrived during it is stamped as
 * late as the stall was long. The monitor's timer measures those stalls; a stamp taken now is late by
 * at most the worst stall of the current or the previous window, plus the monitor's resolution.
 */
export class LoopLag {
  private static instance: LoopLag | undefined;
  private readonly histogram: IntervalHistogram;
  private windowStart = performance.now();
  private previousWorstMs = 0;

  /** One monitor for the process: its timer costs the same however many engines read it. */
  static shared(): LoopLag {
    return (LoopLag.instance ??= new LoopLag());
  }

  private constructor() {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
  }

  /** Wall ms a callback running now may have been held up by. */
  lateByMs(): number {
    const now = performance.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.previousWorstMs = this.worstMs();
      this.histogram.reset();
      this.windowStart = now;
    }
    return Math.max(this.previousWorstMs, this.worstMs()) + RESOLUTION_MS;
  }

  /** A sample is the time between two ticks of the monitor's timer: the stall is what exceeds its interval. */
  private worstMs(): number {
    return this.histogram.count === 0 ? 0 : Math.max(0, this.histogram.max / NS_PER_MS - RESOLUTION_MS);
  }
}
