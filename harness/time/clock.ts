// One clock for every wait, timeout and measurement (DESIGN §4).
// Rig time runs `scale` times faster than wall time; a real bench has scale 1.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Rig time runs this many times faster than wall time. */
  readonly scale: number;
  /** Rig milliseconds since this clock started. */
  now(): number;
  /** Wall-clock epoch milliseconds with sub-millisecond precision. */
  wallNow(): number;
  /** Run `fn` after `rigMs` of rig time. */
  setTimer(fn: () => void, rigMs: number): Timer;
  /** Resolve after `rigMs` of rig time; rejects with the signal's reason when aborted. */
  sleep(rigMs: number, signal?: AbortSignal): Promise<void>;
}

function sleepWith(clock: Clock, rigMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timer.cancel();
      reject(signal!.reason);
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, rigMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A class rather than a closure per timer: every AT command sets one, so its cost shows in ingest. */
class WallTimer implements Timer {
  constructor(private readonly handle: NodeJS.Timeout) {}
  cancel(): void {
    clearTimeout(this.handle);
  }
}

/** The clock of a running rig: wall time from the monotonic performance counter, scaled. */
export class ScaledClock implements Clock {
  private readonly originWall = performance.now();

  constructor(readonly scale = 1) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number, got ${scale}`);
  }

  now(): number {
    return (performance.now() - this.originWall) * this.scale;
  }

  wallNow(): number {
    return performance.timeOrigin + performance.now();
  }

  setTimer(fn: () => void, rigMs: number): Timer {
    return new WallTimer(setTimeout(fn, Math.max(0, rigMs / this.scale)));
  }

  sleep(rigMs: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, rigMs, signal);
  }
}

/** A clock that only moves when told to: deterministic tests of timed behaviour. */
export class ManualClock implements Clock {
  readonly scale = 1;
  private time = 0;
  private seq = 0;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  wallNow(): number {
    return this.time;
  }

  setTimer(fn: () => void, rigMs: number): Timer {
    const id = ++this.seq;
    this.timers.set(id, { due: this.time + Math.max(0, rigMs), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  sleep(rigMs: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, rigMs, signal);
  }

  /** Move time forward by `rigMs`, firing due timers in order (timers they set are honoured too). */
  advance(rigMs: number): void {
    const end = this.time + rigMs;
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].due <= end && (!next || entry[1].due < next[1].due)) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].due);
      next[1].fn();
    }
    this.time = end;
  }
}
