// `hil lab`: the lab's benches and jobs; `hil lab cancel ID` takes a job (or a schedule) off the queue.
import { parseArgs } from 'node:util';
import type { AgentPresence } from '../lab/presence.ts';
import { readPresences } from '../lab/presence.ts';
import { checkQueueUrl, connectRedis, LabStore, type JobState } from '../lab/queue.ts';
import { describeSelector } from '../lab/selector.ts';
import { BenchError, UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import { BROKER_OPTIONS, brokerTarget, resultsSettings } from '../results/run-options.ts';
import { flagValue, positiveNumber } from './flags.ts';

export const LAB_USAGE = `usage: hil lab --queue redis://HOST:PORT [options]
       hil lab cancel ID --queue redis://HOST:PORT

Lists the lab's benches (idle, busy, unhealthy and why, offline) and its jobs: waiting, active,
completed, failed, with the bench each ran on and its verdict, and the nightly schedules.
"cancel" removes a job that has not started, or a schedule.
  --queue URL        the lab's Redis (redis://host:port)
  --broker URL       read the benches' presence from this MQTT broker (default: as the agents registered in Redis)
  --lab NAME         the lab (default HIL_LAB, the lab file, or "default")
  --lab-file FILE    lab file
  --limit N          at most N jobs of each state, the latest (default 20)
  --json             print JSON`;

const OPTIONS = {
  queue: { type: 'string' },
  ...BROKER_OPTIONS,
  lab: { type: 'string' },
  limit: { type: 'string', default: '20' },
  json: { type: 'boolean', default: false },
} as const;

const STATES: Array<[label: string, states: JobState[]]> = [
  ['waiting', ['waiting', 'prioritized', 'delayed']],
  ['active', ['active']],
  ['completed', ['completed']],
  ['failed', ['failed']],
];

export async function labCommand(args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (!values.queue) throw new UsageError(`hil lab: --queue URL is required\n${LAB_USAGE}`);
  const queueUrl = flagValue('hil lab', '--queue', values.queue, checkQueueUrl)!;
  const limit = flagValue('hil lab', '--limit', values.limit, positiveNumber)!;
  const settings = await resultsSettings('hil lab', { broker: values.broker, labFile: values['lab-file'], lab: values.lab });
  const [verb, id, ...rest] = positionals;
  if (verb !== undefined && (verb !== 'cancel' || id === undefined || rest.length > 0)) throw new UsageError(`hil lab: expected no argument or "cancel ID", got "${positionals.join(' ')}"\n${LAB_USAGE}`);
  const redis = connectRedis(queueUrl, false);
  const store = new LabStore(redis, settings.lab);
  try {
    if (id !== undefined) return await cancel(store, id, out);
    const target = values.broker || values['lab-file'] ? await brokerTarget('hil lab', settings) : undefined;
    const benches: AgentPresence[] = target
      ? await readPresences(target, settings.topicPrefix, settings.lab).catch((error: Error) => {
        throw new BenchError(`hil lab: cannot read the benches' presence: ${error.message}`);
      })
      : await store.benches();
    const problems = await store.benchProblems();
    const jobs: Record<string, ReturnType<typeof jobRow>[]> = {};
    for (const [label, states] of STATES) {
      const found = (await store.jobs(states)).sort((a, b) => (b.job.timestamp ?? 0) - (a.job.timestamp ?? 0));
      jobs[label] = found.slice(0, limit).map(({ job, state }) => jobRow(job, state));
    }
    const schedules = await store.schedulers();
    if (values.json) {
      out.stdout(JSON.stringify({ lab: settings.lab, benches: benches.map((b) => ({ ...b, benchProblems: problems[b.bench] ?? 0 })), jobs, schedules }, null, 2));
      return 0;
    }
    out.stdout(`lab "${settings.lab}": ${benches.length} bench(es)`);
    for (const b of benches) {
      const module = [b.module?.profile, b.module?.model, b.module?.firmware].filter(Boolean).join(' ');
      const doing = b.job ? `, job ${b.job.id} (${b.job.step ?? b.job.suites.join(', ')})` : '';
      const why = b.problems?.length ? `: ${b.problems.join('; ')}` : '';
      const tags = b.tags.length ? ` [${b.tags.join(', ')}]` : '';
      out.stdout(`  ${b.bench}  ${b.state}${doing}${why}  ${module}${tags}${problems[b.bench] ? `  ${problems[b.bench]} bench problem(s)` : ''}`);
    }
    for (const [label, rows] of Object.entries(jobs)) {
      out.stdout(`${label}: ${rows.length}`);
      for (const r of rows) {
        const outcome = r.result ? `  ${r.result.status} (exit ${r.result.exitCode}) on ${r.result.bench}  ${r.result.reportDir}` : r.failedReason ? `  ${r.failedReason}` : r.bench ? `  on ${r.bench}` : '';
        out.stdout(`  ${r.id}  ${r.suites.join(', ')}  where ${r.where}${outcome}`);
      }
    }
    for (const s of schedules) out.stdout(`schedule ${s.id}: "${s.pattern}" where ${s.selector}, next ${s.next ? new Date(s.next).toISOString() : '?'}`);
    return 0;
  } finally {
    await store.close();
    redis.disconnect();
  }
}

function jobRow(job: Awaited<ReturnType<LabStore['jobs']>>[number]['job'], state: JobState) {
  return {
    id: job.id!,
    state,
    suites: job.data.suites,
    where: describeSelector(job.data.selector),
    priority: job.opts.priority ?? 0,
    attempts: job.attemptsMade,
    bench: job.processedBy,
    submittedAt: job.data.submittedAt,
    ...(job.returnvalue ? { result: job.returnvalue } : {}),
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
  };
}

async function cancel(store: LabStore, id: string, out: CliOutput): Promise<number> {
  const found = await store.findJob(id);
  if (!found) {
    if (await store.removeScheduler(id)) {
      out.stdout(`schedule ${id} removed`);
      return 0;
    }
    throw new UsageError(`hil lab cancel: no job or schedule "${id}" in lab "${store.lab}"`);
  }
  const state = await found.job.getState();
  if (state === 'active') throw new UsageError(`hil lab cancel: job ${id} is running on bench ${found.job.processedBy ?? '?'}; a run under way is not cut short from here (stop its agent with SIGTERM)`);
  if (state === 'completed' || state === 'failed') throw new UsageError(`hil lab cancel: job ${id} has already ${state}`);
  await found.job.remove();
  out.stdout(`job ${id} cancelled (it was ${state})`);
  return 0;
}
