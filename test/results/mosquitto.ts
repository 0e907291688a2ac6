// A Mosquitto broker of a test's own, on a loopback port with a temporary config and persistence
// folder, that the test can stop and start again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/free-port.ts';

const BINARY = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto'].find(existsSync) ?? 'mosquitto';
const START_MS = 5_000;
const STOP_MS = 5_000;

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class Mosquitto {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(readonly dir: string, readonly port: number, private readonly configPath: string) {}

  /**
   * Starts a broker on a free loopback port. `settings` are more config lines for its listener
   * (TLS, authentication); the broker keeps sessions and queued messages across a stop and start.
   */
  static async start(settings: string[] = ['allow_anonymous true']): Promise<Mosquitto> {
    const dir = await mkdtemp(join(tmpdir(), 'hil-mosquitto-'));
    const port = await freePort();
    const config = [
      `user ${userInfo().username}`, // stay the user who owns the temporary folder
      'per_listener_settings false',
      'persistence true',
      `persistence_location ${dir}/`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      `listener ${port} 127.0.0.1`,
      ...settings,
    ];
    const configPath = join(dir, 'mosquitto.conf');
    await writeFile(configPath, `${config.join('\n')}\n`);
    const broker = new Mosquitto(dir, port, configPath);
    await broker.resume();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts the broker (again) and resolves once it accepts connections. */
  async resume(): Promise<void> {
    const child = spawn(BINARY, ['-c', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d) => (this.log += d));
    const deadline = Date.now() + START_MS;
    while (!(await accepting(this.port))) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`mosquitto exited at start: ${this.log}`);
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${this.port} within ${START_MS} ms: ${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the broker (SIGTERM: it saves its sessions); SIGKILL if it does not go in time. */
  async pause(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async stop(): Promise<void> {
    await this.pause();
    await rm(this.dir, { recursive: true, force: true });
  }
}
