// A lab's processes, for the lab tests and the lab benchmark: a redis-server on a free loopback port,
// virtual rig files, and the flags `hil agent` runs a virtual bench with.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** A redis-server of one's own; append-only unless `persist` is false, so that a restart keeps the jobs. */
export class RedisServer {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number, private readonly dir: string, private readonly persist: boolean) {}

  static async start(dir: string, { persist = true } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), dir, persist);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', this.persist ? 'yes' : 'no', '--dir', this.dir];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server not ready within 20 s:\n${output}`)), 20_000);
      child.stdout!.on('data', (d) => {
        output += d;
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
    });
  }

  /** Stops it (SIGTERM: the append-only file is flushed) and starts it again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Kills it at once, for an exit path that cannot wait. */
  kill(): void {
    if (this.child?.exitCode === null) this.child.kill('SIGKILL');
  }
}

export interface BenchSpec {
  name: string;
  module: string;
  tags: string[];
  faults?: string[];
}

/**
 * A seeded simulator, as the shipped virtual rig has, so that every run of a bench draws the same
 * applet timings: unseeded, boot-delay's verdict would be pass or marginal by chance.
 */
export async function writeRig(dir: string, bench: BenchSpec): Promise<string> {
  const path = join(dir, `${bench.name}.yaml`);
  const faults = bench.faults?.length ? `\n  faults: [${bench.faults.join(', ')}]` : '';
  await writeFile(path, `name: ${bench.name}\nserial: { path: virtual }\npower: { type: virtual }\nmodule: ${bench.module}\ntags: [${bench.tags.join(', ')}]\nvirtual:\n  seed: 1${faults}\n`);
  return path;
}

/** `hil agent`'s arguments for a virtual bench: a high time scale and short locks and rechecks. */
export function agentArgs(args: { rig: string; queue: string; broker: string; reports: string }): string[] {
  return [
    'agent', '--rig', args.rig, '--queue', args.queue, '--broker', args.broker, '--reports', args.reports,
    '--time-scale', '600', '--no-html', '--lock-duration', '6 s', '--recheck', '1 s',
  ];
}
