// A bench made of `hil sim --pty` in a temporary folder, and rig files that drive it: the module's
// AT port is a real pseudo-terminal, its power an exec switch (`hil sim ctl`) or a GPIO pin file.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HIL, startHil, stop } from '../../support/hil-process.ts';

export class PtyBench {
  readonly link: string;
  readonly socket: string;
  /** The PTY device the link points at, e.g. /dev/pts/3; known once the simulator runs. */
  device = '';
  private sim: ChildProcess | undefined;

  private constructor(readonly dir: string) {
    this.link = join(dir, 'module');
    this.socket = join(dir, 'module.ctl');
  }

  static async create(prefix: string): Promise<PtyBench> {
    return new PtyBench(await mkdtemp(join(tmpdir(), prefix)));
  }

  /** Starts the simulator unpowered; `args` add faults, a time scale, a power file. */
  async startSim(args: string[]): Promise<void> {
    this.sim = await startHil(['sim', '--pty', this.link, '--power', 'off', ...args], /virtual module on/);
    this.device = await readlink(this.link).catch(() => ''); // a USB port is not there while unpowered
  }

  /** The shell command that switches the simulator through its control socket. */
  ctl(state: 'on' | 'off'): string {
    return `"${process.execPath}" "${HIL}" sim ctl "${this.socket}" power ${state}`;
  }

  /** Writes a rig file for the simulator, with `extra` YAML lines (power, settle, module, ...). */
  async rig(name: string, timeScale: number, extra: string[]): Promise<string> {
    const path = join(this.dir, `${name}.yaml`);
    const lines = [`name: ${name}`, `simulator: { control: "${this.socket}" }`, `timeScale: ${timeScale}`, `serial: { path: "${this.link}" }`, ...extra];
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  }

  /** A rig powered by `hil sim ctl` as an exec switch. */
  execRig(name: string, timeScale: number, extra: string[] = []): Promise<string> {
    return this.rig(name, timeScale, [`power: { type: exec, on: '${this.ctl('on')}', off: '${this.ctl('off')}', timeout: 20 s, edgeAt: end }`, ...extra]);
  }

  async close(): Promise<void> {
    if (this.sim) await stop(this.sim);
    await rm(this.dir, { recursive: true, force: true });
  }
}
