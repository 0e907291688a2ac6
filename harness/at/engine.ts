// The AT engine: one command in flight, a FIFO queue behind it, URCs routed wherever they arrive.
//
// How a line is classified while a command is in flight (see README.md for examples):
//  1. After the `> ` prompt was answered, a line holding Ctrl-Z or equal to the payload is the payload's echo.
//  2. Before the command's echo, a line equal to the command (case-insensitive) is the echo.
//  3. A final result code ends the command.
//  4. Shared-prefix rule: a line starting with the command's response prefix (`+CEREG:` for `AT+CEREG?`)
//     belongs to the response even when that prefix is also a URC prefix; a line with any other URC
//     prefix is a URC; any other line belongs to the response.
//  5. Until the echo has been seen, lines that rule 4 would put into the response are held, since the
//     engine cannot yet tell whether echo is on. If the echo then arrives, the held lines predate the
//     command: those with a URC prefix are URCs (a `+CPIN: READY` boot URC just before `AT+CPIN?`), the
//     rest noise. If the final result comes with no echo (echo off), the held lines are the response.
//     Once something is held, later lines are held behind it so that their order is kept.
//
// After a timeout (the post-timeout rule):
//  - The engine writes nothing until the port has been quiet for `recoveryQuietMs`, or at most
//    `recoveryMaxMs` if the module keeps talking. Lines in that window are noise unless they carry a
//    URC prefix.
//  - If the timed-out command had been echoed (echo is on), the next command is gated: until its own
//    echo arrives, a final result code is the late answer of the timed-out command and is dropped
//    together with any lines held before it. With echo off only the quiet period protects.
//
// The queue is bounded: at most `maxQueued` commands wait, identical shared lookups waiting there
// are sent once, and every command is settled by its deadline, counted from send(), even one that
// never left the queue.

import { readClock, ScaledClock, type Clock, type Timer } from '../time/clock.ts';
import { LoopLag } from './loop-lag.ts';
import { DeadlineAlarm } from './alarm.ts';
import { AtClosedError, AtCommandError, AtQueueFullError, AtTimeoutError, AtWriteError } from './errors.ts';
import { LineFramer } from './framer.ts';
import { Listeners } from './listeners.ts';
import { DEFAULT_URC_PREFIXES, PrefixTable, responsePrefix, unknownUrcPrefix } from './prefixes.ts';
import { perCommand } from './per-command.ts';
import { parseFinal, type AtFailure, type FinalResult } from './result-codes.ts';
import { Transcript, type Direction, type EntryKind, type Stamp } from './transcript.ts';

export interface AtResponse {
  command: string;
  /** Information lines, echo excluded. */
  lines: string[];
  /** The final result code line. */
  final: string;
  /** True for OK and CONNECT. */
  ok: boolean;
  error?: AtFailure;
  /** Rig ms when the command was written and when its final result code arrived. */
  startedAt: number;
  endedAt: number;
}

export interface Urc {
  line: string;
  /** The URC prefix that matched, or for a line seen while idle with no known prefix its `+NAME:` head. */
  prefix: string;
  /** When the line's first byte was read. */
  rig: number;
  wall: number;
  /**
   * Rig ms the line's first byte may have arrived before `rig` (and `wall`), an upper bound ≥ 0 for
   * the read that brought it (see LoopLag): the byte arrived within [rig − stampLateBy, rig]. 0 for a
   * clock that only moves when told to, whose stamps are exact.
   */
  stampLateBy: number;
}

export interface AtEngineOptions {
  /**
   * Sends bytes to the module. A write that has to wait (for a port to return) asks `stillWanted`
   * before sending: a command the engine has given up on meanwhile must not reach the module late.
   * Every write of the same command gets the same Buffer: read it, never change it.
   */
  write: (bytes: Buffer, stillWanted: () => boolean) => void | Promise<void>;
  clock: Clock;
  /** Added to DEFAULT_URC_PREFIXES. */
  urcPrefixes?: readonly string[];
  /** Rig ms a command may take unless it says otherwise. Default 5000. */
  defaultTimeoutMs?: number;
  /** Rig ms of silence that end the recovery after a timeout. Default 500. */
  recoveryQuietMs?: number;
  /** Rig ms after which a recovery ends even if the module never falls silent. Default defaultTimeoutMs. */
  recoveryMaxMs?: number;
  /** Default 4096 bytes: room for a +CUSATP line carrying the longest proactive command in hex. */
  maxLineLength?: number;
  /** Transcript entries kept in memory (subscribers see them all, e.g. a file). Default 20000. */
  transcriptLimit?: number;
  /** Estimated heap bytes the kept transcript entries may take. Default 16 MiB. */
  transcriptBytes?: number;
  /**
   * Bounds how late a read's stamp may be. Default: the process's ticker for a ScaledClock, whose rig
   * time follows the wall; none (stamps exact) for a clock that only moves when told to.
   */
  loopLag?: Pick<LoopLag, 'lateByMs'> | undefined;
  /** Commands that may wait behind the one in flight; send() refuses one more with AtQueueFullError. Default 64. */
  maxQueued?: number;
  /**
   * Rig ms a command may wait in the queue, on top of its timeout, unless send() gives its own
   * deadline. Default 12 × defaultTimeoutMs (a minute at its default).
   */
  queueWaitMs?: number;
}

export interface SendOptions {
  /** Rig ms the module may take to answer once the command is written. Default: the engine's defaultTimeoutMs. */
  timeoutMs?: number;
  /**
   * Rig ms from send() by which the command is settled, however long it waited in the queue; it
   * also cuts the timeout short. Default timeoutMs + the engine's queueWaitMs.
   */
  deadlineMs?: number;
  /**
   * A read-only lookup, whose queued copy callers share: one asking while the same command, with the
   * same expect and timeout, is still queued and shared gets that command's answer instead of
   * queueing another. A command already written is never joined: its answer may predate the
   * question. Default: true for a read or test command (`AT+CGDCONT?`, `AT+CGDCONT=?`).
   */
  shared?: boolean;
  /** Prefix of the command's information lines; derived from the command by default, '' for none. */
  expect?: string;
  /** Written after the `> ` prompt, terminated with Ctrl-Z. */
  payload?: string;
}

interface Caller {
  resolve: (response: AtResponse) => void;
  reject: (error: Error) => void;
}

/** A command from send() until it is settled: first waiting in the queue, then in flight. */
interface Job extends Caller {
  command: string;
  /** The command and its CR as written, shared by every send of the same command. */
  bytes: Buffer;
  timeoutMs: number;
  expect: string | undefined;
  payload: string | undefined;
  shared: boolean;
  /**
   * By when the job is settled (rig ms), and how long after its send() that is. Rig times are
   * fractions, each kept in a box of its own, so a job keeps no more of them than it needs.
   */
  deadline: number;
  deadlineMs: number;
  /** Callers of the same shared lookup who joined it while it was queued. */
  joined: Caller[] | undefined;
  /** Runs out the deadline of a job waiting in the queue. */
  expiry: Timer | undefined;
  // Set when the job is written:
  startedAt: number;
  /** The previous command timed out after its echo: finals before this command's echo are late answers. */
  gated: boolean;
  echoSeen: boolean;
  promptDone: boolean;
  /** Allocated when a line is first held: most commands hold none. */
  held: RxLine[] | undefined;
  /** The response's lines, allocated with the first: an array of one, not of V8's 17 slots for a first push. */
  lines: string[] | undefined;
}

/** When a chunk was read, and how late that may be (rig ms). */
interface RxStamp extends Stamp {
  lateBy: number;
}

/** A stamp to overwrite: the engine keeps two (the chunk's, the line's) instead of one per read. */
class MutableStamp implements RxStamp {
  mono = 0;
  wall = 0;
  rig = 0;
  lateBy = 0;

  set(from: RxStamp): void {
    this.mono = from.mono;
    this.wall = from.wall;
    this.rig = from.rig;
    this.lateBy = from.lateBy;
  }
}

interface RxLine {
  text: string;
  stamp: RxStamp;
}

const CTRL_Z = '\x1a';
const NO_OPTIONS: SendOptions = Object.freeze({});

export class AtEngine {
  readonly transcript: Transcript;
  private readonly write: AtEngineOptions['write'];
  private readonly clock: Clock;
  private readonly urcPrefixes: PrefixTable;
  private readonly defaultTimeoutMs: number;
  private readonly recoveryQuietMs: number;
  private readonly recoveryMaxMs: number;
  private readonly maxQueued: number;
  private readonly queueWaitMs: number;
  private readonly framer: LineFramer;
  private readonly urcListeners = new Listeners<Urc>();
  private readonly queue: Job[] = [];
  /** Chunks fed while one was being processed, with their stamps. */
  private readonly inbox: { bytes: Uint8Array; stamp: RxStamp }[] = [];
  private readonly loopLag: Pick<LoopLag, 'lateByMs'> | undefined;
  /** The command in flight. */
  private active: Job | undefined;
  private readonly alarm: DeadlineAlarm;
  private recovery: { quiet: Timer; cap: Timer } | undefined;
  private gateNext = false;
  private feeding = false;
  /** When the chunk being framed was read, and when the one holding the first byte of the line in progress was. */
  private readonly chunkStamp = new MutableStamp();
  private readonly lineStamp = new MutableStamp();
  /** The instant of a send(), reused for the write it leads to. */
  private readonly sendStamp = new MutableStamp();
  private dispatching = false;
  private closed = false;

  constructor(options: AtEngineOptions) {
    this.write = options.write;
    this.clock = options.clock;
    this.alarm = new DeadlineAlarm(options.clock);
    this.loopLag = 'loopLag' in options ? options.loopLag : options.clock instanceof ScaledClock ? LoopLag.shared() : undefined;
    this.urcPrefixes = new PrefixTable([...DEFAULT_URC_PREFIXES, ...(options.urcPrefixes ?? [])]);
    this.defaultTimeoutMs = positive('defaultTimeoutMs', options.defaultTimeoutMs ?? 5000);
    this.recoveryQuietMs = positive('recoveryQuietMs', options.recoveryQuietMs ?? 500);
    this.recoveryMaxMs = positive('recoveryMaxMs', options.recoveryMaxMs ?? this.defaultTimeoutMs);
    this.queueWaitMs = positive('queueWaitMs', options.queueWaitMs ?? 12 * this.defaultTimeoutMs);
    this.maxQueued = options.maxQueued ?? 64;
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 0) throw new RangeError(`maxQueued must be a whole number of commands, got ${this.maxQueued}`);
    const maxLineLength = options.maxLineLength ?? 4096;
    // Texts are cut at 4096 characters, never below the line length: a line the framer passes is kept whole.
    const textLength = Math.max(maxLineLength, 4096);
    this.transcript = new Transcript({ entries: options.transcriptLimit, bytes: options.transcriptBytes, textLength });
    this.framer = new LineFramer({
      line: (text, carried) => {
        if (!this.closed) this.onLine(text, carried ? this.lineStamp : this.chunkStamp);
      },
      prompt: (carried) => {
        if (!this.closed) this.onPrompt(carried ? this.lineStamp : this.chunkStamp);
      },
      noise: (text, reason, carried) => {
        if (!this.closed) this.record('rx', 'noise', text, reason, carried ? this.lineStamp : this.chunkStamp);
      },
    }, {
      maxLineLength,
      promptArmed: () => this.active?.payload !== undefined && !this.active.promptDone,
    });
  }

  /** Bytes from the module. Never throws; after close() input is ignored. */
  feed(chunk: Buffer | Uint8Array): void {
    if (this.closed) return;
    if (!(chunk instanceof Uint8Array)) {
      this.record('rx', 'noise', typeof chunk, 'input that is not bytes ignored');
      return;
    }
    // A listener or a synchronous write may feed while a chunk is being processed: queue it behind.
    if (this.feeding) {
      this.inbox.push({ bytes: new Uint8Array(chunk), stamp: this.rxStamp({ mono: 0, wall: 0, rig: 0, lateBy: 0 }) });
      return;
    }
    this.feeding = true;
    try {
      // Stamped here, in the transport's data callback: as close to the read as the process gets.
      this.rxStamp(this.chunkStamp);
      this.frame(chunk);
      for (let next = this.inbox.shift(); next && !this.closed; next = this.inbox.shift()) {
        this.chunkStamp.set(next.stamp);
        this.frame(next.bytes);
      }
    } finally {
      this.feeding = false;
      if (this.inbox.length > 0) this.inbox.length = 0;
    }
  }

  /** A line is dated by the read that brought its first byte (chunkStamp now), however many reads it took. */
  private frame(bytes: Uint8Array): void {
    this.heardBytes();
    this.framer.push(bytes);
    if (this.framer.holdsLineOfLastPush) this.lineStamp.set(this.chunkStamp);
  }

  /**
   * Resolves on any final result code; rejects with AtTimeoutError, AtClosedError, AtWriteError, or
   * AtQueueFullError when maxQueued commands are waiting already.
   */
  send(command: string, opts: SendOptions = NO_OPTIONS): Promise<AtResponse> {
    return new Promise((resolve, reject) => this.submit(command, resolve, reject, opts));
  }

  /**
   * send() with callbacks instead of a promise: `onResponse` gets what send() would resolve with,
   * `onError` what it would reject with, exactly once between them, maybe before submit() returns.
   * For a reader that sends commands by the thousand (a poller, a replay), where a promise and its
   * reactions per command cost more than the engine's own work.
   */
  submit(command: string, onResponse: (response: AtResponse) => void, onError: (error: Error) => void, opts: SendOptions = NO_OPTIONS): void {
    if (this.closed) return onError(new AtClosedError(command));
    const facts = commandFacts(command);
    if (!facts) return onError(invalidCommand(command));
    const invalid = checkOptions(command, opts);
    if (invalid) return onError(invalid);
    const { line, bytes } = facts;
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const now = readClock(this.clock, this.sendStamp);
    const deadlineMs = opts.deadlineMs ?? timeoutMs + this.queueWaitMs;
    const deadline = now.rig + deadlineMs;
    const expect = opts.expect ?? facts.prefix;
    const shared = opts.shared ?? (opts.payload === undefined && facts.lookup);
    const same = shared ? this.queuedLookup(line, expect, timeoutMs, deadline) : undefined;
    if (same) {
      (same.joined ??= []).push({ resolve: onResponse, reject: onError });
      return;
    }
    if (this.queue.length >= this.maxQueued) return onError(new AtQueueFullError(line, this.maxQueued));
    const job: Job = {
      command: line,
      bytes,
      timeoutMs,
      expect,
      payload: opts.payload,
      shared,
      deadline,
      deadlineMs,
      joined: undefined,
      expiry: undefined,
      resolve: onResponse,
      reject: onError,
      startedAt: 0,
      gated: false,
      echoSeen: false,
      promptDone: false,
      held: undefined,
      lines: undefined,
    };
    // A timer only for a job that will wait: most are written at once.
    if (this.active || this.recovery || this.dispatching || this.queue.length > 0) {
      job.expiry = this.clock.setTimer(() => this.expire(job), deadlineMs);
    }
    this.queue.push(job);
    this.dispatchNext(now);
  }

  /** Commands waiting behind the one in flight. */
  get queued(): number {
    return this.queue.length;
  }

  /** Like send(), but a final result other than OK or CONNECT rejects with AtCommandError. */
  async expectOk(command: string, opts?: SendOptions): Promise<AtResponse> {
    const response = await this.send(command, opts);
    if (!response.ok) throw new AtCommandError(response);
    return response;
  }

  /** Subscribe to URCs, optionally only those whose line starts with `prefix`. Returns the unsubscribe function. */
  onUrc(listener: (urc: Urc) => void, prefix?: string): () => void {
    if (prefix === undefined) return this.urcListeners.add(listener);
    return this.urcListeners.add((urc) => {
      if (urc.line.startsWith(prefix)) listener(urc);
    });
  }

  /** Rejects the command in flight and every queued one, stops all timers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.recovery?.quiet.cancel();
    this.recovery?.cap.cancel();
    this.recovery = undefined;
    const flight = this.active;
    this.active = undefined;
    this.alarm.stop();
    if (flight) rejectJob(flight, new AtClosedError(flight.command));
    for (const job of this.queue.splice(0)) {
      job.expiry?.cancel();
      rejectJob(job, new AtClosedError(job.command));
    }
  }

  /** The newest queued shared lookup the caller can join: one settled no later than the caller's deadline. */
  private queuedLookup(command: string, expect: string | undefined, timeoutMs: number, deadline: number): Job | undefined {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i]!;
      if (job.shared && job.command === command && job.expect === expect && job.timeoutMs === timeoutMs && job.deadline <= deadline) return job;
    }
    return undefined;
  }

  /** A queued job's deadline passed: it is never written. */
  private expire(job: Job): void {
    const ahead = this.queue.indexOf(job);
    if (ahead < 0) return;
    this.queue.splice(ahead, 1);
    this.giveUpQueued(job, ahead);
  }

  private giveUpQueued(job: Job, ahead: number, stamp = this.stamp()): void {
    const { deadlineMs } = job;
    const behind = `${ahead} queued ahead${this.active ? ' and one in flight' : ''}`;
    this.record('tx', 'timeout', `${job.command}: not written within its deadline of ${deadlineMs} rig ms (${behind})`, undefined, stamp);
    rejectJob(job, new AtTimeoutError(job.command, deadlineMs, true));
  }

  /**
   * Writes the next queued command, if the port is free. `now`: the instant of the call that freed it
   * (a send(), the read that brought a final result code), which the write is stamped with.
   */
  private dispatchNext(now: Stamp = this.stamp()): void {
    // A synchronous write can complete a command (and come back here) while the loop below runs.
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (!this.closed && !this.active && !this.recovery && this.queue.length > 0) {
        const job = this.queue.shift()!;
        job.expiry?.cancel();
        // Its expiry may be due at this very rig ms and not have run yet.
        if (now.rig >= job.deadline) this.giveUpQueued(job, 0, now);
        else this.start(job, now);
      }
    } finally {
      this.dispatching = false;
    }
  }

  private start(job: Job, now: Stamp): void {
    job.startedAt = now.rig;
    job.gated = this.gateNext;
    this.gateNext = false;
    this.active = job;
    this.alarm.watch(Math.min(job.startedAt + job.timeoutMs, job.deadline), this.timeOutActive);
    this.transmit(job, 'command', job.command, job.bytes, now);
  }

  private transmit(flight: Job, kind: EntryKind, text: string, bytes: Buffer, stamp: Stamp): void {
    this.record('tx', kind, text, undefined, stamp);
    try {
      const written = this.write(bytes, () => this.active === flight && !this.closed);
      // Most writes return nothing: no promise to wait on for them.
      if (written !== undefined) Promise.resolve(written).catch((err: unknown) => this.writeFailed(flight, err));
    } catch (err) {
      this.writeFailed(flight, err);
    }
  }

  private writeFailed(flight: Job, err: unknown): void {
    this.record('tx', 'noise', err instanceof Error ? err.message : String(err), `write of ${flight.command} failed`);
    if (this.active !== flight) return;
    this.active = undefined;
    this.alarm.clear();
    rejectJob(flight, new AtWriteError(flight.command, err));
    this.dispatchNext();
  }

  private onPrompt(stamp: RxStamp): void {
    const flight = this.active;
    if (flight?.payload === undefined) return;
    flight.promptDone = true;
    this.record('rx', 'prompt', '>', undefined, stamp);
    const data = flight.payload + CTRL_Z;
    this.transmit(flight, 'payload', data, Buffer.from(data), stamp);
  }

  private onLine(text: string, stamp: RxStamp): void {
    const flight = this.active;
    if (!flight) return this.onIdleLine(text, stamp);
    const { command, payload } = flight;

    if (flight.promptDone && (text.includes(CTRL_Z) || text === payload!.trim())) {
      return this.record('rx', 'echo', text, 'payload', stamp);
    }
    if (!flight.echoSeen && isEcho(text, command)) {
      this.releaseHeldAsStray(flight, `arrived before the echo of ${command}`);
      flight.echoSeen = true;
      return this.record('rx', 'echo', text, undefined, stamp);
    }
    const final = parseFinal(text);
    if (final && flight.gated && !flight.echoSeen) {
      this.releaseHeldAsStray(flight, 'late output of the timed-out command');
      return this.record('rx', 'noise', text, 'late result of the timed-out command', stamp);
    }
    if (final) {
      if (flight.held) for (const held of flight.held.splice(0)) this.route(flight, held.text, held.stamp);
      this.record('rx', 'final', text, undefined, stamp);
      return this.finish(flight, text, final, stamp);
    }
    if (!flight.echoSeen && (flight.held?.length || this.urcPrefixDuring(flight, text) === undefined)) {
      // The engine's stamps are overwritten by the next read: a held line keeps a copy.
      (flight.held ??= []).push({ text, stamp: { ...stamp } });
      return;
    }
    this.route(flight, text, stamp);
  }

  private onIdleLine(text: string, stamp: RxStamp): void {
    const prefix = this.urcPrefixes.match(text);
    if (prefix) return this.emitUrc(text, stamp, prefix);
    if (this.recovery) return this.record('rx', 'noise', text, 'late output after a timeout', stamp);
    if (parseFinal(text)) return this.record('rx', 'noise', text, 'result code with no command in flight', stamp);
    this.emitUrc(text, stamp, unknownUrcPrefix(text));
  }

  /** A line of the command's response, or a URC (rule 4). */
  private route(flight: Job, text: string, stamp: RxStamp): void {
    const prefix = this.urcPrefixDuring(flight, text);
    if (prefix) return this.emitUrc(text, stamp, prefix);
    if (flight.lines) flight.lines.push(text);
    else flight.lines = [text];
    this.record('rx', 'info', text, undefined, stamp);
  }

  private urcPrefixDuring(flight: Job, text: string): string | undefined {
    if (flight.expect && text.startsWith(flight.expect)) return undefined;
    return this.urcPrefixes.match(text);
  }

  /** Held lines that turned out not to answer the command: URCs if they look like one, else noise. */
  private releaseHeldAsStray(flight: Job, note: string): void {
    if (!flight.held) return;
    for (const { text, stamp } of flight.held.splice(0)) {
      const prefix = this.urcPrefixes.match(text);
      if (prefix) this.emitUrc(text, stamp, prefix);
      else this.record('rx', 'noise', text, note, stamp);
    }
  }

  /** No URC object for nobody: most lines of a busy port are URCs no one subscribed to. */
  private emitUrc(text: string, stamp: RxStamp, prefix: string): void {
    this.record('rx', 'urc', text, undefined, stamp);
    if (!this.urcListeners.active) return;
    const { rig, wall, lateBy } = stamp;
    this.urcListeners.emit({ line: text, prefix, rig, wall, stampLateBy: lateBy });
  }

  /** The next command is written at the instant of the read that ended this one. */
  private finish(flight: Job, finalLine: string, final: FinalResult, stamp: RxStamp): void {
    if (this.active !== flight) return; // a URC listener closed the engine meanwhile
    this.active = undefined;
    this.alarm.clear();
    const { command, startedAt } = flight;
    const lines = flight.lines ?? [];
    const endedAt = stamp.rig;
    // Literals, not a spread: an object built by spreading gets a property store three times the size.
    resolveJob(flight, final.error
      ? { command, lines, final: finalLine, ok: final.ok, error: final.error, startedAt, endedAt }
      : { command, lines, final: finalLine, ok: final.ok, startedAt, endedAt });
    this.dispatchNext(this.chunkStamp);
  }

  /** The alarm watches the command in flight only: one callback for all, not a closure per command. */
  private readonly timeOutActive = (): void => {
    if (this.active) this.timeOut(this.active);
  };

  private timeOut(job: Job): void {
    const { command } = job;
    // What the module had to answer in: the job's timeout, or less if its deadline came first.
    const limitMs = Math.min(job.timeoutMs, job.deadline - job.startedAt);
    this.active = undefined;
    this.releaseHeldAsStray(job, `unanswered when ${command} timed out`);
    this.record('rx', 'timeout', `${command}: no final result code within ${limitMs} rig ms`);
    this.gateNext = job.echoSeen;
    this.recovery = {
      quiet: this.clock.setTimer(this.endRecovery, this.recoveryQuietMs),
      cap: this.clock.setTimer(this.endRecovery, this.recoveryMaxMs),
    };
    rejectJob(job, new AtTimeoutError(command, limitMs));
  }

  /** Any byte during a recovery restarts its quiet period. */
  private heardBytes(): void {
    if (!this.recovery) return;
    this.recovery.quiet.cancel();
    this.recovery.quiet = this.clock.setTimer(this.endRecovery, this.recoveryQuietMs);
  }

  private readonly endRecovery = (): void => {
    if (!this.recovery) return;
    this.recovery.quiet.cancel();
    this.recovery.cap.cancel();
    this.recovery = undefined;
    this.dispatchNext();
  };

  private stamp(): Stamp {
    return readClock(this.clock, { mono: 0, wall: 0, rig: 0 });
  }

  private rxStamp(into: RxStamp): RxStamp {
    // Read after the rig and wall stamps (or with them): counted from a later instant, the bound covers them too.
    readClock(this.clock, into);
    into.lateBy = this.loopLag ? this.loopLag.lateByMs(into.mono) * this.clock.scale : 0;
    return into;
  }

  private record(dir: Direction, kind: EntryKind, text: string, note?: string, stamp: Stamp = this.stamp()): void {
    this.transcript.add(stamp, dir, kind, text, note);
  }
}

/** The command's echo, in any case: compared without building upper-case copies of every line. */
function isEcho(text: string, command: string): boolean {
  return text.length === command.length && (text === command || text.toUpperCase() === command.toUpperCase());
}

function resolveJob(job: Job, response: AtResponse): void {
  job.resolve(response);
  if (!job.joined) return;
  // Each caller gets its own lines, so that none can change another's answer.
  for (const caller of job.joined) caller.resolve({ ...response, lines: [...response.lines] });
}

function rejectJob(job: Job, error: Error): void {
  job.reject(error);
  if (!job.joined) return;
  for (const caller of job.joined) caller.reject(error);
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number of rig ms, got ${value}`);
  return value;
}

interface CommandFacts {
  /** The command as written and recorded: trimmed. */
  line: string;
  /** The line and its CR as written, shared by every send of the same command. */
  bytes: Buffer;
  prefix: string | undefined;
  /** A read or test command (`AT+CGDCONT?`, `AT+CGDCONT=?`): shared by default. */
  lookup: boolean;
}

/**
 * What the engine derives from a command's text, or undefined for a command that must not be
 * written: one that is empty or carries the bytes that end it early.
 */
const commandFacts = perCommand((command: string): CommandFacts | undefined => {
  if (typeof command !== 'string' || command.trim() === '' || /[\r\n\x1a\x1b]/.test(command)) return undefined;
  const line = command.trim();
  return { line, bytes: Buffer.from(`${line}\r`), prefix: responsePrefix(command), lookup: line.endsWith('?') };
});

function invalidCommand(command: string): Error {
  return new TypeError(`invalid AT command ${JSON.stringify(command)}: must be non-empty, without CR, LF, Ctrl-Z or ESC`);
}

/** Payloads must not carry the bytes that end them early, and limits must be positive. */
function checkOptions(command: string, opts: SendOptions): Error | undefined {
  if (opts.payload !== undefined && (typeof opts.payload !== 'string' || /[\x1a\x1b]/.test(opts.payload))) {
    return new TypeError(`invalid payload for ${command}: must be a string without Ctrl-Z or ESC`);
  }
  if (opts.timeoutMs !== undefined && (!(opts.timeoutMs > 0) || !Number.isFinite(opts.timeoutMs))) {
    return new RangeError(`invalid timeout for ${command}: ${opts.timeoutMs}`);
  }
  if (opts.deadlineMs !== undefined && (!(opts.deadlineMs > 0) || !Number.isFinite(opts.deadlineMs))) {
    return new RangeError(`invalid deadline for ${command}: ${opts.deadlineMs}`);
  }
  if (opts.shared && opts.payload !== undefined) {
    return new TypeError(`${command} cannot be shared: a command with a payload is not a read-only lookup`);
  }
  return undefined;
}
