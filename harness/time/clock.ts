// One clock for every wait, timeout and measurement (docs/architecture.md, "Time").
// Rig time runs `scale` times faster than wall time; a real bench has scale 1.
// Imported, not the global: Node's global `performance` is a getter, run on every read of the clock.
import { performance } from 'node:perf_hooks';
import { checkTimeScale } from './scale.ts';

export interface Timer {
  cancel(): void;
}

/** One instant on the three time lines a record keeps. */
export interface ClockReading {
  /** performance.now() milliseconds. */
  mono: number;
  /** Epoch milliseconds. */
  wall: number;
  /** Rig milliseconds. */
  rig: number;
}

export interface Clock {
  /** Rig time runs this many times faster than wall time. */
  readonly scale: number;
  /** Reads all three into `into` at once, where the clock can do it cheaper than three reads (see readClock). */
  read?(into: ClockReading): void;
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

/** What a ScaledClock schedules with: Node's timers and monotonic counter, or a test's stand-in. */
export interface WallScheduler {
  /** Monotonic wall milliseconds. */
  now(): number;
  setTimeout(fn: () => void, wallMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: WallScheduler = {
  now: () => performance.now(),
  setTimeout: (fn, wallMs) => setTimeout(fn, wallMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The instant now on all three time lines. A clock that has read() answers from one counter read:
 * an engine stamps every chunk it reads, and three reads of the counter cost more than framing it.
 */
export function readClock(clock: Clock, into: ClockReading): ClockReading {
  if (clock.read) clock.read(into);
  else readEach(clock, into);
  return into;
}

/** The three time lines read one by one. */
function readEach(clock: Clock, into: ClockReading): void {
  into.rig = clock.now();
  into.wall = clock.wallNow();
  into.mono = performance.now();
}

/** Node runs a timeout longer than this (about 24.8 days) after 1 ms instead; longer waits are chained. */
export const MAX_WALL_TIMEOUT_MS = 2 ** 31 - 1;

/** A class rather than a closure per timer: every AT command sets one, so its cost shows in ingest. */
class WallTimer implements Timer {
  private handle: unknown;
  /** Wall time the timer is due at, set only for a wait longer than one timeout can hold. */
  private due = 0;

  constructor(private readonly wall: WallScheduler, private readonly fn: () => void, wallMs: number) {
    if (wallMs <= MAX_WALL_TIMEOUT_MS) this.handle = wall.setTimeout(fn, wallMs);
    else {
      this.due = wall.now() + wallMs;
      this.nextLink();
    }
  }

  /** One more link of a long wait: the longest timeout there is, or the rest of the wait. */
  private nextLink(): void {
    const left = this.due - this.wall.now();
    this.handle = left > MAX_WALL_TIMEOUT_MS
      ? this.wall.setTimeout(() => this.nextLink(), MAX_WALL_TIMEOUT_MS)
      : this.wall.setTimeout(this.fn, Math.max(0, left));
  }

  cancel(): void {
    this.wall.clearTimeout(this.handle);
  }
}

/** A timer's delay, never negative; NaN is refused, since a timer would take it for "at once". */
function delayOf(rigMs: number): number {
  if (Number.isNaN(rigMs)) throw new RangeError('timer delay must be a number of rig ms, got NaN');
  return Math.max(0, rigMs);
}

/** Epoch ms when the process's performance counter started: read once, as its getter costs a call and a check each time. */
const TIME_ORIGIN = performance.timeOrigin;

/** The clock of a running rig: wall time from the monotonic performance counter, scaled. */
export class ScaledClock implements Clock {
  readonly scale: number;
  private readonly originWall: number;

  constructor(scale = 1, private readonly wall = nodeTimers) {
    this.scale = checkTimeScale(scale);
    this.originWall = wall.now();
  }

  now(): number {
    return (this.wall.now() - this.originWall) * this.scale;
  }

  wallNow(): number {
    return TIME_ORIGIN + performance.now();
  }

  read(into: ClockReading): void {
    if (this.wall !== nodeTimers) return readEach(this, into);
    const mono = performance.now();
    into.mono = mono;
    into.wall = TIME_ORIGIN + mono;
    into.rig = (mono - this.originWall) * this.scale;
  }

  /** Correct for any delay: one beyond Node's longest timeout is chained from several; Infinity never fires. */
  setTimer(fn: () => void, rigMs: number): Timer {
    return new WallTimer(this.wall, fn, delayOf(rigMs) / this.scale);
  }

  sleep(rigMs: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, rigMs, signal);
  }
}

/** A clock that only moves when told to: deterministic tests of timed behaviour. */
export class ManualClock implements Clock {
  readonly scale: number = 1;
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
    this.timers.set(id, { due: this.time + delayOf(rigMs), fn });
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
