// A broker to connect to: its URL (safe to print: never with credentials) and the connection options,
// which may hold a password and a private key and so are never printed or written anywhere.
import { readFile } from 'node:fs/promises';
import type { IClientOptions } from 'mqtt';
import { ENV, ResultsSettingsError, type BrokerSettings } from './settings.ts';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };
const TLS = new Set(['mqtts:', 'wss:']);
const WEBSOCKET = new Set(['ws:', 'wss:']);

export interface BrokerTarget {
  /** `scheme://host:port[/path]`: printable, and the key of this broker's acknowledgement cursor. */
  url: string;
  /** The MQTT version tried first (an MQTT 3.1.1-only broker is retried with 4). */
  protocolVersion: 4 | 5;
  /** Credentials and TLS material: never print these. */
  options: Pick<IClientOptions, 'username' | 'password' | 'ca' | 'cert' | 'key'>;
}

function parseBrokerUrl(text: string): URL {
  const expected = 'expected mqtt://, mqtts://, ws:// or wss:// and a host, e.g. mqtt://broker.lab:1883';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ResultsSettingsError(`bad broker URL "${text}": ${expected}`);
  }
  if (url.username || url.password) {
    // The URL holds a secret: do not echo it.
    throw new ResultsSettingsError(
      `the broker URL must not carry credentials (user:password@): use ${ENV.username} and ${ENV.password} or ${ENV.passwordFile}, or the lab file`,
    );
  }
  if (!(url.protocol in DEFAULT_PORTS) || !url.hostname) throw new ResultsSettingsError(`bad broker URL "${text}": ${expected}`);
  return url;
}

async function readSecretFile(what: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ResultsSettingsError(`cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** A secret file's text without its final line end. */
export async function readSecretText(what: string, path: string): Promise<string> {
  return (await readSecretFile(what, path)).toString('utf8').replace(/\r?\n$/, '');
}

/** The MQTT password: from the environment, else from the password file. */
export async function brokerPassword(settings: BrokerSettings): Promise<string | undefined> {
  if (settings.password !== undefined) return settings.password;
  return settings.passwordFile ? readSecretText(`MQTT password file (${ENV.passwordFile} or broker.passwordFile)`, settings.passwordFile) : undefined;
}

export async function resolveBroker(settings: BrokerSettings): Promise<BrokerTarget> {
  const url = parseBrokerUrl(settings.url);
  const port = url.port || String(DEFAULT_PORTS[url.protocol]);
  const printable = `${url.protocol}//${url.hostname}:${port}${WEBSOCKET.has(url.protocol) ? url.pathname : ''}`;
  const options: BrokerTarget['options'] = {};

  const password = await brokerPassword(settings);
  if (password !== undefined && settings.username === undefined) {
    throw new ResultsSettingsError(`an MQTT password needs a username: set ${ENV.username} or broker.username in the lab file`);
  }
  if (settings.username !== undefined) options.username = settings.username;
  if (password !== undefined) options.password = password;

  const tlsFiles = { ca: settings.ca, cert: settings.cert, key: settings.key };
  if (Object.values(tlsFiles).some((f) => f !== undefined) && !TLS.has(url.protocol)) {
    throw new ResultsSettingsError(`a CA or client certificate needs a TLS broker URL (mqtts:// or wss://), got ${printable}`);
  }
  if ((settings.cert === undefined) !== (settings.key === undefined)) {
    throw new ResultsSettingsError(`a client certificate needs both files: ${ENV.cert} and ${ENV.key} (or broker.cert and broker.key)`);
  }
  if (settings.ca) options.ca = await readSecretFile(`CA file (${ENV.ca} or broker.ca)`, settings.ca);
  if (settings.cert) options.cert = await readSecretFile(`client certificate (${ENV.cert} or broker.cert)`, settings.cert);
  if (settings.key) options.key = await readSecretFile(`client key (${ENV.key} or broker.key)`, settings.key);
  return { url: printable, protocolVersion: 5, options };
}
