// `npm run bench [-- NAME...] [-- --json FILE]`: runs the benchmark scripts, each in its own Node
// process so that one's heap, timers and compiled code do not colour the next's figures, prints their
// figures as they come and writes them all, with the machine they were measured on, to a JSON file.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Figure } from './figures.ts';

const BENCHMARKS = ['at-ingest', 'pty-roundtrip', 'timing-accuracy', 'suite-wall-time', 'mqtt-publish', 'memory-soak', 'lab-dispatch'];
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const DEFAULT_JSON = resolve(BENCH_DIR, '..', 'reports', 'bench.json');
/** Each benchmark bounds its own work; this only stops one that hangs. */
const LIMIT_MS = 10 * 60_000;

function machine() {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    /** 1-minute load average when the run started: how busy the machine was besides. */
    load: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** Runs bench/<name>.ts; resolves with its figures, or rejects saying how it failed. */
function runScript(name: string): Promise<Figure[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', resolve(BENCH_DIR, `${name}.ts`)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let figures: Figure[] | undefined;
    child.on('message', (message: { figures: Figure[] }) => (figures = message.figures));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && figures) resolvePromise(figures);
      else reject(new Error(`${name} ${signal ? `was stopped after ${LIMIT_MS / 60_000} min` : `exited with code ${code}`}`));
    });
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { json: { type: 'string', default: DEFAULT_JSON } }, allowPositionals: true });
  const unknown = positionals.filter((name) => !BENCHMARKS.includes(name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
    return 2;
  }
  const selected = positionals.length > 0 ? positionals : BENCHMARKS;
  const host = machine();
  const startedAt = new Date().toISOString();
  console.log(`machine: ${host.cores} cores, ${host.cpu}, ${host.memoryGiB} GiB, Node ${host.node}, ${host.os}, load ${host.load}`);

  const figures: Figure[] = [];
  const failures: string[] = [];
  for (const name of selected) {
    console.log(`\n${name}`);
    const started = performance.now();
    try {
      figures.push(...(await runScript(name)));
    } catch (error) {
      failures.push((error as Error).message);
      console.error((error as Error).message);
    }
    console.error(`  … ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  const json = resolve(values.json);
  await mkdir(dirname(json), { recursive: true });
  await writeFile(json, `${JSON.stringify({ startedAt, endedAt: new Date().toISOString(), machine: host, figures, failures }, null, 2)}\n`);
  const judged = figures.filter((f) => f.target);
  console.log(`\n${figures.length} figures; targets met: ${judged.filter((f) => f.target!.met).length} of ${judged.length}; written to ${json}`);
  if (failures.length > 0) console.log(`benchmarks that failed: ${failures.join('; ')}`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
