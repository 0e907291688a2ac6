// `hil watch`: the live progress of runs published to a broker, as a person watching a nightly run
// from a laptop wants it: which bench, which suite, which step, measurements as they come, a live
// line while a run waits; with --give-up it stops once the broker has been gone that long (exit 3).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { BrokerTarget } from '../results/broker.ts';
import { BrokerConnection } from '../results/connection.ts';
import { EMBEDDED_HOST, EMBEDDED_PORT } from '../results/embedded-broker.ts';
import { topicName } from '../results/settings.ts';
import { watchFilters } from '../results/topics.ts';
import { WatchView } from '../results/watch-view.ts';
import type { CliOutput } from '../output/streams.ts';
import { printable } from '../output/printable.ts';
import { BenchError } from '../output/errors.ts';
import { parseDuration } from '../time/duration.ts';
import { flagValue } from './flags.ts';
import { asUsage, BROKER_OPTIONS, brokerTarget, brokerUsage, CREDENTIALS_USAGE, resultsSettings } from '../results/run-options.ts';

const EMBEDDED_URL = `mqtt://${EMBEDDED_HOST}:${EMBEDDED_PORT}`;

export const WATCH_USAGE = `usage: hil watch [options]

Shows the live progress of the runs published to a broker until interrupted (Ctrl-C).
${brokerUsage(`else ${EMBEDDED_URL}, where hil run's embedded broker listens`)}
  --lab NAME          only this lab (default: every lab)
  --bench NAME        only this bench (default: every bench)
  --give-up DUR       stop (exit 3) once the broker has been unreachable for DUR ("10 min"); default: retry for ever

${CREDENTIALS_USAGE}`;

export async function watchCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { ...BROKER_OPTIONS, lab: { type: 'string' }, bench: { type: 'string' }, 'give-up': { type: 'string' } } });
  const giveUp = values['give-up'];
  const giveUpMs = flagValue('hil watch', '--give-up', giveUp, parseDuration);
  const settings = await resultsSettings('hil watch', { broker: values.broker, labFile: values['lab-file'] });
  // No broker configured: the embedded one of a `hil run` on this machine.
  const target: BrokerTarget = (await brokerTarget('hil watch', settings)) ?? { url: EMBEDDED_URL, protocolVersion: 4, options: {} };
  const filters = await asUsage('hil watch', async () =>
    watchFilters(
      settings.topicPrefix,
      values.lab === undefined ? undefined : topicName('lab name', values.lab),
      values.bench === undefined ? undefined : topicName('bench name', values.bench),
    ),
  );
  const view = new WatchView(settings.topicPrefix, out.stdout, Date.now, out.live?.bind(out));
  const connection = new BrokerConnection({
    target,
    clientId: `hil-watch-${randomBytes(4).toString('hex')}`,
    report: (text) => out.stderr(printable(`hil watch: ${text}`)),
  });
  connection.on('up', (client) => {
    client.on('message', (topic, payload, packet) => view.message(topic, payload, packet.retain));
    client.subscribe(filters, { qos: 1 }, (error, granted) => {
      const refused = error ? filters : (granted ?? []).filter((g) => g.qos >= 0x80).map((g) => g.topic);
      if (refused.length > 0) out.stderr(printable(`hil watch: ${target.url} refused the subscription to ${refused.join(', ')}${error ? `: ${error.message}` : ''}`));
    });
  });
  connection.start();
  out.stdout(`watching ${filters[0]!.replace(/\/status$/, '')} on ${target.url}; Ctrl-C to stop`);
  const ticker = setInterval(() => view.tick(), TICK_MS);
  // Armed while the broker is away (from the start until the first connection, and after each loss).
  let goneTimer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<string>((resolve) => {
    const arm = () => {
      if (giveUpMs === undefined) return;
      clearTimeout(goneTimer);
      goneTimer = setTimeout(() => resolve(`hil watch: the broker at ${target.url} has been unreachable for ${giveUp}; giving up (--give-up ${giveUp})`), giveUpMs);
    };
    connection.on('up', () => clearTimeout(goneTimer));
    connection.on('down', arm);
    arm();
  });
  const stopped = new Promise<undefined>((resolve) => {
    process.once('SIGINT', () => resolve(undefined));
    process.once('SIGTERM', () => resolve(undefined));
  });
  const reason = await Promise.race([gaveUp, stopped]);
  clearInterval(ticker);
  clearTimeout(goneTimer);
  await connection.stop();
  if (reason) throw new BenchError(reason);
  return 0;
}

/** Wall ms between redraws of the wait line. */
const TICK_MS = 1_000;
