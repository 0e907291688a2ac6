// A virtual module on a ManualClock, with everything it says split into timestamped lines.
import { VirtualModule, type VirtualModuleOptions } from '../../harness/sim/index.ts';
import type { TruthSession } from '../../harness/sim/index.ts';
import { decodeTerminalResponse, Ins, type TerminalResponse } from '../../harness/stk/index.ts';
import { ManualClock } from '../../harness/time/clock.ts';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;
export const FORCE_CHECK = 'AT+CSIM=52,"80C2000015D613190103820282811B0100130799F08900010001"';
/** Enough for boot, SIM initialisation and registration with the default timing. */
export const READY_MS = 10 * SECOND;

export interface HeardLine {
  at: number;
  text: string;
}

export class SimRig {
  readonly clock = new ManualClock();
  readonly module: VirtualModule;
  /** Every line the module said, with the rig time it was completed. */
  readonly heard: HeardLine[] = [];
  private raw = '';
  private partial = '';

  constructor(options: Partial<VirtualModuleOptions> = {}) {
    this.module = new VirtualModule({ seed: 1, ...options, clock: this.clock });
    this.module.on('data', (bytes) => this.hear(bytes.toString('latin1')));
  }

  /** Raw output since the last call. */
  take(): string {
    const raw = this.raw;
    this.raw = '';
    return raw;
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** Powers on, waits until the module is registered and turns echo off. */
  ready(): this {
    this.module.power(true);
    this.advance(READY_MS);
    this.at('ATE0');
    this.take();
    return this;
  }

  /** Writes one command line and returns the lines of the answer (the module answers at once). */
  at(command: string): string[] {
    this.take();
    this.module.write(Buffer.from(`${command}\r`, 'latin1'));
    return splitLines(this.take());
  }

  /** A position in `heard`, for `linesFrom`. */
  mark(): number {
    return this.heard.length;
  }

  /** Lines starting with `prefix` heard since `mark`. */
  linesFrom(prefix: string, mark = 0): HeardLine[] {
    return this.heard.slice(mark).filter((line) => line.text.startsWith(prefix));
  }

  /** Texts of the lines starting with `prefix` heard since `mark`. */
  textsFrom(prefix: string, mark = 0): string[] {
    return this.linesFrom(prefix, mark).map((line) => line.text);
  }

  sessions(): TruthSession[] {
    return this.module.truth.toJSON().sessions;
  }

  /** Advances in `stepMs` steps until `done` holds; fails after `limitMs`. */
  advanceUntil(done: () => boolean, limitMs: number, stepMs = 100): number {
    const end = this.clock.now() + limitMs;
    while (!done()) {
      if (this.clock.now() >= end) throw new Error(`condition not met within ${limitMs} rig ms`);
      this.advance(stepMs);
    }
    return this.clock.now();
  }

  private hear(text: string): void {
    this.raw += text;
    const parts = (this.partial + text).split(/\r\n|\r|\n/);
    this.partial = parts.pop()!;
    for (const part of parts) if (part !== '') this.heard.push({ at: this.clock.now(), text: part });
  }
}

/** Every toolkit notification any simulated dialect can print. */
export const TOOLKIT_NOTIFICATIONS = ['+CUSATP', '+CUSATEND', '^SSTN', '^SSTK', '+STKPRO', '%USATEV', '#STN'];

/** The OTA evidence heard since `mark`: PDN events and toolkit notifications, in order. */
export function evidenceFrom(rig: SimRig, mark: number): string[] {
  return rig.heard
    .slice(mark)
    .map((line) => line.text)
    .filter((text) => text.startsWith('+CGEV') || TOOLKIT_NOTIFICATIONS.some((prefix) => text.startsWith(prefix)));
}

/** Forces a check with the documented AT+CSIM envelope and runs rig time until its session has ended. */
export function forcedSession(rig: SimRig, limitMs = 30 * SECOND): TruthSession {
  rig.at(FORCE_CHECK);
  rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, limitMs);
  return rig.sessions()[0]!;
}

/** Power on at 0, off at 30 s, on again at 35 s: inside the first power-on's 60-120 s window. */
export function powerCycleInBootWindow(rig: SimRig): { firstDue: number; secondOn: number } {
  rig.module.power(true);
  const firstDue = rig.module.truth.toJSON().checksScheduled[0]!.due;
  rig.advance(30 * SECOND);
  rig.module.power(false);
  rig.advance(5 * SECOND);
  rig.module.power(true);
  return { firstDue, secondOn: rig.clock.now() };
}

/** Collects, decoded, every TERMINAL RESPONSE the module sends its UICC from now on. */
export function terminalResponses(rig: SimRig): TerminalResponse[] {
  const seen: TerminalResponse[] = [];
  const uicc = rig.module.uicc;
  const transmit = uicc.transmit.bind(uicc);
  uicc.transmit = (apdu) => {
    if (apdu[1] === Ins.TERMINAL_RESPONSE) seen.push(decodeTerminalResponse(apdu.subarray(5)));
    return transmit(apdu);
  };
  return seen;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => line !== '');
}

/** The error `promise` rejects with; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
  if ('error' in outcome) return outcome.error;
  throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
}

/** Waits (wall time) until `done` holds, polling every few ms. */
export async function waitFor(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
