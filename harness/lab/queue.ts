// The lab's side of Redis: the connection, the selector queues and their registry, the benches that
// registered, and jobs: what a job asks (suites, selector) and what it returned (the run's summary
// and report folder). Keys live under `hil:` (BullMQ's prefix) and `hil:lab:<lab>:`.
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { AgentPresence } from './presence.ts';
import { describeSelector, matches, selectorQueue, type Selector } from './selector.ts';

export const QUEUE_PREFIX = 'hil';
/** How often an agent refreshes its registration; older than three of these, a bench is gone. */
export const HEARTBEAT_MS = 5_000;

/** What a job asks for. */
export interface LabJobData {
  v: 1;
  suites: string[];
  selector: Selector;
  submittedAt: string;
}

/** What a job returned: the run's ending and where its report folder is, on which bench and module. */
export interface LabJobResult {
  v: 1;
  jobId: string;
  bench: string;
  runId: string | undefined;
  /** The run's status (summary.json): passed, failed, aborted or incomplete. */
  status: string;
  exitCode: number;
  totals: { passed: number; failed: number; broken: number; skipped: number } | undefined;
  reportDir: string;
  module: { profile: string; maker?: string | undefined; model?: string | undefined; firmware?: string | undefined };
  iccid: string | undefined;
  suites: string[];
  startedAt: string;
  endedAt: string;
}

/** A registered bench: its presence and when it was last refreshed. */
export type RegisteredBench = AgentPresence & { seen: number };

/** Throws unless `text` is a redis:// or rediss:// URL with a host. */
export function checkQueueUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['redis:', 'rediss:'].includes(url.protocol) || !url.hostname) {
    throw new Error(`expected redis://host:port (or rediss://), got "${text}"`);
  }
  return text;
}

/** The queue's URL without credentials, fit to print. */
export function printableQueue(text: string): string {
  const url = new URL(text);
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/**
 * A Redis connection. `patient` (an agent's): commands wait out a Redis restart instead of failing.
 * Otherwise (a command's) a Redis that cannot be reached fails the command within a few seconds.
 */
export function connectRedis(url: string, patient = true): Redis {
  checkQueueUrl(url);
  if (patient) return new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2_000) });
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (times) => (times > 3 ? null : 300) });
  redis.on('error', () => {}); // the failing command says why
  return redis;
}

export function checkLabName(lab: string): string {
  if (lab.includes(':')) throw new Error(`lab name "${lab}" cannot be used in a queue name: it contains ":"`);
  return lab;
}

export class LabStore {
  private readonly queues = new Map<string, Queue>();

  constructor(readonly redis: Redis, readonly lab: string) {
    checkLabName(lab);
  }

  private key(what: string): string {
    return `${QUEUE_PREFIX}:lab:${this.lab}:${what}`;
  }

  /** The channel that tells agents of a new selector queue. */
  get selectorsChannel(): string {
    return this.key('selectors');
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: QUEUE_PREFIX });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Every selector that has a queue, by queue name. */
  async selectors(): Promise<Map<string, Selector>> {
    const entries = await this.redis.hgetall(this.key('selectors'));
    return new Map(Object.entries(entries).map(([name, json]) => [name, JSON.parse(json) as Selector]));
  }

  /** The selector's queue, registered (and announced to the agents) on first use. */
  async selectorQueue(selector: Selector): Promise<Queue> {
    const name = selectorQueue(this.lab, selector);
    if (await this.redis.hsetnx(this.key('selectors'), name, JSON.stringify(selector))) await this.redis.publish(this.selectorsChannel, name);
    return this.queue(name);
  }

  /** Adds a job; its id is the lab's next number, unique across the selector queues. */
  async submit(suites: string[], selector: Selector, options: Pick<JobsOptions, 'priority' | 'attempts' | 'backoff'>): Promise<string> {
    const queue = await this.selectorQueue(selector);
    const jobId = `j${await this.redis.incr(this.key('job-ids'))}`;
    await queue.add('run', jobData(suites, selector), { jobId, ...JOB_DEFAULTS, ...options });
    return jobId;
  }

  /** A repeatable job on the cron `pattern`; returns the scheduler's id. */
  async schedule(suites: string[], selector: Selector, pattern: string, options: Pick<JobsOptions, 'priority' | 'attempts' | 'backoff'>): Promise<string> {
    const queue = await this.selectorQueue(selector);
    const id = `nightly-${suites.join('+')}-${selectorQueue(this.lab, selector).split('.').pop()}`;
    await queue.upsertJobScheduler(id, { pattern }, { name: 'run', data: jobData(suites, selector), opts: { ...JOB_DEFAULTS, ...options } });
    return id;
  }

  /** Every job of every selector queue in the given states. */
  async jobs(states: JobState[]): Promise<Array<{ job: Job<LabJobData, LabJobResult>; state: JobState; queue: string }>> {
    const found: Array<{ job: Job<LabJobData, LabJobResult>; state: JobState; queue: string }> = [];
    for (const name of (await this.selectors()).keys()) {
      const queue = this.queue(name);
      for (const state of states) {
        for (const job of (await queue.getJobs([state])) as Job<LabJobData, LabJobResult>[]) found.push({ job, state, queue: name });
      }
    }
    return found;
  }

  async findJob(id: string): Promise<{ job: Job<LabJobData, LabJobResult>; queue: Queue } | undefined> {
    for (const name of (await this.selectors()).keys()) {
      const queue = this.queue(name);
      const job = (await queue.getJob(id)) as Job<LabJobData, LabJobResult> | undefined;
      if (job) return { job, queue };
    }
    return undefined;
  }

  async schedulers(): Promise<Array<{ id: string; pattern: string | undefined; next: number | undefined; selector: string; queue: string }>> {
    const found = [];
    for (const [name, selector] of await this.selectors()) {
      for (const s of await this.queue(name).getJobSchedulers()) {
        found.push({ id: s.key, pattern: s.pattern ?? undefined, next: s.next ?? undefined, selector: describeSelector(selector), queue: name });
      }
    }
    return found;
  }

  async removeScheduler(id: string): Promise<boolean> {
    for (const name of (await this.selectors()).keys()) if (await this.queue(name).removeJobScheduler(id)) return true;
    return false;
  }

  /** Registers (or refreshes) a bench's presence. */
  async register(presence: AgentPresence): Promise<void> {
    await this.redis.hset(this.key('benches'), presence.bench, JSON.stringify({ ...presence, seen: Date.now() }));
  }

  async unregister(bench: string): Promise<void> {
    await this.redis.hdel(this.key('benches'), bench);
  }

  /** The benches whose agents refreshed their registration lately. */
  async benches(now = Date.now()): Promise<RegisteredBench[]> {
    const entries = Object.values(await this.redis.hgetall(this.key('benches'))).map((json) => JSON.parse(json) as RegisteredBench);
    return entries.filter((b) => now - b.seen < 3 * HEARTBEAT_MS).sort((a, b) => a.bench.localeCompare(b.bench));
  }

  async countBenchProblem(bench: string): Promise<void> {
    await this.redis.hincrby(this.key('bench-problems'), bench, 1);
  }

  /** Runs lost to a bench's own failures (exit 3), by bench. */
  async benchProblems(): Promise<Record<string, number>> {
    return Object.fromEntries(Object.entries(await this.redis.hgetall(this.key('bench-problems'))).map(([b, n]) => [b, Number(n)]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

export type JobState = 'waiting' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed';

/** Completed jobs are kept a month, failed ones too: the matrix of a night is built from them. */
const KEEP = { age: 30 * 24 * 3600 };
const JOB_DEFAULTS: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: KEEP, removeOnFail: KEEP };

function jobData(suites: string[], selector: Selector): LabJobData {
  return { v: 1, suites, selector, submittedAt: new Date().toISOString() };
}

/** The benches present now that `selector` matches (for one job per bench). */
export async function matchingBenches(store: LabStore, selector: Selector): Promise<RegisteredBench[]> {
  return (await store.benches()).filter((b) => b.state !== 'unhealthy' && b.module && matches(selector, { bench: b.bench, module: b.module, tags: b.tags }));
}

/**
 * The results of the completed jobs of a lab's queue, oldest first; with `since`, only those that
 * finished at or after it. Each carries its report folder and the module it ran on.
 */
export async function listCompletedResults(queueUrl: string, options: { lab?: string; since?: Date } = {}): Promise<LabJobResult[]> {
  const redis = connectRedis(queueUrl);
  const store = new LabStore(redis, options.lab ?? 'default');
  try {
    const since = options.since?.getTime() ?? 0;
    return (await store.jobs(['completed']))
      .filter(({ job }) => job.returnvalue && (job.finishedOn ?? 0) >= since)
      .sort((a, b) => (a.job.finishedOn ?? 0) - (b.job.finishedOn ?? 0))
      .map(({ job }) => job.returnvalue);
  } finally {
    await store.close();
    redis.disconnect();
  }
}
