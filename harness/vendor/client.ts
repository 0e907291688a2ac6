// A client of the Super SIM REST API's Sims and SettingsUpdates resources, on Node's own fetch:
// HTTP Basic authentication, paging through meta.next_page_url, a timeout per request, retries with
// backoff on 5xx and on 429 (honouring Retry-After), and errors that say what to check.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SettingsUpdateStatus } from '../sim/ota-server.ts';
import { basicToken, VENDOR_ENV, type VendorApiConfig } from './config.ts';

export interface ApiSim {
  sid: string;
  unique_name: string | null;
  iccid: string | null;
  status: string | null;
}

export interface ApiPackage {
  name: string;
  version: string;
}

export interface ApiSettingsUpdate {
  sid: string;
  iccid: string | null;
  sim_sid: string | null;
  status: SettingsUpdateStatus;
  packages: ApiPackage[] | null;
  date_completed: string | null;
  date_created: string | null;
  date_updated: string | null;
}

export interface ClientOptions {
  /** Wall ms a request may take, answer included. */
  timeoutMs?: number;
  /** Tries per request, the first included. */
  attempts?: number;
  /** Wall ms before the first retry; doubled for each one after. */
  backoffMs?: number;
  /** Longest Retry-After honoured; a server asking for more is waited on this long. */
  maxRetryAfterMs?: number;
  pageSize?: number;
}

/** The API refused or could not be reached; `status` is the HTTP status where there was one. */
export class VendorApiError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'VendorApiError';
  }
}

const DEFAULTS: Required<ClientOptions> = { timeoutMs: 10_000, attempts: 4, backoffMs: 500, maxRetryAfterMs: 60_000, pageSize: 50 };
/** A bound on pages followed: a server whose next page never ends would otherwise hold a run. */
const MAX_PAGES = 200;

interface Page {
  meta?: { next_page_url?: string | null; key?: string };
  [key: string]: unknown;
}

export class SuperSimClient {
  private readonly options: Required<ClientOptions>;
  private readonly authorization: string;

  constructor(private readonly config: VendorApiConfig, options: ClientOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.authorization = `Basic ${basicToken(config.credentials)}`;
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** The Super SIM with this ICCID, if the account has it. */
  async findSim(iccid: string): Promise<ApiSim | undefined> {
    const sims = await this.list<ApiSim>('/v1/Sims', { Iccid: iccid }, 'sims');
    return sims[0];
  }

  /** The SIM's settings updates (optionally of one status), as the API orders them. */
  settingsUpdates(sim: string, status?: SettingsUpdateStatus): Promise<ApiSettingsUpdate[]> {
    return this.list<ApiSettingsUpdate>('/v1/SettingsUpdates', { Sim: sim, ...(status ? { Status: status } : {}) }, 'settings_updates');
  }

  /** The settings updates of the SIM with this ICCID, newest first; throws where the account has no such SIM. */
  async updatesByIccid(iccid: string): Promise<ApiSettingsUpdate[]> {
    const sim = await this.findSim(iccid);
    if (!sim) throw new VendorApiError(`${this.config.baseUrl} knows no Super SIM with ICCID ${iccid} on this account: check the ICCID and that ${this.config.credentials.names} belong to the account that owns the SIM`);
    const updates = await this.settingsUpdates(sim.sid);
    return newestFirst(updates);
  }

  private async list<T>(path: string, query: Record<string, string>, key: string): Promise<T[]> {
    let url: URL | undefined = this.url(path);
    for (const [name, value] of Object.entries({ ...query, PageSize: String(this.options.pageSize) })) url.searchParams.set(name, value);
    const items: T[] = [];
    for (let page = 0; url; page++) {
      if (page === MAX_PAGES) throw new VendorApiError(`${path}: more than ${MAX_PAGES} pages; the server's meta.next_page_url does not end`);
      const body = (await this.get(url)) as Page;
      const list = body[key];
      if (!Array.isArray(list)) throw new VendorApiError(`${url.pathname}: expected a JSON object with a "${key}" list, got ${JSON.stringify(body).slice(0, 120)}`);
      items.push(...(list as T[]));
      const next = body.meta?.next_page_url;
      url = next ? this.nextPage(next) : undefined;
    }
    return items;
  }

  private url(path: string): URL {
    return new URL(`${this.config.baseUrl}${path}`);
  }

  /**
   * The next page, on the configured host whatever host the server names: the credentials go to
   * that host only (behind a proxy, or after a move of the API, the server may name another).
   */
  private nextPage(text: string): URL {
    const next = new URL(text, this.config.baseUrl);
    const base = new URL(this.config.baseUrl);
    if (next.origin === base.origin) return next;
    const rebased = this.url(next.pathname);
    rebased.search = next.search;
    return rebased;
  }

  private async get(url: URL): Promise<unknown> {
    const { attempts, timeoutMs } = this.options;
    let problem = '';
    for (let attempt = 1; ; attempt++) {
      let wait: number;
      try {
        const response = await fetch(url, { headers: { authorization: this.authorization, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
        if (response.ok) return await response.json();
        const retryable = response.status === 429 || response.status >= 500;
        if (!retryable) throw await this.refusal(url, response);
        problem = `${response.status} ${response.statusText}`;
        wait = retryAfterMs(response.headers.get('retry-after')) ?? this.backoff(attempt);
        await response.body?.cancel();
      } catch (error) {
        if (error instanceof VendorApiError) throw error;
        const name = (error as Error).name;
        if (name === 'SyntaxError') throw new VendorApiError(`${url.pathname}: the answer is not JSON: ${(error as Error).message}`);
        problem = name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : `cannot reach ${url.origin}: ${causeOf(error as Error)}`;
        wait = this.backoff(attempt);
      }
      if (attempt >= attempts) throw new VendorApiError(`${url.origin}${url.pathname}: ${problem}, ${attempts} tries; check ${VENDOR_ENV.api} (${this.config.baseUrl}) and the vendor's status page`);
      await sleep(Math.min(wait, this.options.maxRetryAfterMs));
    }
  }

  private backoff(attempt: number): number {
    return this.options.backoffMs * 2 ** (attempt - 1);
  }

  /** The error for a 4xx answer, naming what to check (the credentials by name, never their values). */
  private async refusal(url: URL, response: Response): Promise<VendorApiError> {
    const said = serverMessage(await response.text().catch(() => ''));
    const status = `${url.origin}${url.pathname} answered ${response.status} ${response.statusText}${said ? ` (${said})` : ''}`;
    const names = this.config.credentials.names;
    switch (response.status) {
      case 401:
        return new VendorApiError(`${status}: check ${names}`, 401);
      case 403:
        return new VendorApiError(`${status}: ${names} may not read Super SIM resources; check the key's permissions and the account`, 403);
      case 404:
        return new VendorApiError(`${status}: check the SIM named in the request and ${VENDOR_ENV.api} (${this.config.baseUrl})`, 404);
      default:
        return new VendorApiError(status, response.status);
    }
  }
}

/** Newest first, by creation date: the order `hil updates` and the update sources give. */
export function newestFirst(updates: ApiSettingsUpdate[]): ApiSettingsUpdate[] {
  const created = (u: ApiSettingsUpdate) => Date.parse(u.date_created ?? '') || 0;
  return [...updates].sort((a, b) => created(b) - created(a));
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 10.2.3); undefined where absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The `message` of an error body in the API's shape ({ code, message, more_info, status }). */
function serverMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === 'string' ? body.message.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
