// The simulator's vendor API on a loopback port for a test, with answers the test can put in front
// of it (429, a 5xx burst, a slow answer) and a record of the requests it got.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { OtaServer } from '../../harness/sim/ota-server.ts';
import { vendorApiHandler, type VendorApiOptions } from '../../harness/sim/vendor-api.ts';
import { ScaledClock } from '../../harness/time/clock.ts';
import type { VendorApiConfig } from '../../harness/vendor/config.ts';

export const ICCID = '89883070000012345678';
export const CREDENTIALS = { username: 'SKtest0000000000000000000000000001', password: 'vendor-secret-5f1c9e2a' };

/** Answers a request in place of the API; returns false to let the API answer. */
export type Interceptor = (request: IncomingMessage, response: ServerResponse) => boolean;

export class TestApi {
  readonly requests: { path: string; query: URLSearchParams; at: number }[] = [];
  /** Used up one per request, in order. */
  readonly ahead: Interceptor[] = [];
  readonly ota = new OtaServer(new ScaledClock(1));

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(options: Partial<VendorApiOptions> = {}): Promise<TestApi> {
    let api: TestApi | undefined;
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      api!.requests.push({ path: url.pathname, query: url.searchParams, at: performance.now() });
      if (api!.ahead.shift()?.(request, response)) return;
      handler(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = new TestApi(server, (server.address() as { port: number }).port);
    const handler = vendorApiHandler({ iccid: ICCID, lookup: () => api!.ota.lookup(ICCID), clock: new ScaledClock(1), credentials: CREDENTIALS, ...options });
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  config(password = CREDENTIALS.password): VendorApiConfig {
    return { baseUrl: this.url, credentials: { username: CREDENTIALS.username, password, names: 'TWILIO_API_KEY and TWILIO_API_SECRET' } };
  }

  /** Requests to one resource, in order. */
  to(path: string) {
    return this.requests.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An interceptor answering `status` with `headers`. */
export function answerWith(status: number, headers: Record<string, string> = {}): Interceptor {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify({ code: 20500, message: 'busy', status }));
    return true;
  };
}

/** An interceptor that answers nothing for `ms` of wall time, then a server error (by then the client has given up). */
export function slowBy(ms: number): Interceptor {
  return (request, response) => {
    const timer = setTimeout(() => answerWith(503)(request, response), ms);
    response.on('close', () => clearTimeout(timer));
    return true;
  };
}
