// A scripted module for engine tests. Like a real one it reads its input one command at a time: it
// echoes a command when it reads it (if echo is on), and while a slow answer is pending it does not
// read further input. Answers with no delay are fed back synchronously, from inside the engine's write.

import { AtEngine, type AtEngineOptions } from '../../harness/at/index.ts';
import { ManualClock } from '../../harness/time/clock.ts';

export interface Reply {
  text: string;
  /** Rig ms after the previous reply (or after reading the input). */
  afterMs?: number;
}

/** What the module answers to a command line or a payload; undefined: it never answers. */
export type Script = (input: string, kind: 'command' | 'payload') => string | Reply[] | undefined;

export class FakeModule {
  echo = true;
  /** Inputs in the order the module read them. */
  readonly read: string[] = [];
  engine!: AtEngine;
  private pending = '';
  private awaitingPayload = false;
  private readonly inputs: Array<{ text: string; kind: 'command' | 'payload' }> = [];
  private busy = false;

  constructor(
    private readonly clock: ManualClock,
    private readonly script: Script,
  ) {}

  readonly write = (bytes: Buffer): void => {
    this.pending += bytes.toString('utf8');
    for (;;) {
      const end = this.pending.indexOf(this.awaitingPayload ? '\x1a' : '\r');
      if (end < 0) break;
      const text = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 1);
      this.inputs.push({ text, kind: this.awaitingPayload ? 'payload' : 'command' });
      this.awaitingPayload = false;
    }
    this.next();
  };

  /** Bytes the module says on its own. */
  say(text: string): void {
    this.engine.feed(Buffer.from(text, 'utf8'));
  }

  private next(): void {
    const input = this.busy ? undefined : this.inputs.shift();
    if (!input) return;
    this.read.push(input.text);
    if (this.echo) this.say(input.kind === 'payload' ? `${input.text}\x1a` : `${input.text}\r`);
    if (input.kind === 'command' && /^ATE0?$/i.test(input.text)) this.echo = false;
    if (input.kind === 'command' && /^ATE1$/i.test(input.text)) this.echo = true;
    const answer = this.script(input.text, input.kind);
    const replies = typeof answer === 'string' ? [{ text: answer }] : (answer ?? []);
    if (replies.at(-1)?.text.endsWith('> ')) this.awaitingPayload = true;
    this.busy = true;
    this.deliver(replies);
  }

  private deliver(replies: Reply[]): void {
    const [first, ...rest] = replies;
    if (!first) {
      this.busy = false;
      return this.next();
    }
    const emit = () => {
      this.say(first.text);
      this.deliver(rest);
    };
    if (first.afterMs) this.clock.setTimer(emit, first.afterMs);
    else emit();
  }
}

/** An engine on a manual clock talking to a FakeModule. */
export function fakeRig(script: Script, options: Partial<AtEngineOptions> = {}) {
  const clock = new ManualClock();
  const module = new FakeModule(clock, script);
  const engine = new AtEngine({ write: module.write, clock, ...options });
  module.engine = engine;
  return { clock, module, engine };
}

/** `\r\n<line>\r\n` for each line: how modules frame what they say. */
export function framed(...lines: string[]): string {
  return lines.map((line) => `\r\n${line}\r\n`).join('');
}

/** Lets pending promise callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise's outcome, readable synchronously once settled. */
export function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}
