// The lab tests' own services and benches: a redis-server on a free loopback port (append-only, so a
// restart keeps the jobs), virtual rig files, and `hil agent` processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { HilProcess } from '../results/hil.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number, private readonly dir: string) {}

  static async start(dir: string): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), dir);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private launch(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
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
}

export interface BenchSpec {
  name: string;
  module: string;
  tags: string[];
  faults?: string[];
}

export async function writeRig(dir: string, bench: BenchSpec): Promise<string> {
  const path = join(dir, `${bench.name}.yaml`);
  const faults = bench.faults?.length ? `\nvirtual:\n  faults: [${bench.faults.join(', ')}]` : '';
  await writeFile(path, `name: ${bench.name}\nserial: { path: virtual }\npower: { type: virtual }\nmodule: ${bench.module}\ntags: [${bench.tags.join(', ')}]${faults}\n`);
  return path;
}

/** Starts `hil agent` for the bench and resolves once it takes work (or says it is unhealthy). */
export async function startAgent(args: { rig: string; queue: string; broker: string; reports: string }, ready = /healthy: /): Promise<HilProcess> {
  const agent = new HilProcess([
    'agent', '--rig', args.rig, '--queue', args.queue, '--broker', args.broker, '--reports', args.reports,
    '--time-scale', '600', '--no-html', '--lock-duration', '6 s', '--recheck', '1 s',
  ]);
  await agent.waitFor(ready, 60_000);
  return agent;
}
