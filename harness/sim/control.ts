// The simulator's control socket: a Unix socket taking one JSON request per line and answering
// one JSON line each. It is how an exec power switch, a test or a person powers the module
// and reads the ground truth of a simulator running as its own process.
import { createConnection, createServer, type Server } from 'node:net';
import { rmSync } from 'node:fs';
import { FAULTS } from './faults.ts';
import type { VirtualModule } from './module.ts';
import type { SettingsPackage } from '../record/index.ts';

export type ControlRequest =
  | { op: 'power'; on: boolean }
  | { op: 'state' }
  | { op: 'truth' }
  | { op: 'updates' }
  | { op: 'stage'; packages: SettingsPackage[]; blocks?: number; newImsi?: string }
  | { op: 'reset' };

export type ControlReply = { ok: true; result: unknown } | { ok: false; error: string };

function handle(module: VirtualModule, request: ControlRequest): unknown {
  switch (request.op) {
    case 'power':
      // Strictly a boolean: a hand-written {"on": "off"} must not switch the module on.
      if (typeof request.on !== 'boolean') throw new Error(`power takes "on": true or false, got ${JSON.stringify(request.on)}`);
      module.power(request.on);
      return { powered: module.powered };
    case 'state':
      return {
        powered: module.powered,
        phase: module.phase,
        registration: module.registration,
        timeScale: module.clock.scale,
        rigTime: module.clock.now(),
        faults: [...module.faults].map((name) => ({ name, effect: FAULTS[name] })),
      };
    case 'truth':
      return module.truth.toJSON();
    case 'updates':
      return module.server.lookup();
    case 'stage':
      return module.server.stage(module.uicc.iccid, request);
    case 'reset':
      module.reset();
      return { powered: module.powered, imsi: module.uicc.imsi, updates: module.server.lookup() };
    default:
      throw new Error(`unknown op ${JSON.stringify((request as { op?: unknown }).op)}; known: power, state, truth, updates, stage, reset`);
  }
}

export function serveControl(module: VirtualModule, socketPath: string): Promise<Server> {
  rmSync(socketPath, { force: true });
  const server = createServer((socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (text: string) => {
      buffered += text;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let reply: ControlReply;
        try {
          reply = { ok: true, result: handle(module, JSON.parse(line) as ControlRequest) };
        } catch (error) {
          reply = { ok: false, error: (error as Error).message };
        }
        socket.write(`${JSON.stringify(reply)}\n`);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

/** Sends one request to a simulator's control socket and returns its result. */
export function controlRequest(socketPath: string, request: ControlRequest, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffered = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from the simulator's control socket ${socketPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach the simulator's control socket ${socketPath}: ${error.message}`));
    });
    socket.on('data', (text: string) => {
      buffered += text;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      socket.end();
      const reply = JSON.parse(buffered.slice(0, newline)) as ControlReply;
      if (reply.ok) resolve(reply.result);
      else reject(new Error(`simulator: ${reply.error}`));
    });
    socket.write(`${JSON.stringify(request)}\n`);
  });
}
