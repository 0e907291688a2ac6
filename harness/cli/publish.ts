// `hil publish <report-dir>`: sends what the broker never acknowledged of a run (after a broker outage,
// a crash or a kill of `hil run`), then exits.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BrokerConnection } from '../results/connection.ts';
import { EVENTS_FILE } from '../results/event-log.ts';
import { ENV } from '../results/settings.ts';
import { loadStoredRun, resend, type StoredRun } from '../results/stored-run.ts';
import { EXIT, UsageError } from '../output/errors.ts';
import { type CliOutput } from '../output/streams.ts';
import { BROKER_OPTIONS, brokerTarget, brokerUsage, CREDENTIALS_USAGE, resultsSettings } from '../results/run-options.ts';

const DEFAULT_TIMEOUT_S = 30;

export const PUBLISH_USAGE = `usage: hil publish <report-dir> [options]

Sends the events of the run in <report-dir> that the broker has not acknowledged, in order, and exits
0 once it has acknowledged them all, 1 if some are still unacknowledged at the timeout.
${brokerUsage('one of them is required')}
  --timeout SECONDS   give up after this long (default ${DEFAULT_TIMEOUT_S})

${CREDENTIALS_USAGE}`;

export async function publishCommand(args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...BROKER_OPTIONS, timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_S) } },
  });
  if (positionals.length !== 1) throw new UsageError(`hil publish: expected one report folder, got ${positionals.length}\n${PUBLISH_USAGE}`);
  const timeoutS = Number(values.timeout);
  if (!(timeoutS > 0)) throw new UsageError(`hil publish: --timeout takes a positive number of seconds, got "${values.timeout}"`);
  const dir = resolve(positionals[0]!);
  const settings = await resultsSettings('hil publish', { broker: values.broker, labFile: values['lab-file'] });
  const target = await brokerTarget('hil publish', settings);
  if (!target) throw new UsageError(`hil publish: no broker: give --broker URL, set ${ENV.broker}, or give a lab file with broker.url`);

  let run: StoredRun;
  try {
    run = await loadStoredRun(dir, target.url);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(`hil publish: ${missing ? `no ${EVENTS_FILE} in ${dir}` : (error as Error).message}`);
  }
  if (run.truncatedTail) out.stderr(`hil publish: the last line of ${join(dir, EVENTS_FILE)} was cut short when the run was killed; it is left out`);
  if (run.unacked.length === 0) {
    out.stdout(`nothing to send: ${target.url} has acknowledged all ${run.total} events of run ${run.runId}`);
    return 0;
  }
  const sending = run.unacked.length;
  out.stdout(`run ${run.runId} (${run.lab}/${run.bench}): sending ${sending} of ${run.total} events to ${target.url}`);
  const report = (text: string) => out.stderr(`hil publish: ${text}`);
  const connection = new BrokerConnection({ target, clientId: `hil-publish-${run.runId}`, report });
  const publisher = resend(run, connection, settings.topicPrefix, report);
  connection.start();
  const done = await publisher.drain(timeoutS * 1000);
  await run.cursor.save().catch((error: Error) => report(error.message));
  await connection.stop();
  if (!done) {
    out.stderr(`hil publish: ${publisher.pending} of ${sending} events not acknowledged by ${target.url} within ${timeoutS} s; they will go with the next hil publish`);
    return EXIT.bench;
  }
  out.stdout(`${target.url} acknowledged all ${sending} events`);
  return 0;
}
