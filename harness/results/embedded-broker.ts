// The broker `hil run` starts when none is configured, so the live stream works out of the box. It
// listens on loopback only, on the standard port when that is free (so `hil watch` finds it without
// options), otherwise on a port the system picks; it lives as long as the run.
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { BrokerTarget } from './broker.ts';

export const EMBEDDED_HOST = '127.0.0.1';
export const EMBEDDED_PORT = 1883;

export interface EmbeddedBroker {
  target: BrokerTarget;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, EMBEDDED_HOST, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

export async function startEmbeddedBroker(preferredPort = EMBEDDED_PORT): Promise<EmbeddedBroker> {
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
  return {
    // aedes speaks MQTT 3.1.1 only.
    target: { url: `mqtt://${EMBEDDED_HOST}:${port}`, protocolVersion: 4, options: {} },
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
