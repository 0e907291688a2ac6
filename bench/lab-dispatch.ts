// The lab's queue: jobs per minute dispatched through 20 benches, and the latency the queue adds to
// each job (enqueue → the agent's run start, from the job's own timestamps). The benches are 20 real
// `hil agent` processes on virtual rigs, each running boot-delay at time scale 600 (a second or so of
// wall time a job), with this script's own redis-server (no persistence) and embedded broker.
// Three measures: a backlog of jobs queued at once (jobs per minute, and the gap between a bench's
// job and its next); jobs trickled in while the benches are idle (the queue's added latency); and,
// cheap and for comparison, the queue alone through light in-process workers that do no bench work.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type Job } from 'bullmq';
import { connectRedis, LabStore, QUEUE_PREFIX, type LabJobData, type LabJobResult } from '../harness/lab/queue.ts';
import { parseSelector, selectorQueue } from '../harness/lab/selector.ts';
import { BenchError } from '../harness/output/errors.ts';
import { startEmbeddedBroker } from '../harness/results/embedded-broker.ts';
import { HIL } from '../support/hil-process.ts';
import { agentArgs, RedisServer, writeRig } from '../support/lab-processes.ts';
import { figure, progress, runBenchmark, type Figure } from './figures.ts';
import { median, percentile } from './stats.ts';

const BENCHES = 20;
const SELECTORS = [['tag=dispatch'], ['module=generic-27007']];
const SUITE = 'boot-delay';
/** Jobs queued at once for the benches to work through. */
const BACKLOG_JOBS = 200;
/** Jobs queued one at a time, this far apart, while the benches are idle. */
const TRICKLE_JOBS = 40;
const TRICKLE_GAP_MS = 250;
/** The light in-process figure: jobs through workers that do no bench work. */
const LIGHT_JOBS = 400;
/** Wall budgets: the agents' start, each measure, and the agents' stop. */
const START_BUDGET_MS = 180_000;
const RUN_BUDGET_MS = 240_000;
const STOP_BUDGET_MS = 15_000;
const PROGRESS_MS = 10_000;
const LAB = 'dispatch';

type LabJob = Job<LabJobData, LabJobResult>;

const load = () => loadavg()[0]!.toFixed(2);
const stats = (samples: number[]) => `median ${median(samples).toFixed(0)} ms, p95 ${percentile(samples, 95).toFixed(0)} ms`;

/** A `hil agent` process, its output's tail kept for the error that names it. */
class AgentProcess {
  tail = '';
  readonly child: ChildProcess;
  constructor(readonly bench: string, args: string[]) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HIL_')));
    this.child = spawn(process.execPath, [HIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const keep = (d: Buffer) => (this.tail = (this.tail + d).slice(-2_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL once `budgetMs` has passed. */
  async stop(budgetMs: number): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), budgetMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Polls `done` until it holds, with a progress line every ~10 s; a BenchError past `budgetMs`. */
async function waitUntil(what: string, done: () => Promise<string | undefined>, budgetMs: number, agents: AgentProcess[]): Promise<void> {
  const start = Date.now();
  let said = start;
  for (;;) {
    const dead = agents.find((a) => !a.running);
    if (dead) throw new BenchError(`hil agent ${dead.bench} exited (${dead.child.exitCode ?? dead.child.signalCode}) while waiting for ${what}:\n${dead.tail}`);
    const state = await done();
    if (state === undefined) return;
    if (Date.now() - start > budgetMs) throw new BenchError(`${what} not reached within ${budgetMs / 1000} s: ${state}`);
    if (Date.now() - said >= PROGRESS_MS) {
      progress(`${what}: ${state} after ${Math.round((Date.now() - start) / 1000)} s, load ${load()}`);
      said = Date.now();
    }
    await sleep(250);
  }
}

/** Every finished job of the lab; the measure's own are told apart by id. */
async function finished(store: LabStore): Promise<LabJob[]> {
  return (await store.jobs(['completed', 'failed'])).map(({ job }) => job as LabJob);
}

async function measureAgents(redisUrl: string, brokerUrl: string, dir: string, agents: AgentProcess[]): Promise<Figure[]> {
  const loadBefore = load();
  const store = new LabStore(connectRedis(redisUrl), LAB);
  try {
    for (let b = 1; b <= BENCHES; b++) {
      const bench = `dispatch-${String(b).padStart(2, '0')}`;
      const rig = await writeRig(dir, { name: bench, module: 'generic-27007', tags: ['dispatch'] });
      agents.push(new AgentProcess(bench, [...agentArgs({ rig, queue: redisUrl, broker: brokerUrl, reports: join(dir, 'reports', bench) }), '--lab', LAB]));
    }
    progress(`${BENCHES} hil agent processes started; waiting for them all to be idle (load ${load()})`);
    await waitUntil(`${BENCHES} idle benches`, async () => {
      const idle = (await store.benches()).filter((b) => b.state === 'idle').length;
      return idle === BENCHES ? undefined : `${idle} idle`;
    }, START_BUDGET_MS, agents);
    for (const where of SELECTORS) await store.selectorQueue(parseSelector(where));

    const submit = (i: number) => store.submit([SUITE], parseSelector(SELECTORS[i % SELECTORS.length]!), { attempts: 1 });
    const runOf = async (ids: Set<string>, what: string) => {
      await waitUntil(what, async () => {
        const count = (await finished(store)).filter((job) => ids.has(job.id!)).length;
        return count === ids.size ? undefined : `${count} of ${ids.size} jobs finished`;
      }, RUN_BUDGET_MS, agents);
      return (await finished(store)).filter((job) => ids.has(job.id!));
    };

    progress(`all idle; queueing ${BACKLOG_JOBS} jobs at once (load ${load()})`);
    // All at once over the one connection, so that queueing them does not pace the benches.
    const queueing = Date.now();
    const backlogIds = new Set(await Promise.all(Array.from({ length: BACKLOG_JOBS }, (_, i) => submit(i))));
    const queueingMs = Date.now() - queueing;
    const backlog = await runOf(backlogIds, 'the backlog');

    progress(`queueing ${TRICKLE_JOBS} jobs ${TRICKLE_GAP_MS} ms apart to idle benches (load ${load()})`);
    const trickleIds = new Set<string>();
    for (let i = 0; i < TRICKLE_JOBS; i++) {
      trickleIds.add(await submit(i));
      await sleep(TRICKLE_GAP_MS);
    }
    const trickle = await runOf(trickleIds, 'the trickled jobs');
    const loadAfter = loadavg()[0]!;

    const failed = [...backlog, ...trickle].filter((job) => !job.returnvalue);
    if (failed.length > 0) throw new BenchError(`${failed.length} job(s) failed, e.g. ${failed[0]!.id}: ${failed[0]!.failedReason}`);
    const runs = backlog.map((job) => job.finishedOn! - job.processedOn!);
    const runMs = median(runs);
    const span = Math.max(...backlog.map((job) => job.finishedOn!)) - Math.min(...backlog.map((job) => job.timestamp));
    // Under the backlog, the queue's cost per job is the time a bench stands between one job and the next.
    const gaps: number[] = [];
    const byBench = new Map<string, LabJob[]>();
    for (const job of backlog) byBench.set(job.returnvalue.bench, [...(byBench.get(job.returnvalue.bench) ?? []), job]);
    for (const jobs of byBench.values()) {
      jobs.sort((a, b) => a.processedOn! - b.processedOn!);
      for (let i = 1; i < jobs.length; i++) gaps.push(jobs[i]!.processedOn! - jobs[i - 1]!.finishedOn!);
    }
    const latencies = trickle.map((job) => job.processedOn! - job.timestamp);
    const backlogWaits = backlog.map((job) => job.processedOn! - job.timestamp);
    return [
      figure({
        name: 'lab-dispatch.jobs-per-minute',
        value: Math.round(BACKLOG_JOBS / (span / 60_000)),
        unit: 'jobs/min',
        reference: { name: `${BENCHES} benches never idle between ${Math.round(runMs)} ms runs`, value: Math.round((BENCHES * 60_000) / runMs) },
        note: `${BACKLOG_JOBS} ${SUITE} jobs queued at once, queued in ${(queueingMs / 1000).toFixed(1)} s, first enqueue → last finish ${(span / 1000).toFixed(1)} s, through ${byBench.size} hil agent processes on virtual rigs; run ${stats(runs)}`,
      }),
      figure({
        name: 'lab-dispatch.added-latency-p50',
        value: median(latencies),
        unit: 'ms',
        reference: { name: 'one virtual-rig run', value: runMs },
        note: `enqueue → agent's run start (job.timestamp → processedOn), ${TRICKLE_JOBS} jobs ${TRICKLE_GAP_MS} ms apart to idle benches; p95 ${percentile(latencies, 95).toFixed(0)} ms`,
      }),
      figure({
        name: 'lab-dispatch.handover-p50',
        value: median(gaps),
        unit: 'ms',
        reference: { name: 'one virtual-rig run', value: runMs },
        note: `a bench's job finished → its next started, under the backlog; p95 ${percentile(gaps, 95).toFixed(0)} ms; enqueue → start under the backlog ${stats(backlogWaits)}`,
      }),
      figure({
        name: 'lab-dispatch.load',
        value: Number(loadAfter.toFixed(2)),
        unit: 'load',
        reference: { name: `${availableParallelism()} cores`, value: availableParallelism() },
        note: `1-minute load average once the jobs had run; ${loadBefore} before the agents started`,
      }),
    ];
  } finally {
    await store.close();
    store.redis.disconnect();
  }
}

/** The queue alone: light BullMQ workers in this process (as lab/agent.ts makes them) whose job does nothing. */
async function measureLight(redisUrl: string, agents: { perMinute: Figure; latency: Figure }): Promise<Figure[]> {
  const connection = connectRedis(redisUrl);
  const store = new LabStore(connection, 'light');
  const latencies: number[] = [];
  let done = 0;
  let allDone!: () => void;
  const all = new Promise<void>((resolve) => (allDone = resolve));
  const workers: Worker[] = [];
  try {
    for (const where of SELECTORS) await store.selectorQueue(parseSelector(where));
    for (let b = 0; b < BENCHES; b++) {
      for (const where of SELECTORS) {
        workers.push(new Worker(selectorQueue('light', parseSelector(where)), async (job) => {
          latencies.push(Date.now() - job.timestamp);
          if (++done === LIGHT_JOBS) allDone();
          return { bench: b };
        }, { connection, prefix: QUEUE_PREFIX, concurrency: 1 }));
      }
    }
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    progress(`light: ${BENCHES} in-process workers ready; queueing ${LIGHT_JOBS} jobs`);
    const start = Date.now();
    for (let i = 0; i < LIGHT_JOBS; i++) await store.submit([SUITE], parseSelector(SELECTORS[i % SELECTORS.length]!), {});
    let timer: NodeJS.Timeout | undefined;
    const over = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new BenchError(`light: ${done} of ${LIGHT_JOBS} jobs within ${RUN_BUDGET_MS / 1000} s`)), RUN_BUDGET_MS)));
    await Promise.race([all, over]).finally(() => clearTimeout(timer));
    return [
      figure({
        name: 'lab-dispatch.light-jobs-per-minute',
        value: Math.round(LIGHT_JOBS / ((Date.now() - start) / 60_000)),
        unit: 'jobs/min',
        reference: { name: `${BENCHES} hil agents' jobs per minute`, value: agents.perMinute.value },
        note: `light, in-process: ${LIGHT_JOBS} jobs through ${BENCHES} BullMQ workers that do no bench work`,
      }),
      figure({
        name: 'lab-dispatch.light-added-latency-p50',
        value: median(latencies),
        unit: 'ms',
        reference: agents.latency.reference,
        note: `light, in-process: enqueue → handler, all ${LIGHT_JOBS} queued at once; p95 ${percentile(latencies, 95).toFixed(1)} ms`,
      }),
    ];
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await store.close();
    connection.disconnect();
  }
}

async function measure(): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hil-bench-lab-'));
  const agents: AgentProcess[] = [];
  let redis: RedisServer | undefined;
  // Whatever way this process ends, no agent, no redis-server and no scratch folder outlives it.
  const killAll = () => {
    for (const agent of agents) if (agent.running) agent.child.kill('SIGKILL');
    redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', killAll);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const broker = await startEmbeddedBroker(0);
  try {
    redis = await RedisServer.start(dir, { persist: false });
    const figures = await measureAgents(redis.url, broker.target.url, dir, agents);
    progress(`stopping the agents (load ${load()})`);
    await Promise.all(agents.map((a) => a.stop(STOP_BUDGET_MS)));
    return [...figures, ...(await measureLight(redis.url, { perMinute: figures[0]!, latency: figures[1]! }))];
  } finally {
    await Promise.all(agents.map((a) => a.stop(STOP_BUDGET_MS)));
    await broker.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await runBenchmark(measure);
