// A module's port as a loopback TCP connection: bytes the test writes reach the engine through the
// kernel and the event loop's poll, as a serial port's reads do, so read stamps can be late for real.
import net from 'node:net';
import type { AtEngine } from '../../harness/at/index.ts';

export interface SocketPort {
  /** Writes `text`; resolves once the kernel has the bytes. */
  say(text: string): Promise<void>;
  close(): void;
}

/** Connects `engine.feed` to the reading end of a fresh loopback connection. */
export async function socketPort(engine: Pick<AtEngine, 'feed'>): Promise<SocketPort> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  client.on('data', (chunk) => engine.feed(chunk));
  const port = await accepted;
  return {
    say: (text) => new Promise<void>((resolve) => port.write(text, () => resolve())),
    close: () => {
      port.destroy();
      client.destroy();
      server.close();
    },
  };
}

/** Keeps the event loop busy for `ms` wall ms, as a long callback does. */
export function stallLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy */ }
}
