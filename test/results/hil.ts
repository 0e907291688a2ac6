// `hil` as its own process for the results tests: with an environment of the test's choosing (no
// HIL_* settings leak in from the shell), its output readable while it runs, and killable.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { HIL } from '../../support/hil-process.ts';
import { until } from './wait.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class HilProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;

  /** `script`: what node runs, `hil` unless a test names its own (a .ts file goes through tsx). */
  constructor(args: string[], env: Record<string, string> = {}, script = HIL) {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HIL_')));
    const node = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
    this.child = spawn(process.execPath, [...node, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...inherited, ...env } });
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get output(): string {
    return `${this.stdout}\n${this.stderr}`;
  }

  /** Resolves with the first match of `pattern` in stdout, waiting at most `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    await until(`hil output matching ${pattern}`, () => pattern.test(this.stdout), timeoutMs, () => this.output);
    return pattern.exec(this.stdout)!;
  }

  /** Resolves with the exit; kills the process and fails if it takes longer than `timeoutMs`. */
  async finish(timeoutMs = 60_000): Promise<Exit> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    if (exit.signal === 'SIGKILL') throw new Error(`hil did not finish within ${timeoutMs} ms:\n${this.output}`);
    return exit;
  }

  async kill(signal: NodeJS.Signals): Promise<Exit> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** Complete lines in a file (0 if it does not exist yet). */
export async function lineCount(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').length - 1;
}
