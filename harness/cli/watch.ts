// `hil watch`: the live progress of runs published to a broker, as a person watching a nightly run
// from a laptop wants it: which bench, which suite, which step, measurements as they come.
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
import { asUsage, BROKER_OPTIONS, brokerTarget, brokerUsage, CREDENTIALS_USAGE, resultsSettings } from '../results/run-options.ts';

const EMBEDDED_URL = `mqtt://${EMBEDDED_HOST}:${EMBEDDED_PORT}`;

export const WATCH_USAGE = `usage: hil watch [options]

Shows the live progress of the runs published to a broker until interrupted (Ctrl-C).
${brokerUsage(`else ${EMBEDDED_URL}, where hil run's embedded broker listens`)}
  --lab NAME          only this lab (default: every lab)
  --bench NAME        only this bench (default: every bench)

${CREDENTIALS_USAGE}`;

export async function watchCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { ...BROKER_OPTIONS, lab: { type: 'string' }, bench: { type: 'string' } } });
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
  const view = new WatchView(settings.topicPrefix, out.stdout);
  const connection = new BrokerConnection({
    target,
    clientId: `hil-watch-${randomBytes(4).toString('hex')}`,
    report: (text) => out.stderr(printable(`hil watch: ${text}`)),
  });
  connection.on('up', (client) => {
    client.on('message', (topic, payload) => view.message(topic, payload));
    client.subscribe(filters, { qos: 1 }, (error, granted) => {
      const refused = error ? filters : (granted ?? []).filter((g) => g.qos >= 0x80).map((g) => g.topic);
      if (refused.length > 0) out.stderr(printable(`hil watch: ${target.url} refused the subscription to ${refused.join(', ')}${error ? `: ${error.message}` : ''}`));
    });
  });
  connection.start();
  out.stdout(`watching ${filters[0]!.replace(/\/status$/, '')} on ${target.url}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await connection.stop();
  return 0;
}
