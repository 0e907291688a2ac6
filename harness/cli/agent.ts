// `hil agent`: one bench's agent in a lab (lab/agent.ts): checks the bench, says who it is, and runs
// the queued jobs it matches until SIGTERM or SIGINT.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent } from '../lab/agent.ts';
import { checkQueueUrl, connectRedis, printableQueue } from '../lab/queue.ts';
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import { BROKER_OPTIONS, brokerUsage, CREDENTIALS_USAGE, runResults } from '../results/run-options.ts';
import { vendorApiSettings } from '../results/vendor-settings.ts';
import { parseDuration } from '../time/duration.ts';
import { defined, flagValue, loadRigFlag, positiveNumber } from './flags.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const AGENT_USAGE = `usage: hil agent --rig FILE --queue redis://HOST:PORT [options]

Runs one bench in a lab: checks it as hil doctor does (an unhealthy bench takes no work and is
checked again), publishes its presence (module, ICCID, tags, idle/busy/unhealthy, the job under way;
offline by Last Will), and runs the jobs queued by hil submit whose --where the bench matches, one at
a time, as hil run would. A run that fails on the bench (exit 3) is retried, on this or another
bench; a device failure completes its job. SIGTERM or SIGINT stops it, the bench left safe.
  --rig FILE            rig file (its "tags:" are what --where tag=... matches)
  --queue URL           the lab's Redis (redis://host:port)
  --suites-dir DIR      where suite files are (default suites/)
  --reports DIR         where each job's report folder goes (default reports/)
  --time-scale N        override the rig's time scale
  --no-html             skip report.html in each report folder
  --lock-duration DUR   a job's lock without renewal; a dead bench's job moves on after about this (default 30 s)
  --recheck DUR         how often an unhealthy bench is checked again (default 1 min)
  --verbose             print each run's output
${brokerUsage('else presence and results go nowhere but Redis and the report folders')}
  --lab NAME            the lab (default HIL_LAB, the lab file, or "default")
  --bench NAME          the bench's name (default HIL_BENCH, the lab file, or the rig name)
${CREDENTIALS_USAGE}`;

const OPTIONS = {
  rig: { type: 'string' },
  queue: { type: 'string' },
  'suites-dir': { type: 'string', default: join(PROJECT_ROOT, 'suites') },
  reports: { type: 'string', default: 'reports' },
  'time-scale': { type: 'string' },
  'no-html': { type: 'boolean', default: false },
  'lock-duration': { type: 'string', default: '30 s' },
  recheck: { type: 'string', default: '1 min' },
  verbose: { type: 'boolean', default: false },
  ...BROKER_OPTIONS,
  lab: { type: 'string' },
  bench: { type: 'string' },
} as const;

export async function agentCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS });
  if (!values.rig || !values.queue) throw new UsageError(`hil agent: --rig FILE and --queue URL are required\n${AGENT_USAGE}`);
  const flag = <T>(name: string, text: string | undefined, parse: (text: string) => T) => flagValue('hil agent', name, text, parse);
  const queueUrl = flag('--queue', values.queue, checkQueueUrl)!;
  const timeScale = flag('--time-scale', values['time-scale'], positiveNumber);
  const lockDurationMs = flag('--lock-duration', values['lock-duration'], parseDuration)!;
  const recheckMs = flag('--recheck', values.recheck, parseDuration)!;
  const config = await loadRigFlag(values.rig);
  // Without a broker the runs publish nothing, rather than each starting a broker of its own.
  const flags = { broker: values.broker, 'lab-file': values['lab-file'], lab: values.lab, bench: values.bench, 'no-broker': false };
  const results = await runResults(flags, config.name);
  const resultsFlags = { ...flags, bench: results.scope.bench, 'no-broker': results.broker === 'embedded' };
  const vendorApi = await vendorApiSettings(values['lab-file']);
  const agent = new Agent({
    config,
    redis: connectRedis(queueUrl),
    results: { ...results, broker: results.broker === 'embedded' ? 'none' : results.broker },
    resultsFlags,
    suitesDir: resolve(values['suites-dir']),
    reportsDir: resolve(values.reports),
    rig: { ...defined({ timeScale }), ...(vendorApi ? { vendorApi } : {}) },
    html: !values['no-html'],
    lockDurationMs,
    recheckMs,
    verbose: values.verbose,
    out,
  });
  process.on('SIGTERM', () => void agent.stop('SIGTERM'));
  process.on('SIGINT', () => void agent.stop('SIGINT'));
  out.stdout(`hil agent ${results.scope.bench}: rig "${config.name}" (${config.file}), lab "${results.scope.lab}", queue ${printableQueue(queueUrl)}`);
  await agent.examine();
  await agent.takeWork();
  return agent.finished;
}
