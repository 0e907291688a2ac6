// The lab's queue: jobs per minute dispatched through 20 benches, and the latency the queue adds to
// each job (enqueue → run start). The benches are light ones in this process: BullMQ workers on the
// lab's selector queues (as lab/agent.ts makes them, one job at a time each) whose job takes no bench
// time, so the figures are the queue's own, not a suite's. Its own redis-server on a free port.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { connectRedis, LabStore, QUEUE_PREFIX } from '../harness/lab/queue.ts';
import { parseSelector, selectorQueue } from '../harness/lab/selector.ts';
import { RedisServer } from '../test/lab/lab-fixtures.ts';
import { figure, progress, runBenchmark } from './figures.ts';
import { median, percentile } from './stats.ts';

const BENCHES = 20;
const JOBS = 400;
const SELECTORS = [['tag=night'], ['module=generic-27007']];
/** A virtual-rig run of boot-delay at time scale 600 takes about this much wall time. */
const RUN_MS = 1_000;

async function measure() {
  const dir = await mkdtemp(join(tmpdir(), 'hil-bench-lab-'));
  const redis = await RedisServer.start(dir);
  const connection = connectRedis(redis.url);
  const store = new LabStore(connection, 'bench');
  const latencies: number[] = [];
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const workers: Worker[] = [];
  try {
    for (const where of SELECTORS) await store.selectorQueue(parseSelector(where));
    for (let b = 0; b < BENCHES; b++) {
      for (const where of SELECTORS) {
        const worker = new Worker(selectorQueue('bench', parseSelector(where)), async (job) => {
          latencies.push(Date.now() - job.timestamp);
          if (++done === JOBS) allDone();
          return { bench: b };
        }, { connection, prefix: QUEUE_PREFIX, concurrency: 1 });
        workers.push(worker);
      }
    }
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    progress(`${BENCHES} benches ready; queueing ${JOBS} jobs`);
    const start = Date.now();
    for (let i = 0; i < JOBS; i++) await store.submit(['boot-delay'], parseSelector(SELECTORS[i % SELECTORS.length]!), {});
    await finished;
    const perMinute = JOBS / ((Date.now() - start) / 60_000);
    return [
      figure({
        name: 'lab-dispatch.jobs-per-minute',
        value: Math.round(perMinute),
        unit: 'jobs/min',
        reference: { name: `${BENCHES} benches busy with ${RUN_MS / 1000} s runs`, value: (BENCHES * 60_000) / RUN_MS },
        note: `${JOBS} jobs queued one by one and run by ${BENCHES} in-process benches with no bench time`,
      }),
      figure({
        name: 'lab-dispatch.added-latency-p50',
        value: median(latencies),
        unit: 'ms',
        reference: { name: 'one virtual-rig run', value: RUN_MS },
        note: `enqueue → run start; p95 ${percentile(latencies, 95).toFixed(1)} ms`,
      }),
    ];
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await store.close();
    connection.disconnect();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await runBenchmark(measure);
