// One bench's agent: it checks the bench as `hil doctor` does, says who the bench is (retained
// presence on MQTT with an offline Last Will, and a registration in Redis), and takes the jobs of
// every selector queue the bench matches, one at a time, running each as `hil run` would.
//
// One queue per selector (lab/selector.ts): a BullMQ worker cannot filter by content, so a bench
// works only the queues it matches and never sees a job it cannot run. One job at a time: while a job
// runs every worker of the bench is paused; a job fetched in the instant before the pause is handed
// back to its queue untouched. A bench that dies mid-job loses its lock, and BullMQ's stalled check,
// run by every other worker of that queue, hands the job to another matching bench.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MqttClient } from 'mqtt';
import { BenchError, EXIT, UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import type { ModuleIdentity, RunSummary } from '../record/index.ts';
import { BrokerConnection, messageProperties } from '../results/connection.ts';
import type { RunResults, RunResultsFlags } from '../results/run-options.ts';
import { statusTopic } from '../results/topics.ts';
import type { BenchStatus } from '../results/status.ts';
import type { RigOverrides } from '../rig/controller.ts';
import type { Rig } from '../rig/rig-file.ts';
import { startRun, type RunRequest } from '../run/index.ts';
import { examineHealth } from './health.ts';
import { agentTopic, type AgentPresence } from './presence.ts';
import { HEARTBEAT_MS, LabStore, QUEUE_PREFIX, type LabJobData, type LabJobResult } from './queue.ts';
import { matches, type Capabilities } from './selector.ts';

export interface AgentOptions {
  config: Rig;
  redis: Redis;
  /** Where the runs' results go (the bench's topics and broker). */
  results: RunResults;
  /** The same, as flags for each run's request. */
  resultsFlags: RunResultsFlags;
  suitesDir: string;
  reportsDir: string;
  rig: RigOverrides;
  html: boolean;
  /** How long a job's lock lasts without renewal: a dead bench's job goes to another after about this. */
  lockDurationMs: number;
  /** How often an unhealthy bench is checked again. */
  recheckMs: number;
  /** Show each run's own output. */
  verbose: boolean;
  out: CliOutput;
}

type Running = { job: Job<LabJobData, LabJobResult>; token: string; done: Promise<unknown> };

export class Agent {
  private readonly store: LabStore;
  private readonly subscriber: Redis;
  private readonly workers = new Map<string, Worker<LabJobData, LabJobResult>>();
  private readonly connection: BrokerConnection | undefined;
  private readonly bench: string;
  private presence: AgentPresence;
  private identity: ModuleIdentity = {};
  private healthy = false;
  private stopping = false;
  private running: Running | undefined;
  private checking: Promise<void> | undefined;
  private recheck: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private stopped!: (code: number) => void;
  /** Resolves with the exit code once the agent has stopped. */
  readonly finished = new Promise<number>((resolve) => (this.stopped = resolve));

  constructor(private readonly options: AgentOptions) {
    const { scope, broker } = options.results;
    this.bench = scope.bench;
    this.store = new LabStore(options.redis, scope.lab);
    this.presence = { v: 1, bench: this.bench, state: 'unhealthy', module: { profile: options.config.module }, tags: options.config.tags ?? [], problems: ['not checked yet'] };
    if (typeof broker === 'object') {
      const offline: AgentPresence = { v: 1, bench: this.bench, state: 'offline', tags: options.config.tags ?? [] };
      this.connection = new BrokerConnection({
        target: broker,
        clientId: `hil-agent-${this.bench}-${process.pid}`,
        will: { topic: agentTopic(scope), payload: JSON.stringify(offline) },
        report: (text) => this.say(`broker: ${text}`),
      });
      this.connection.on('up', (client) => this.connected(client));
      this.connection.start();
    }
    this.subscriber = options.redis.duplicate();
    this.subscriber.on('message', () => void this.refreshWorkers());
    // After a Redis restart too: a selector added meanwhile is found.
    this.subscriber.on('ready', () => void this.refreshWorkers());
    this.subscriber.on('error', () => {});
    void this.subscriber.subscribe(this.store.selectorsChannel).catch(() => {});
    this.heartbeat = setInterval(() => void this.store.register(this.presence).catch(() => {}), HEARTBEAT_MS);
  }

  private say(text: string): void {
    this.options.out.stdout(`hil agent ${this.bench}: ${text}`);
  }

  /** Checks the bench, then takes work if it is healthy; checks again periodically while it is not. */
  examine(): Promise<void> {
    this.checking ??= (async () => {
      clearTimeout(this.recheck);
      const health = await examineHealth(this.options.config, this.options.rig, this.options.reportsDir);
      if (health.problems.length === 0) this.identity = health.identity;
      this.healthy = health.problems.length === 0;
      if (this.healthy) {
        const id = this.identity;
        this.say(`healthy: ${[id.manufacturer, id.model, id.firmware].filter(Boolean).join(' ') || 'module'}, ICCID ${id.iccid ?? '?'}`);
        this.setPresence({ state: 'idle' });
      } else {
        const said = health.problems.join('; ');
        if (said !== this.presence.problems?.join('; ')) this.say(`unhealthy, taking no work: ${said}`);
        this.setPresence({ state: 'unhealthy', problems: health.problems });
        if (!this.stopping) this.recheck = setTimeout(() => void this.examine().then(() => this.takeWork()), this.options.recheckMs);
      }
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private get capabilities(): Capabilities {
    const id = this.identity;
    return { bench: this.bench, module: { profile: this.options.config.module, maker: id.manufacturer, model: id.model, firmware: id.firmware }, tags: this.options.config.tags ?? [] };
  }

  private setPresence(change: Pick<AgentPresence, 'state'> & Partial<AgentPresence>): void {
    const id = this.identity;
    const { problems: _problems, job: _job, ...base } = this.presence;
    this.presence = {
      ...base,
      module: { profile: this.options.config.module, ...defined({ maker: id.manufacturer, model: id.model, firmware: id.firmware }) },
      ...defined({ iccid: id.iccid }),
      ...change,
      wall: new Date().toISOString(),
    };
    this.publishPresence();
    void this.store.register(this.presence).catch(() => {});
  }

  private publishPresence(client = this.connection?.current): void {
    if (!client) return;
    client.publish(agentTopic(this.options.results.scope), JSON.stringify(this.presence), { qos: 1, retain: true, ...messageProperties(client) }, () => {});
  }

  /** Each (re)connection: the presence again, and the bench status, which says the suite under way. */
  private connected(client: MqttClient): void {
    this.publishPresence(client);
    const topic = statusTopic(this.options.results.scope);
    client.subscribe(topic, { qos: 1 }, () => {});
    client.on('message', (on, payload) => {
      if (on !== topic || !this.running || this.presence.state !== 'busy' || !this.presence.job) return;
      const status = JSON.parse(payload.toString('utf8')) as BenchStatus;
      if (status.state !== 'running') return;
      this.setPresence({ state: 'busy', job: { ...this.presence.job, ...defined({ runId: status.runId, step: status.suite }) } });
    });
  }

  /** Starts or wakes a worker on every selector queue the bench matches. */
  takeWork(): Promise<void> {
    return this.refreshWorkers();
  }

  private async refreshWorkers(): Promise<void> {
    if (!this.healthy || this.stopping) return;
    const selectors = await this.store.selectors().catch(() => new Map());
    for (const [name, selector] of selectors) {
      if (this.workers.has(name) || !matches(selector, this.capabilities)) continue;
      const worker = new Worker<LabJobData, LabJobResult>(name, (job, token) => this.process(job, token!), {
        connection: this.options.redis,
        prefix: QUEUE_PREFIX,
        name: this.bench,
        concurrency: 1,
        autorun: false,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: Math.max(1_000, Math.round(this.options.lockDurationMs / 2)),
        maxStalledCount: 1,
      });
      worker.on('error', () => {}); // Redis away: the worker retries; the failing commands say nothing new
      this.workers.set(name, worker);
    }
    this.resumeWorkers();
  }

  private resumeWorkers(): void {
    if (!this.healthy || this.stopping || this.running) return;
    for (const worker of this.workers.values()) {
      // resume() also starts a worker paused before it ever ran.
      if (worker.isPaused()) void worker.resume();
      else if (!worker.isRunning()) void worker.run().catch((error: Error) => this.say(`worker stopped: ${error.message}`));
    }
  }

  private pauseWorkers(): void {
    for (const worker of this.workers.values()) void worker.pause(true);
  }

  private async process(job: Job<LabJobData, LabJobResult>, token: string): Promise<LabJobResult> {
    if (this.running || this.stopping || !this.healthy) {
      // Fetched by a second worker in the instant before the pause: back to its queue, untouched.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    this.pauseWorkers();
    const done = this.runJob(job);
    this.running = { job, token, done };
    try {
      const result = await done;
      return result;
    } finally {
      this.running = undefined;
      if (!this.stopping && this.healthy) {
        this.setPresence({ state: 'idle' });
        this.resumeWorkers();
      }
    }
  }

  private async runJob(job: Job<LabJobData, LabJobResult>): Promise<LabJobResult> {
    const { options } = this;
    const jobId = job.id!;
    const suites = job.data.suites;
    // Stamped too: a job handed back by a stopped agent may come to the same bench with the same attempt count.
    const reportDir = join(options.reportsDir, `job-${jobId.replace(/[^\w.-]/g, '_')}-${this.bench}-${job.attemptsMade + 1}-${Date.now().toString(36)}`);
    this.setPresence({ state: 'busy', job: { id: jobId, suites } });
    this.say(`job ${jobId} started: ${suites.join(', ')} (attempt ${job.attemptsMade + 1}), report ${reportDir}`);
    const startedAt = new Date().toISOString();
    const request: RunRequest = {
      rigFile: options.config.file,
      suitesDir: options.suitesDir,
      suiteIds: suites,
      tags: [],
      rig: options.rig,
      reportDir,
      html: options.html,
      history: undefined,
      waitLockMs: 0,
      results: options.resultsFlags,
      transcriptEvents: false,
    };
    const quiet = { stdout: () => {}, stderr: (text: string) => options.out.stderr(`hil agent ${this.bench}: job ${jobId}: ${text}`) };
    let exitCode: number;
    let failure: string | undefined;
    try {
      exitCode = await startRun(request, options.verbose ? options.out : quiet);
    } catch (error) {
      if (error instanceof UsageError) {
        this.say(`job ${jobId} cannot run: ${error.message}`);
        throw new UnrecoverableError(error.message);
      }
      exitCode = EXIT.bench;
      failure = error instanceof BenchError ? error.message : `harness: ${(error as Error).message}`;
    }
    const summary = await readSummary(reportDir);
    if (exitCode === EXIT.bench) {
      const reason = failure ?? summary?.abortReason ?? 'a bench failure (see the report folder)';
      this.say(`job ${jobId}: bench problem, exit 3 (${reason}); the job is retried, the bench checked again`);
      await this.store.countBenchProblem(this.bench).catch(() => {});
      await job.log(`bench problem on ${this.bench}: ${reason}`).catch(() => {});
      await this.examine();
      throw new BenchError(`bench problem on ${this.bench}: ${reason}`);
    }
    const id = summary?.module ?? this.identity;
    const result: LabJobResult = {
      v: 1,
      jobId,
      bench: this.bench,
      runId: summary?.runId,
      status: summary?.status ?? 'incomplete',
      exitCode,
      totals: summary?.totals,
      reportDir,
      module: { profile: options.config.module, ...defined({ maker: id.manufacturer, model: id.model, firmware: id.firmware }) },
      iccid: id.iccid,
      suites,
      startedAt,
      endedAt: new Date().toISOString(),
    };
    this.say(`job ${jobId}: ${result.status}, exit ${exitCode}, report ${reportDir}`);
    return result;
  }

  /**
   * Stops taking work. A run under way that the run session's own signal guard is taking down
   * (the bench to its safe state, a partial report, then exit) gives its job back to the queue at
   * once, for another bench; otherwise the run finishes first.
   */
  async stop(signal: 'SIGTERM' | 'SIGINT'): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.recheck);
    this.pauseWorkers();
    const running = this.running;
    if (running && process.listenerCount(signal) > 1) { // ours and the run session's
      this.say(`${signal}: the run of job ${running.job.id} is being cut short; the job goes back to its queue`);
      void running.job.moveToWait(running.token).catch(() => {});
    } else if (running) {
      this.say(`${signal}: finishing job ${running.job.id} first`);
    }
    this.setPresence({ state: 'offline' });
    await this.checking;
    await running?.done.catch(() => {});
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    clearInterval(this.heartbeat);
    await this.store.unregister(this.bench).catch(() => {});
    await this.store.close();
    this.subscriber.disconnect();
    await this.connection?.stop();
    this.options.redis.disconnect();
    this.stopped(signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint);
  }
}

async function readSummary(reportDir: string): Promise<RunSummary | undefined> {
  try {
    return JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
}

function defined<T extends object>(entries: T): Partial<T> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Partial<T>;
}
