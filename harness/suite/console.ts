// What a person watching `hil run` sees: spec-style lines per suite and step, measurements with
// their limits, and one live line while a step waits.
import type { MeasuredValue, MeasurementStatistics } from '../record/index.ts';
import { describeLimits } from './measurements.ts';

const COLOURS = { pass: '\x1b[32m', marginal: '\x1b[33m', fail: '\x1b[31m', dim: '\x1b[2m', reset: '\x1b[0m' };

export class ConsoleView {
  private liveLine = false;
  private lastProgressWall = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly interactive: boolean,
  ) {}

  private colour(name: keyof typeof COLOURS, text: string): string {
    return this.interactive ? `${COLOURS[name]}${text}${COLOURS.reset}` : text;
  }

  line(text: string): void {
    this.clearLive();
    this.write(`${text}\n`);
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

  /** A live line while waiting: rewritten in place on a terminal, printed every few seconds otherwise. */
  progress(text: string): void {
    if (this.interactive) {
      this.write(`\r\x1b[K      … ${text}`);
      this.liveLine = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastProgressWall < 5000) return;
    this.lastProgressWall = now;
    this.write(`      … ${text}\n`);
  }

  private clearLive(): void {
    if (!this.liveLine) return;
    this.write('\r\x1b[K');
    this.liveLine = false;
  }
}
