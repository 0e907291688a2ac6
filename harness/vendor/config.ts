// Where the SIM vendor's Super SIM API is and how the harness signs in: an API key and its secret,
// or the account SID and auth token, from the environment or from a credentials file the lab file
// names. The secret is handed to the caller's redaction the moment it is read, so no report, log,
// console line or broker message of this process can show it.
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from '../config/index.ts';

/** The documented host; Super SIM is moving to KORE Wireless, so HIL_SUPERSIM_API can point elsewhere. */
export const DEFAULT_SUPERSIM_API = 'https://supersim.twilio.com';

export const VENDOR_ENV = {
  api: 'HIL_SUPERSIM_API',
  apiKey: 'TWILIO_API_KEY',
  apiSecret: 'TWILIO_API_SECRET',
  accountSid: 'TWILIO_ACCOUNT_SID',
  authToken: 'TWILIO_AUTH_TOKEN',
} as const;

export interface VendorCredentials {
  username: string;
  password: string;
  /** Where they came from, by name only: what an authentication error tells the operator to check. */
  names: string;
}

export interface VendorApiConfig {
  baseUrl: string;
  credentials: VendorCredentials;
}

const credentialsFileSchema = z.union([
  z.strictObject({ apiKey: z.string().min(1), apiSecret: z.string().min(1) }),
  z.strictObject({ accountSid: z.string().min(1), authToken: z.string().min(1) }),
]);

/** Credentials from the environment: an API key wins over account credentials. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): VendorCredentials | undefined {
  const { apiKey, apiSecret, accountSid, authToken } = VENDOR_ENV;
  if (env[apiKey] && env[apiSecret]) return { username: env[apiKey]!, password: env[apiSecret]!, names: `${apiKey} and ${apiSecret}` };
  if (env[accountSid] && env[authToken]) return { username: env[accountSid]!, password: env[authToken]!, names: `${accountSid} and ${authToken}` };
  return undefined;
}

async function fromFile(path: string): Promise<VendorCredentials> {
  const file = await loadYamlFile(path, credentialsFileSchema);
  const where = `the credentials file ${path} (supersim.credentialsFile in the lab file)`;
  return 'apiKey' in file
    ? { username: file.apiKey, password: file.apiSecret, names: `apiKey and apiSecret in ${where}` }
    : { username: file.accountSid, password: file.authToken, names: `accountSid and authToken in ${where}` };
}

/** A base URL the client may send credentials to: http(s), no credentials or query of its own. */
export function checkBaseUrl(text: string, from: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${from}: expected an http:// or https:// URL, got "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${from}: expected an http:// or https:// URL, got "${text}"`);
  if (url.username || url.password) throw new Error(`${from}: credentials do not go in the URL; set ${VENDOR_ENV.apiKey} and ${VENDOR_ENV.apiSecret} instead`);
  if (url.search || url.hash) throw new Error(`${from}: expected a base URL without a query, got "${text}"`);
  return url.origin + url.pathname.replace(/\/$/, '');
}

/** The lab file's `supersim:` section and the file it came from (its credentials file is relative to it). */
export interface VendorLabSettings {
  api?: string | undefined;
  credentialsFile?: string | undefined;
  labFile: string;
}

/**
 * The vendor API's settings, or undefined where no credentials are configured (the API is then not
 * used). The environment wins over the lab file. `protect` redacts the values it is given from now
 * on and returns those too short to redact, which are refused.
 */
export async function loadVendorApi(env: NodeJS.ProcessEnv, lab: VendorLabSettings | undefined, protect: (secrets: string[]) => string[]): Promise<VendorApiConfig | undefined> {
  const file = lab?.credentialsFile ? resolve(dirname(resolve(lab.labFile)), lab.credentialsFile) : undefined;
  const credentials = credentialsFromEnv(env) ?? (file ? await fromFile(file) : undefined);
  if (!credentials) return undefined;
  if (protect([credentials.password, basicToken(credentials)]).length > 0) {
    throw new Error(`${credentials.names}: the secret is too short to keep out of the reports`);
  }
  const api = env[VENDOR_ENV.api] ? { text: env[VENDOR_ENV.api]!, from: VENDOR_ENV.api } : lab?.api ? { text: lab.api, from: 'supersim.api in the lab file' } : undefined;
  return { baseUrl: api ? checkBaseUrl(api.text, api.from) : DEFAULT_SUPERSIM_API, credentials };
}

/** The token of HTTP Basic authentication (RFC 7617), which carries the secret too. */
export function basicToken(credentials: Pick<VendorCredentials, 'username' | 'password'>): string {
  return Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
}
