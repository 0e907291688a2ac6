// A GPIO bench for tests: a private mount namespace with a tmpfs over /sys/class, where
// sysfs-gpio.ts plays the kernel's GPIO interface, and processes started in it (hil run, hil doctor)
// drive its lines through onoff as on a Raspberry Pi 5. Needs CAP_SYS_ADMIN (root): without it
// `start` rejects with NamespaceUnavailable and the tests skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finished } from '../../support/hil-process.ts';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const EMULATOR = fileURLToPath(new URL('./sysfs-gpio.ts', import.meta.url));
/** A Raspberry Pi 5 on Linux ≥ 6.6: the header's pinctrl-rp1 starts at 571, so its line 17 is 588. */
export const PI5_CHIPS = ['gpio-brcmstb@107d508500:512:32', 'gpio-brcmstb@107d517c00:544:15', 'pinctrl-rp1:571:54'];
/** A kernel that registers pinctrl-rp1 first, at the dynamic base 512: its line 17 is 529. */
export const RP1_AT_512 = ['pinctrl-rp1:512:54', 'gpio-brcmstb@107d508500:566:32', 'gpio-brcmstb@107d517c00:598:15'];
const START_MS = 15_000;

export class NamespaceUnavailable extends Error {}

/** Resolves with the first line of `child`'s stdout matching `pattern`; rejects if it exits first. */
function lineFrom(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => finish(new Error(`${what} not ready within ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) finish(undefined, line);
    };
    const onErr = (chunk: Buffer) => (stderr += chunk);
    const onExit = (code: number | null) => finish(new Error(`${what} exited with code ${code}: ${stderr.trim()}`));
    const finish = (error: Error | undefined, line?: string) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onErr);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(line!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onErr);
    child.once('exit', onExit);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export class GpioBench {
  /** Everything the emulator said, in order: "export 588", "level 588 1", "unexport 588", ... */
  readonly log: string[] = [];
  private readonly children: ChildProcess[] = [];

  private constructor(private readonly holder: ChildProcess, readonly pins: string) {}

  /** Sets up the namespace and the emulated GPIO chips (LABEL:BASE:NGPIO); pin levels go to files under `pins`. */
  static async start(pins: string, chips: string[] = PI5_CHIPS): Promise<GpioBench> {
    const holder = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount -t tmpfs -o mode=0755 hil-sysfs /sys/class && echo ready && exec sleep infinity'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await lineFrom(holder, /^ready$/, 'mount namespace', START_MS);
    } catch (error) {
      await stopProcess(holder);
      throw new NamespaceUnavailable(`unshare --mount with a tmpfs over /sys/class is not permitted here (${(error as Error).message})`);
    }
    const bench = new GpioBench(holder, pins);
    const emulator = bench.spawn(['node', '--import', 'tsx', EMULATOR, '--root', '/sys/class/gpio', '--pins', pins, ...chips.flatMap((c) => ['--chip', c])]);
    emulator.stdout!.setEncoding('utf8').on('data', (text: string) => bench.log.push(...text.split('\n').filter(Boolean)));
    try {
      await lineFrom(emulator, /^ready$/, 'sysfs GPIO emulator', START_MS);
    } catch (error) {
      await bench.stop();
      throw error;
    }
    return bench;
  }

  /** Starts a program inside the namespace, in the project folder, as root or as `uid`. */
  spawn(command: string[], options: { uid?: number } = {}): ChildProcess {
    const user = options.uid === undefined ? [] : ['--setuid', String(options.uid), '--setgid', String(options.uid)];
    const child = spawn('nsenter', ['--target', String(this.holder.pid), '--mount', '--no-fork', `--wd=${PROJECT}`, ...user, '--', ...command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    return child;
  }

  /** Runs a program in the namespace to its end, with its output. */
  run(command: string[], options: { uid?: number } = {}, timeoutMs = 90_000): Promise<Finished> {
    const child = this.spawn(command, options);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${command.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
      }, timeoutMs);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Starts a program in the namespace and resolves once a line of its stdout matches `ready`. */
  async startUntil(command: string[], ready: RegExp, timeoutMs = 60_000): Promise<ChildProcess> {
    const child = this.spawn(command);
    await lineFrom(child, ready, command.join(' '), timeoutMs);
    return child;
  }

  /** The level the emulator last published for a line: '0', '1' or 'z'; undefined before any. */
  async pin(number: number): Promise<string | undefined> {
    return (await readFile(join(this.pins, `gpio${number}`), 'utf8').catch(() => undefined))?.trim();
  }

  /** The emulator's log lines about one line number. */
  about(number: number): string[] {
    return this.log.filter((line) => line.split(' ')[1] === String(number));
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map(stopProcess));
    await stopProcess(this.holder);
  }
}
