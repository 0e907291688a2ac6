// Suite wall time: `hil run` with its defaults (the standard suites on the virtual rig) as a user
// starts it, from process start to exit. The reference is the rig time the run covers at the rig's
// time scale: the wall time its simulated waits take by themselves, which no harness speed shortens.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../harness/record/index.ts';
import { runHil } from '../support/hil-process.ts';
import { figure, progress, runBenchmark } from './figures.ts';
import { median, spread } from './stats.ts';

const WARMUPS = 1;
const RUNS = 3;
const RUN_LIMIT_MS = 120_000;

interface Run {
  wallS: number;
  /** Wall seconds the run's rig time takes at its time scale. */
  simulatedS: number;
  summary: RunSummary;
}

async function hilRun(): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'hil-bench-'));
  try {
    const started = performance.now();
    const run = await runHil(['run', '--report-dir', dir], RUN_LIMIT_MS);
    const wallS = (performance.now() - started) / 1000;
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
    if (run.code !== 0) progress(`hil run exited with ${run.code}: ${summary.totals.failed + summary.totals.broken} suite(s) failed`);
    const rigEndMs = Math.max(...summary.tests.map((t) => t.endedAt));
    return { wallS, simulatedS: rigEndMs / summary.rig.timeScale / 1000, summary };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure() {
  const runs: Run[] = [];
  for (let i = -WARMUPS; i < RUNS; i++) {
    const run = await hilRun();
    progress(`${i < 0 ? 'warm-up' : `run ${i + 1} of ${RUNS}`}: ${run.wallS.toFixed(2)} s`);
    if (i >= 0) runs.push(run);
  }
  const walls = runs.map((r) => r.wallS);
  const { summary } = runs[0]!;
  const suites = summary.tests.length;
  const passed = runs.every((r) => r.summary.status === 'passed');
  return [
    figure({
      name: 'suite-wall-time.standard',
      value: median(walls),
      unit: 's',
      reference: { name: `the run's rig time at time scale ${summary.rig.timeScale}`, value: median(runs.map((r) => r.simulatedS)) },
      target: { on: 'value', op: '<=', limit: 30 },
      spread: spread(walls),
      note: `${suites} suites, ${passed ? 'all passed' : 'NOT all passed'}`,
    }),
  ];
}

await runBenchmark(measure);
