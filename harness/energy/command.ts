// A power monitor that is another program: it prints one sample a line on stdout (seconds since its
// start and amperes, as CSV or JSON lines), for instruments the harness has no driver for (an Otii
// or Joulescope command-line tool). The trace is placed in rig time by the program's declared start
// on its first line, or else between the spawn and the first sample's arrival.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { redaction } from '../output/redaction.ts';
import type { Clock } from '../time/clock.ts';
import { TraceFeed } from './feed.ts';
import type { PowerMonitor } from './monitor.ts';

export type CommandFormat = 'csv' | 'jsonl';

export interface CommandMonitorOptions {
  clock: Clock;
  /** The program and its arguments. */
  command: string[];
  format: CommandFormat;
  supplyVolts: number;
  /** Rig ms within which the harness can time an event (the rig's timing resolution). */
  timingResolution: number;
}

/** What each format's lines look like, for errors. */
const EXPECTED: Record<CommandFormat, { sample: string; start: string }> = {
  csv: { sample: '"<seconds>,<amperes>"', start: '"start,<Unix ms>"' },
  jsonl: { sample: '{"t": <seconds>, "current": <amperes>}', start: '{"start": <Unix ms>}' },
};
/** stderr lines kept for the message of a program that exits early. */
const STDERR_LINES = 10;
/** Wall ms a stopped program has to exit on SIGTERM before it gets SIGKILL. */
const TERM_GRACE_MS = 2_000;
const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

type Line = { start: number } | { t: number; current: number };

/** One line of output: a sample, the declared start, or undefined if it is neither. */
function parseLine(format: CommandFormat, text: string): Line | undefined {
  if (format === 'csv') {
    const [first, second, ...rest] = text.split(',');
    if (rest.length > 0 || second === undefined || !NUMBER.test(second)) return undefined;
    if (first!.trim() === 'start') return { start: Number(second) };
    return NUMBER.test(first!) ? { t: Number(first), current: Number(second) } : undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { t, current, start } = value as Record<string, unknown>;
  if (typeof start === 'number' && Number.isFinite(start) && t === undefined) return { start };
  return typeof t === 'number' && typeof current === 'number' && Number.isFinite(t) && Number.isFinite(current) ? { t, current } : undefined;
}

export class CommandMonitor implements PowerMonitor {
  readonly description: string;
  readonly supplyVolts: number;
  private readonly feed = new TraceFeed();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private lineNumber = 0;
  /** Rig time of the program's t = 0, and how far it may be off; set by the first line that fixes it. */
  private origin: { at: number; uncertainty: number } | undefined;
  private spawnedAt = 0;
  private previous: { at: number; current: number; t: number } | undefined;
  private readonly stderr: string[] = [];
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(private readonly options: CommandMonitorOptions) {
    this.description = `monitor command ${options.command[0]}`;
    this.supplyVolts = options.supplyVolts;
  }

  get trace() {
    return this.feed.trace;
  }

  async start(): Promise<void> {
    const [program, ...args] = this.options.command;
    this.spawnedAt = this.options.clock.now();
    const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // A harness that exits any way at all takes the instrument's program with it.
    process.once('exit', this.killOnExit);
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => {
      process.off('exit', this.killOnExit);
      if (!this.stopping) this.feed.fail(this.exitedEarly(code, signal));
      resolve();
    }));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) => {
        const failure = new Error(`${this.description}: cannot start ${redaction.text(this.options.command.join(' '))}: ${error.message}`);
        this.feed.fail(failure);
        reject(failure);
      });
    });
    createInterface({ input: child.stdout! }).on('line', (text) => this.line(text));
    createInterface({ input: child.stderr! }).on('line', (text) => {
      this.stderr.push(text);
      if (this.stderr.length > STDERR_LINES) this.stderr.shift();
    });
  }

  async stop(): Promise<void> {
    await this.end();
    if (this.feed.failure) throw this.feed.failure;
  }

  async close(): Promise<void> {
    await this.end();
  }

  waitFor(until: number, timeoutWallMs: number): Promise<void> {
    return this.feed.waitFor(until, timeoutWallMs);
  }

  alignmentAt(): number {
    return (this.origin?.uncertainty ?? 0) + this.options.timingResolution;
  }

  /** Stops the program: SIGTERM, then SIGKILL if it lingers. */
  private async end(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), TERM_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }

  private exitedEarly(code: number | null, signal: NodeJS.Signals | null): Error {
    const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
    const tail = this.stderr.length ? `; its last stderr lines:\n  ${this.stderr.map((l) => redaction.text(l)).join('\n  ')}` : '; it printed nothing on stderr';
    return new Error(`${this.description} ${how} after ${this.lineNumber} line(s), before the harness stopped it${tail}`);
  }

  private line(text: string): void {
    if (this.feed.failure || this.stopping) return;
    const number = ++this.lineNumber;
    const now = this.options.clock.now();
    const { clock, format } = this.options;
    const parsed = parseLine(format, text);
    const expected = EXPECTED[format];
    const reject = (why: string) => {
      this.feed.fail(new Error(`${this.description}, stdout line ${number}: ${why}, got ${JSON.stringify(redaction.text(text).slice(0, 80))}; its figures are not used`));
      void this.end();
    };
    if (!parsed) return reject(`expected a sample ${expected.sample}${number === 1 ? ` or the start ${expected.start}` : ''}`);
    if ('start' in parsed) {
      if (number !== 1) return reject(`a declared start belongs on the first line only; expected a sample ${expected.sample}`);
      // The program's clock is the host's wall clock: its start is as far back in rig time as it is in wall time.
      this.origin = { at: now - (clock.wallNow() - parsed.start) * clock.scale, uncertainty: 0 };
      return;
    }
    const rigOffset = parsed.t * 1000 * clock.scale;
    if (!this.origin) {
      // The program's t = 0 lies between the spawn and this line's arrival less its offset.
      const latest = Math.max(this.spawnedAt, now - rigOffset);
      this.origin = { at: (this.spawnedAt + latest) / 2, uncertainty: (latest - this.spawnedAt) / 2 };
    }
    const at = this.origin.at + rigOffset;
    const previous = this.previous;
    if (previous && !(parsed.t > previous.t)) return reject(`expected a time after the previous line's ${previous.t} s`);
    // Each sample holds until the next one.
    if (previous) this.feed.trace.push({ start: previous.at, duration: at - previous.at, mean: previous.current, peak: previous.current, rounding: 0, logic: 0 });
    this.previous = { at, current: parsed.current, t: parsed.t };
    this.feed.wake();
  }
}
