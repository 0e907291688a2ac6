// The results options shared by `hil run`, `hil watch` and `hil publish`, and their errors as usage errors.
import { ConfigError } from '../config/index.ts';
import { resolveBroker, type BrokerTarget } from './broker.ts';
import { DEFAULT_LAB, ENV, loadResultsSettings, ResultsSettingsError, topicName, type ResultsSettings, type SettingsFlags } from './settings.ts';
import { secretValues } from './secrets.ts';
import type { BenchScope } from './topics.ts';
import { UsageError } from '../output/errors.ts';

export const BROKER_OPTIONS = {
  broker: { type: 'string' },
  'lab-file': { type: 'string' },
} as const;

/** Usage lines of --broker and --lab-file; `fallback` says what is used when neither names a broker. */
export function brokerUsage(fallback: string): string {
  return `  --broker URL        MQTT broker: mqtt://, mqtts://, ws:// or wss:// and a host[:port]
                      (default ${ENV.broker} or the lab file; ${fallback})
  --lab-file FILE     lab file: lab and bench names, topic prefix, broker and credential files (default ${ENV.labFile})`;
}

export const CREDENTIALS_USAGE = `Credentials come from the environment or files, never from the command line:
${ENV.username}, ${ENV.password} or ${ENV.passwordFile}, and ${ENV.ca}, ${ENV.cert}, ${ENV.key} (PEM files).`;

/** Runs `load`, turning a bad setting (lab file, broker URL, credentials file) into a usage error. */
export async function asUsage<T>(command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ResultsSettingsError || error instanceof ConfigError) throw new UsageError(`${command}: ${error.message}`);
    throw error;
  }
}

export function resultsSettings(command: string, flags: SettingsFlags): Promise<ResultsSettings> {
  return asUsage(command, () => loadResultsSettings(flags));
}

export function brokerTarget(command: string, settings: ResultsSettings): Promise<BrokerTarget | undefined> {
  return asUsage(command, async () => (settings.broker ? resolveBroker(settings.broker) : undefined));
}

export const RUN_RESULTS_OPTIONS = {
  ...BROKER_OPTIONS,
  lab: { type: 'string' },
  bench: { type: 'string' },
  'no-broker': { type: 'boolean', default: false },
  'transcript-events': { type: 'boolean', default: false },
} as const;

export const RUN_RESULTS_USAGE = `${brokerUsage('else an embedded broker on 127.0.0.1 for the length of the run')}
  --lab NAME          lab in the results topics (default ${ENV.lab}, the lab file, or "${DEFAULT_LAB}")
  --bench NAME        bench in the results topics (default ${ENV.bench}, the lab file, or the rig name)
  --no-broker         write the events to events.jsonl only; publish nothing
  --transcript-events publish the AT transcript lines as events too

Every event goes to events.jsonl in the report folder first, then to the broker (MQTT QoS 1).
${CREDENTIALS_USAGE}`;

export interface RunResults {
  scope: BenchScope;
  broker: BrokerTarget | 'embedded' | 'none';
  /** Values to redact everywhere (secrets named in the lab file, credentials). */
  secrets: string[];
}

/** Where `hil run` sends its events, from its flags, the environment and the lab file. */
export interface RunResultsFlags {
  broker?: string | undefined;
  'lab-file'?: string | undefined;
  lab?: string | undefined;
  bench?: string | undefined;
  'no-broker': boolean;
}

export async function runResults(
  values: RunResultsFlags,
  rigName: string,
): Promise<RunResults> {
  if (values['no-broker'] && values.broker !== undefined) throw new UsageError('hil run: --broker and --no-broker exclude each other');
  const settings = await resultsSettings('hil run', { broker: values.broker, labFile: values['lab-file'], lab: values.lab, bench: values.bench });
  const bench = settings.bench ?? (await asUsage('hil run', async () => topicName('bench name (the rig name; give --bench)', rigName)));
  const scope = { prefix: settings.topicPrefix, lab: settings.lab, bench };
  const secrets = await asUsage('hil run', () => secretValues(settings));
  if (values['no-broker']) return { scope, broker: 'none', secrets };
  return { scope, broker: (await brokerTarget('hil run', settings)) ?? 'embedded', secrets };
}
