// The SIM vendor's REST API as the simulator's OTA server would show it: GET /v1/Sims and
// GET /v1/SettingsUpdates in the documented JSON shape (lists with a paging `meta`), behind HTTP
// Basic authentication, on loopback. It lets the harness's vendor-API client and `hil updates`
// run against a bench made of `hil sim`, as they would against the vendor.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Clock } from '../time/clock.ts';
import type { SettingsUpdate, SettingsUpdateStatus } from './ota-server.ts';

export interface VendorApiOptions {
  /** The simulated SIM's ICCID. */
  iccid: string;
  /** The OTA server's updates for that SIM, newest first. */
  lookup(): SettingsUpdate[];
  /** The simulator's clock: the updates are stamped in its rig time. */
  clock: Clock;
  /** The one account the API accepts. */
  credentials: { username: string; password: string };
  /** What the vendor reports of an update the OTA server delivered whole (default successful). */
  outcome?: 'successful' | 'failed';
  /**
   * Wall ms a delivered update still shows in-progress, counted from the first look-up that finds it
   * delivered: the vendor learns of the installation after the sessions, not during them.
   */
  lagMs?: number;
}

const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 50;
export const SIM_UNIQUE_NAME = 'hil-sim';

/** A SID of the documented form (two letters, 32 hex digits), stable for a given value. */
function sid(prefix: string, of: string): string {
  return `${prefix}${createHash('sha256').update(of).digest('hex').slice(0, 32)}`;
}

export function vendorApiHandler(options: VendorApiOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const simSid = sid('HS', options.iccid);
  const accountSid = sid('AC', options.credentials.username);
  const wallStart = Date.now() - options.clock.now() / options.clock.scale;
  const date = (rigMs: number) => new Date(wallStart + rigMs / options.clock.scale).toISOString().replace(/\.\d+Z$/, 'Z');
  /** Wall ms each delivered update was first looked up. */
  const deliveredSeen = new Map<string, number>();

  const reported = (update: SettingsUpdate) => {
    if (update.status !== 'successful') return { status: update.status, completed: null };
    const seen = deliveredSeen.get(update.sid) ?? Date.now();
    deliveredSeen.set(update.sid, seen);
    if (Date.now() - seen < (options.lagMs ?? 0)) return { status: 'in-progress' as const, completed: null };
    const status = options.outcome ?? 'successful';
    return { status, completed: status === 'successful' ? date(update.updatedAt) : null };
  };

  const simRecord = (origin: string) => ({
    sid: simSid,
    unique_name: SIM_UNIQUE_NAME,
    account_sid: accountSid,
    iccid: options.iccid,
    status: 'active',
    fleet_sid: null,
    date_created: date(0),
    date_updated: date(0),
    url: `${origin}/v1/Sims/${simSid}`,
  });

  const updateRecord = (update: SettingsUpdate) => {
    const { status, completed } = reported(update);
    return {
      sid: update.sid,
      iccid: update.iccid,
      sim_sid: simSid,
      status,
      packages: update.packages.map((p) => ({ ...p, more_info: `https://www.twilio.com/docs/iot/supersim/settings-packages/${p.name}` })),
      date_completed: completed,
      date_created: date(update.createdAt),
      date_updated: date(update.updatedAt),
    };
  };

  return (request, response) => {
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    const url = new URL(request.url ?? '/', origin);
    if (request.method !== 'GET') return answer(response, 405, error(20004, `Method ${request.method} not allowed`, 405));
    if (!authorised(request, options.credentials)) {
      response.setHeader('www-authenticate', 'Basic realm="Twilio API"');
      return answer(response, 401, error(20003, 'Authenticate', 401));
    }
    if (url.pathname === '/v1/Sims') {
      const iccid = url.searchParams.get('Iccid');
      return page(response, url, 'sims', iccid === null || iccid === options.iccid ? [simRecord(origin)] : []);
    }
    if (url.pathname === '/v1/SettingsUpdates') {
      const sim = url.searchParams.get('Sim');
      if (sim !== null && sim !== simSid && sim !== SIM_UNIQUE_NAME) return answer(response, 404, error(20404, `The requested resource /Sims/${sim} was not found`, 404));
      const wanted = url.searchParams.get('Status') as SettingsUpdateStatus | null;
      const records = options.lookup().map(updateRecord).filter((u) => wanted === null || u.status === wanted);
      return page(response, url, 'settings_updates', records);
    }
    return answer(response, 404, error(20404, `The requested resource ${url.pathname} was not found`, 404));
  };
}

function authorised(request: IncomingMessage, credentials: { username: string; password: string }): boolean {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const given = Buffer.from(header.slice('Basic '.length), 'base64');
  const expected = Buffer.from(`${credentials.username}:${credentials.password}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** One page of a list with the documented `meta`; Page and PageSize as the API takes them. */
function page(response: ServerResponse, url: URL, key: string, all: unknown[]): void {
  const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(url.searchParams.get('PageSize')) || DEFAULT_PAGE_SIZE));
  const index = Math.max(0, Number(url.searchParams.get('Page')) || 0);
  const at = (n: number) => {
    const link = new URL(url);
    link.searchParams.set('PageSize', String(size));
    link.searchParams.set('Page', String(n));
    if (n > 0) link.searchParams.set('PageToken', `PA${n}`);
    else link.searchParams.delete('PageToken');
    return link.href;
  };
  const more = (index + 1) * size < all.length;
  answer(response, 200, {
    [key]: all.slice(index * size, (index + 1) * size),
    meta: { page: index, page_size: size, first_page_url: at(0), previous_page_url: index > 0 ? at(index - 1) : null, url: at(index), next_page_url: more ? at(index + 1) : null, key },
  });
}

function error(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Serves the API on 127.0.0.1:`port` (0: a free port); resolves once it listens. */
export function serveVendorApi(port: number, options: VendorApiOptions): Promise<Server> {
  const server = createServer(vendorApiHandler(options));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
