// How late a read callback may run after its bytes arrived: an upper bound for each read, from a
// ticking timer, not a whole-window figure.
//
// Each turn of Node's event loop runs its due timers, then polls for I/O. Bytes that reach the
// process before a poll begins are delivered by that poll; so a read callback running now delivers
// bytes that arrived after the previous turn's poll began, and that poll began after the previous
// turn's timers ran. A timer ticking every TICK_MS therefore bounds every read: its bytes arrived no
// earlier than the tick before the latest one (the latest may belong to this very turn; an interval
// ticks at most once a turn, as it is re-armed from the turn's start time). On an idle loop that is a
// millisecond or two; after a stall (a long callback, garbage collection, the process waiting for a
// core) it is as long as the stall, for exactly the reads that came out of it.
//
// What happens before the bytes reach the process (the UART, a USB adapter's latency timer, the
// kernel, a binding reading on a worker thread) is outside this bound.

import { performance } from 'node:perf_hooks';

/** Wall ms between ticks: the bound on a healthy loop is about two of them. */
const TICK_MS = 1;

export class LoopLag {
  private static instance: LoopLag | undefined;
  /** performance.now() of the latest tick and of the one before it. */
  private latest = performance.now();
  private previous = this.latest;

  /** One ticker for the process: its timer costs the same however many engines read it. */
  static shared(): LoopLag {
    return (LoopLag.instance ??= new LoopLag());
  }

  private constructor() {
    // unref: the ticker never keeps a process alive that has nothing else to do.
    setInterval(() => {
      this.previous = this.latest;
      this.latest = performance.now();
    }, TICK_MS).unref();
  }

  /** Wall ms by which bytes delivered by a read callback that runs at `now` (performance.now()) may have arrived earlier. */
  lateByMs(now: number): number {
    return Math.max(0, now - this.previous);
  }
}
