// The lab end to end: four `hil agent` processes on virtual benches, jobs from `hil submit` through
// this file's own Redis, presence on this file's own broker. Every job runs once, on a bench its
// selector matches; a bench that fails is not the device's failure; a bench killed mid-job hands
// its job on; Redis and the broker restart without losing a job or a result; a schedule fires.
import { expect } from 'chai';
import type { Matrix } from '../../harness/matrix/index.ts';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { connectRedis, LabStore, listCompletedResults, type LabJobData, type LabJobResult } from '../../harness/lab/queue.ts';
import { agentTopic, type AgentPresence } from '../../harness/lab/presence.ts';
import { matches, parseSelector } from '../../harness/lab/selector.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../harness/results/embedded-broker.ts';
import { runHil } from '../../support/hil-process.ts';
import type { HilProcess } from '../results/hil.ts';
import { Subscriber } from '../results/subscriber.ts';
import { until } from '../results/wait.ts';
import { RedisServer, startAgent, writeRig, type BenchSpec } from './lab-fixtures.ts';

const BENCHES: BenchSpec[] = [
  { name: 'b1', module: 'generic-27007', tags: ['night', 'usb'] },
  { name: 'b2', module: 'generic-27007', tags: ['night'] },
  { name: 'b3', module: 'ublox-sara-r5', tags: ['day'] },
  // Its module never checks for updates: the device fails boot-delay there.
  { name: 'b4', module: 'ublox-sara-r5', tags: ['day', 'night'], faults: ['never-checks'] },
];
const WHERE = [['module=generic-27007'], ['module=ublox-sara-r5'], ['tag=night'], ['tag=day', 'module=ublox-sara-r5'], []];
const SUITES = ['boot-delay', 'csim-forced-check'];
const SCOPE = { prefix: 'hil', lab: 'default' };

describe('the lab: hil agent, hil submit, hil lab', function () {
  this.timeout(150_000);
  let dir: string;
  let redis: RedisServer;
  let broker: EmbeddedBroker;
  let brokerPort: number;
  let store: LabStore;
  let presence: Subscriber;
  const agents = new Map<string, HilProcess>();
  const rigs = new Map<string, string>();

  const reportsOf = (bench: string) => join(dir, 'reports', bench);
  const start = async (spec: BenchSpec, ready?: RegExp) => {
    rigs.set(spec.name, rigs.get(spec.name) ?? (await writeRig(dir, spec)));
    agents.set(spec.name, await startAgent({ rig: rigs.get(spec.name)!, queue: redis.url, broker: broker.target.url, reports: reportsOf(spec.name) }, ready));
  };
  const hil = async (args: string[]) => {
    const run = await runHil([...args, '--queue', redis.url]);
    if (run.code !== 0) throw new Error(`hil ${args.join(' ')} exited ${run.code}:\n${run.stdout}${run.stderr}`);
    return run.stdout.trim().split('\n');
  };
  const submit = (suite: string, where: string[], extra: string[] = []) => hil(['submit', '--suite', suite, ...where.flatMap((w) => ['--where', w]), '--backoff', '1 s', ...extra]);
  /** Many jobs at once, as hil submit queues them (its own process costs a second a job under load). */
  const submitMany = async (count: number, suite: (i: number) => string) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await store.submit([suite(i)], parseSelector(WHERE[i % WHERE.length]!), { attempts: 3, backoff: { type: 'exponential', delay: 1_000 } }));
    return ids;
  };
  const completed = async (ids: string[]) => {
    const jobs = await Promise.all(ids.map(async (id) => (await store.findJob(id))?.job));
    return jobs.filter((job): job is Job<LabJobData, LabJobResult> => Boolean(job?.finishedOn && job.returnvalue));
  };
  const allCompleted = (ids: string[], timeoutMs = 120_000) => until(`${ids.length} job(s) completed`, async () => (await completed(ids)).length === ids.length, timeoutMs);
  /** The report folders (holding a summary) of each job, over every bench. */
  const runsOf = async () => {
    const runs = new Map<string, string[]>();
    for (const bench of agents.keys()) {
      for (const folder of await readdir(reportsOf(bench)).catch(() => [])) {
        if (!existsSync(join(reportsOf(bench), folder, 'summary.json'))) continue;
        const id = /^job-(j\d+)-/.exec(folder)?.[1] ?? folder;
        runs.set(id, [...(runs.get(id) ?? []), folder]);
      }
    }
    return runs;
  };
  const latestPresence = (bench: string): AgentPresence | undefined => {
    const topic = agentTopic({ ...SCOPE, bench });
    const last = presence.received.filter((m) => m.topic === topic).at(-1);
    return last ? (JSON.parse(last.payload) as AgentPresence) : undefined;
  };
  const capabilities = (bench: string) => {
    const spec = BENCHES.find((b) => b.name === bench) ?? { name: bench, module: 'generic-27007', tags: ['usb'] };
    return { bench, module: { profile: spec.module }, tags: spec.tags };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-lab-'));
    await mkdir(join(dir, 'redis'));
    redis = await RedisServer.start(join(dir, 'redis'));
    broker = await startEmbeddedBroker(0);
    brokerPort = Number(new URL(broker.target.url).port);
    store = new LabStore(connectRedis(redis.url), 'default');
    presence = await Subscriber.connect(broker.target.url, [`hil/default/+/agent`], { protocolVersion: 4, clean: true });
    await Promise.all(BENCHES.map((b) => start(b)));
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [bench, agent] of agents) console.log(`--- agent ${bench}:\n${agent.output.split('\n').slice(-15).join('\n')}`);
  });

  after(async () => {
    await Promise.all([...agents.values()].map((a) => a.kill('SIGKILL')));
    await presence?.close();
    await store?.close();
    store?.redis.disconnect();
    await broker?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes each bench idle with the module read from it and its tags', async () => {
    await presence.waitFor('four idle benches', () => BENCHES.every((b) => latestPresence(b.name)?.state === 'idle'));
    const b3 = latestPresence('b3')!;
    expect(b3.module).to.include({ profile: 'ublox-sara-r5' });
    expect(b3.module!.model).to.be.a('string').and.not.empty;
    expect(b3.module!.firmware).to.be.a('string').and.not.empty;
    expect(b3.iccid).to.match(/^89/);
    expect(b3.tags).to.deep.equal(['day']);
  });

  it('runs 40 jobs through 4 agents, each exactly once, each on a bench its selector matches', async () => {
    const ids = await submitMany(40, (i) => SUITES[i % 2]!);
    expect(new Set(ids).size).to.equal(40);
    await allCompleted(ids);
    const runs = await runsOf();
    for (const job of await completed(ids)) {
      const result = job.returnvalue;
      expect(runs.get(job.id!), `report folders of ${job.id}`).to.have.length(1);
      expect(matches(job.data.selector, capabilities(result.bench)), `${job.id} (${JSON.stringify(job.data.selector)}) ran on ${result.bench}`).to.equal(true);
      const summary = JSON.parse(await readFile(join(result.reportDir, 'summary.json'), 'utf8')) as RunSummary;
      expect(summary.rig.name).to.equal(result.bench);
      expect(summary.runId).to.equal(result.runId);
      expect(result.module.profile).to.equal(capabilities(result.bench).module.profile);
      expect(result.module.model).to.equal(summary.module.model);
      // A device failure completes its job: never retried.
      expect(job.attemptsMade, `${job.id} attempts`).to.equal(1);
      expect(result.exitCode).to.equal(result.status === 'passed' ? 0 : 1);
    }
    const benchesUsed = new Set((await completed(ids)).map((j) => j.returnvalue.bench));
    expect([...benchesUsed].sort()).to.deep.equal(['b1', 'b2', 'b3', 'b4']);
    // The exported listing sees the same results.
    const listed = await listCompletedResults(redis.url);
    expect(listed.filter((r) => ids.includes(r.jobId))).to.have.length(40);
  });

  it('completes a device failure (exit 1) with its failing result and never retries it', async () => {
    const [id] = await submit('boot-delay', ['bench=b4'], ['--attempts', '3']);
    await allCompleted([id!]);
    const [job] = await completed([id!]);
    expect(job!.returnvalue).to.include({ bench: 'b4', status: 'failed', exitCode: 1 });
    expect(job!.attemptsMade).to.equal(1);
    const summary = JSON.parse(await readFile(join(job!.returnvalue.reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.tests[0]!.error).to.match(/no ota\.super session within 2 min/);
  });

  it('retries a run the bench failed (exit 3) on another bench, counts it against the bench, and takes the bench out until it is healthy', async () => {
    // b1's report folder becomes a file: its runs cannot write their reports, a bench failure.
    const reports = reportsOf('b1');
    await rename(reports, `${reports}.away`);
    await writeFile(reports, '');
    const [id] = await submit('boot-delay', ['tag=usb'], ['--attempts', '3']);
    await until('b1 unhealthy', () => latestPresence('b1')?.state === 'unhealthy', 60_000);
    expect(latestPresence('b1')!.problems!.join('\n')).to.match(/report folder: hil run: cannot write to the report folder .*b1 \((EEXIST|ENOTDIR)\)/);
    expect((await store.benchProblems()).b1).to.equal(1);
    // Another bench with the tag arrives and gets the retry.
    await start({ name: 'b5', module: 'generic-27007', tags: ['usb'] });
    await allCompleted([id!]);
    const [job] = await completed([id!]);
    expect(job!.returnvalue).to.include({ bench: 'b5', status: 'passed', exitCode: 0 });
    expect(job!.attemptsMade).to.equal(2);
    const { logs } = await store.queue(job!.queueName).getJobLogs(id!);
    expect(logs.join('\n')).to.match(/bench problem on b1: .*cannot write to the report folder/);
    // Its folder back, b1 is checked again and takes work again.
    await rm(reports);
    await rename(`${reports}.away`, reports);
    await until('b1 idle again', () => latestPresence('b1')?.state === 'idle', 60_000);
    // SIGTERM while idle: b5 stops cleanly, offline, and leaves the registry.
    const exit = await agents.get('b5')!.kill('SIGTERM');
    agents.delete('b5');
    expect(exit.code).to.equal(143);
    expect(latestPresence('b5')!.state).to.equal('offline');
    expect((await store.benches()).map((b) => b.bench)).to.not.include('b5');
  });

  it('hands the job of a bench killed mid-run to another matching bench, and shows the bench offline within 10 s', async () => {
    const [id] = await submit('boot-delay-p95', ['tag=night']);
    let victim: string | undefined;
    await until(`job ${id} started`, () => {
      victim = [...agents].find(([, a]) => a.stdout.includes(`job ${id} started`))?.[0];
      return victim !== undefined;
    }, 60_000);
    const killedAt = Date.now();
    await agents.get(victim!)!.kill('SIGKILL');
    await until(`${victim} offline`, () => latestPresence(victim!)?.state === 'offline', 10_000);
    expect(Date.now() - killedAt).to.be.below(10_000);
    await allCompleted([id!], 90_000);
    const [job] = await completed([id!]);
    expect(job!.returnvalue.bench).to.not.equal(victim);
    expect(['b1', 'b2', 'b4']).to.include(job!.returnvalue.bench);
    expect(job!.stalledCounter).to.equal(1);
    // The bench comes back for the tests that follow.
    await start(BENCHES.find((b) => b.name === victim)!);
  });

  it('loses no job when Redis restarts mid-run', async () => {
    const ids = await submitMany(12, () => 'boot-delay');
    await until('3 jobs completed', async () => (await completed(ids)).length >= 3, 60_000);
    await redis.restart();
    await allCompleted(ids);
    const runs = await runsOf();
    for (const id of ids) expect(runs.get(id), `report folders of ${id}`).to.have.length(1);
  });

  it('loses no result when the broker restarts mid-run, and the benches are present on it again', async () => {
    const ids = await submitMany(12, () => 'csim-forced-check');
    await until('3 jobs completed', async () => (await completed(ids)).length >= 3, 60_000);
    await broker.close();
    broker = await startEmbeddedBroker(brokerPort);
    expect(broker.target.url).to.equal(`mqtt://127.0.0.1:${brokerPort}`);
    await allCompleted(ids);
    for (const job of await completed(ids)) expect(existsSync(join(job.returnvalue.reportDir, 'summary.json')), job.id).to.equal(true);
    // Each agent sets its retained presence again on the new broker.
    await until('4 benches on the new broker', async () => {
      const lab = JSON.parse((await hil(['lab', '--broker', broker.target.url, '--json'])).join('\n')) as { benches: AgentPresence[] };
      return lab.benches.filter((b) => b.state === 'idle').length === 4;
    }, 60_000);
  });

  it('runs a nightly schedule, lists it, and removes it on cancel', async () => {
    const [scheduleId] = await hil(['submit', '--suite', 'boot-delay', '--where', 'bench=b2', '--nightly', '*/2 * * * * *']);
    const fired = async () => (await store.jobs(['completed'])).filter(({ job }) => job.repeatJobKey === scheduleId || job.id?.startsWith(`repeat:${scheduleId}`));
    await until('two scheduled runs', async () => (await fired()).length >= 2, 60_000);
    for (const { job } of await fired()) expect(job.returnvalue).to.include({ bench: 'b2', status: 'passed' });
    // The night's matrix, from the queue's completed jobs: the schedule's last run is its boot-delay cell.
    const matrix = JSON.parse((await hil(['matrix', '--since', '10 min', '--json'])).join('\n')) as Matrix;
    const cell = matrix.cells.find((c) => c.suiteId === 'boot-delay')!;
    const scheduled = (await fired()).map(({ job }) => (job.returnvalue as { runId: string }).runId);
    // The run passed (see above); within 5 s of a limit its measurement is marginal, a pass all the same.
    expect(cell.verdict).to.be.oneOf(['pass', 'marginal']);
    expect(scheduled).to.include(cell.run.runId);
    expect(cell.figures.map((f) => f.name)).to.include('boot_delay');
    const listed = JSON.parse((await hil(['lab', '--json'])).join('\n')) as { schedules: Array<{ id: string; pattern: string }> };
    expect(listed.schedules.map((s) => s.id)).to.deep.equal([scheduleId]);
    expect(await hil(['lab', 'cancel', scheduleId!])).to.deep.equal([`schedule ${scheduleId} removed`]);
    const after = JSON.parse((await hil(['lab', '--json'])).join('\n')) as { schedules: unknown[] };
    expect(after.schedules).to.deep.equal([]);
  });

  it('refuses a selector it cannot read, naming the clause, and cancels a waiting job', async () => {
    const bad = await runHil(['submit', '--queue', redis.url, '--suite', 'boot-delay', '--where', 'colour=blue']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/--where: expected KEY=VALUE with KEY one of module, maker, model, firmware, bench, tag, got "colour=blue"/);
    // No bench has this tag: the job waits, and can be cancelled.
    const [id] = await submit('boot-delay', ['tag=nowhere']);
    expect(await hil(['lab', 'cancel', id!])).to.deep.equal([`job ${id} cancelled (it was waiting)`]);
    expect(await store.findJob(id!)).to.equal(undefined);
  });
});
