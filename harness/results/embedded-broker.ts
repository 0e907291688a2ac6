// The broker `hil run` starts when none is configured, so the live stream works out of the box. It
// listens on loopback only, on the standard port when that is free (so `hil watch` finds it without
// options), otherwise on a port the system picks; it lives as long as the run. On request it also
// takes MQTT over WebSockets (what a browser speaks: the dashboard), on a loopback port of its own.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { BrokerTarget } from './broker.ts';

export const EMBEDDED_HOST = '127.0.0.1';
export const EMBEDDED_PORT = 1883;

export interface EmbeddedBroker {
  target: BrokerTarget;
  /** `ws://127.0.0.1:<port>`, where a WebSocket port was asked for. */
  wsUrl?: string;
  close(): Promise<void>;
}

function listen(server: Pick<Server, 'once' | 'off' | 'listen' | 'address'>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, EMBEDDED_HOST, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** `wsPort`: also listen for MQTT over WebSockets there (0: a port the system picks). */
export async function startEmbeddedBroker(preferredPort = EMBEDDED_PORT, wsPort?: number): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  let port: number;
  try {
    port = await listen(server, preferredPort);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    port = await listen(server, 0);
  }
  const web = wsPort === undefined ? undefined : createHttpServer();
  if (web) {
    web.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    new WebSocketServer({ server: web }).on('connection', (ws) => broker.handle(createWebSocketStream(ws)));
  }
  const webPort = web ? await listen(web, wsPort!) : undefined;
  return {
    // aedes speaks MQTT 3.1.1 only.
    target: { url: `mqtt://${EMBEDDED_HOST}:${port}`, protocolVersion: 4, options: {} },
    ...(webPort === undefined ? {} : { wsUrl: `ws://${EMBEDDED_HOST}:${webPort}` }),
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.all([server, web].map((s) => s && new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
