// What a person watching `hil run` sees: spec-style lines per suite and step, measurements with
// their limits, and one live line while a step waits (a line now and then where stdout is no terminal).
import type { MeasuredValue, MeasurementStatistics } from '../record/index.ts';
import type { CliOutput } from '../output/streams.ts';
import { describeLimits } from './measurements.ts';

const COLOURS = { pass: '\x1b[32m', marginal: '\x1b[33m', fail: '\x1b[31m', dim: '\x1b[2m', reset: '\x1b[0m' };

/** Wall ms between two progress lines of the same wait where no live line can be shown. */
export const PROGRESS_EVERY_MS = 30_000;

/** Where the view writes: lines, and the live line where there is a terminal to redraw it on. */
export type ConsoleOutput = Pick<CliOutput, 'stdout' | 'live'>;

/** A duration as formatDuration writes it ("4.5 s", "1 min 5.2 s"): what changes as a wait goes on. */
const DURATION = /\d+(?:\.\d+)? (?:ms|s|min|h|d)\b(?: \d+(?:\.\d+)? (?:s|min|h)\b)?/g;

export class ConsoleView {
  /** The last progress line printed where there is no live line: its text without durations, and when. */
  private lastProgress: { subject: string; wall: number } | undefined;

  constructor(
    private readonly out: ConsoleOutput,
    private readonly colourOn: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  private colour(name: keyof typeof COLOURS, text: string): string {
    return this.colourOn ? `${COLOURS[name]}${text}${COLOURS.reset}` : text;
  }

  line(text: string): void {
    this.lastProgress = undefined;
    this.out.stdout(text);
  }

  suiteStarted(id: string, title: string): void {
    this.line('');
    this.line(`  ${id} — ${title}`);
  }

  step(title: string, ok: boolean, rigMs: number): void {
    const mark = ok ? this.colour('pass', '✓') : this.colour('fail', '✗');
    this.line(`    ${mark} ${title} ${this.colour('dim', `(${(rigMs / 1000).toFixed(1)} s rig)`)}`);
  }

  measurement(m: MeasuredValue): void {
    const verdict = m.verdict === 'pass' ? 'pass' : m.verdict === 'marginal' ? 'marginal' : 'fail';
    const bound = m.uncertainty ? ` ± ${m.uncertainty}` : '';
    this.line(`      ${m.name} = ${m.value}${bound} ${m.unit}  [${describeLimits(m)}]  ${this.colour(verdict, verdict.toUpperCase())}`);
  }

  statistics(s: MeasurementStatistics): void {
    const figures = `min ${s.min}, median ${s.median}, p95 ${s.p95}, max ${s.max} ${s.unit} over ${s.cycles} cycles`;
    const limits = describeLimits({ ...s.limits, unit: s.unit });
    this.line(`      ${s.name}: ${figures}; ${s.judged} ${s.value} ${s.unit} [${limits}]  ${this.colour(s.verdict, s.verdict.toUpperCase())}`);
  }

  /**
   * What a wait is at: the live line on a terminal, redrawn at each call. Elsewhere a line, only when
   * the wait's subject changes (its text apart from the durations) or every PROGRESS_EVERY_MS.
   */
  progress(text: string): void {
    const line = `      … ${text}`;
    if (this.out.live) return this.out.live(line);
    const subject = text.replace(DURATION, '…');
    const wall = this.now();
    const last = this.lastProgress;
    if (last && last.subject === subject && wall - last.wall < PROGRESS_EVERY_MS) return;
    this.lastProgress = { subject, wall };
    this.out.stdout(line);
  }
}
