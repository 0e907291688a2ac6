// Where results go: the topic prefix, lab and bench names and the broker, from command-line flags,
// environment variables and a lab file, in that order of precedence. Credentials come only from
// environment variables and files, never from flags or the broker URL.
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from '../config/index.ts';
import { checkTopicName } from './topics.ts';

export const DEFAULT_TOPIC_PREFIX = 'hil';
export const DEFAULT_LAB = 'default';

/** The environment variables read here; the README lists them. */
export const ENV = {
  labFile: 'HIL_LAB_FILE',
  broker: 'HIL_BROKER',
  lab: 'HIL_LAB',
  bench: 'HIL_BENCH',
  topicPrefix: 'HIL_TOPIC_PREFIX',
  username: 'HIL_MQTT_USERNAME',
  password: 'HIL_MQTT_PASSWORD',
  passwordFile: 'HIL_MQTT_PASSWORD_FILE',
  ca: 'HIL_MQTT_CA',
  cert: 'HIL_MQTT_CERT',
  key: 'HIL_MQTT_KEY',
} as const;

/** Bad results settings (a broker URL, a name, a credentials file): the command's usage is wrong. */
export class ResultsSettingsError extends Error {}

export interface BrokerSettings {
  url: string;
  username?: string;
  /** The password itself: from the environment only. */
  password?: string;
  passwordFile?: string;
  /** PEM files: CA bundle to trust, client certificate and its key. */
  ca?: string;
  cert?: string;
  key?: string;
}

export interface ResultsSettings {
  topicPrefix: string;
  lab: string;
  /** Undefined: named after the rig. */
  bench: string | undefined;
  /** Undefined: no broker configured. */
  broker: BrokerSettings | undefined;
  /** Where values to redact are: environment variable names and files (lab file `secrets:`). */
  secrets: SecretSources;
}

export interface SecretSources {
  env: string[];
  files: string[];
}

export interface SettingsFlags {
  broker?: string | undefined;
  lab?: string | undefined;
  bench?: string | undefined;
  labFile?: string | undefined;
}

const name = z.string().min(1);

export const labFileSchema = z.strictObject({
  lab: name.optional(),
  bench: name.optional(),
  topicPrefix: name.optional(),
  broker: z
    .strictObject({
      url: name,
      username: name.optional(),
      passwordFile: name.optional(),
      ca: name.optional(),
      cert: name.optional(),
      key: name.optional(),
    })
    .optional(),
  /** The SIM vendor's Super SIM API: its base URL and a file with its credentials (harness/vendor/config.ts). */
  supersim: z.strictObject({ api: name.optional(), credentialsFile: name.optional() }).optional(),
  /** Values never to show anywhere: a power command's token, say. */
  secrets: z
    .strictObject({
      env: z.array(name).optional(),
      files: z.array(name).optional(),
    })
    .optional(),
});

type LabFile = z.output<typeof labFileSchema>;

/** Reads a lab file; its file paths are taken relative to the file. Throws ConfigError with file:line. */
export async function loadLabFile(path: string): Promise<LabFile> {
  const lab = await loadYamlFile(path, labFileSchema);
  const at = (file: string | undefined) => (file === undefined ? undefined : resolve(dirname(path), file));
  const secrets = lab.secrets?.files ? { ...lab.secrets, files: lab.secrets.files.map((file) => resolve(dirname(path), file)) } : lab.secrets;
  if (!lab.broker) return { ...lab, secrets };
  const { passwordFile, ca, cert, key } = lab.broker;
  return { ...lab, secrets, broker: { ...lab.broker, passwordFile: at(passwordFile), ca: at(ca), cert: at(cert), key: at(key) } };
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

export async function loadResultsSettings(flags: SettingsFlags, env: NodeJS.ProcessEnv = process.env): Promise<ResultsSettings> {
  const labFilePath = flags.labFile ?? env[ENV.labFile];
  const file: LabFile = labFilePath ? await loadLabFile(resolve(labFilePath)) : {};
  const url = flags.broker ?? (env[ENV.broker] || file.broker?.url);
  const fromEnv = defined({
    username: env[ENV.username],
    password: env[ENV.password],
    passwordFile: env[ENV.passwordFile],
    ca: env[ENV.ca],
    cert: env[ENV.cert],
    key: env[ENV.key],
  });
  // A password from the environment replaces a password file from the lab file, and the reverse.
  const fileCredentials = defined({ ...file.broker, url: undefined });
  if (fromEnv.password !== undefined || fromEnv.passwordFile !== undefined) delete fileCredentials.passwordFile;
  if (fromEnv.password !== undefined) delete fromEnv.passwordFile;
  const bench = flags.bench ?? (env[ENV.bench] || file.bench);
  return {
    topicPrefix: topicName('topic prefix', env[ENV.topicPrefix] || file.topicPrefix || DEFAULT_TOPIC_PREFIX, 'several'),
    lab: topicName('lab name', flags.lab ?? (env[ENV.lab] || file.lab || DEFAULT_LAB)),
    bench: bench === undefined ? undefined : topicName('bench name', bench),
    broker: url ? { ...fileCredentials, ...fromEnv, url } : undefined,
    secrets: { env: file.secrets?.env ?? [], files: file.secrets?.files ?? [] },
  };
}

/** A lab, bench or prefix name, checked for use in MQTT topics. */
export function topicName(what: string, value: string, levels: 'one' | 'several' = 'one'): string {
  try {
    return checkTopicName(what, value, levels);
  } catch (error) {
    throw new ResultsSettingsError((error as Error).message);
  }
}
