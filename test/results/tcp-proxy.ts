// A loopback TCP proxy in front of a broker that a test can use to hold back the broker's answers
// (so messages stay unacknowledged) and to cut every connection, while the broker itself stays up.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private holding = false;

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetPort));
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    proxy = new TcpProxy(server, port);
    return proxy;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (this.holding) upstream.pause();
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }

  /** From now on the broker's answers are not passed on (what the client sends still is). */
  holdReplies(): void {
    this.holding = true;
    for (const { upstream } of this.pairs) {
      upstream.unpipe();
      upstream.pause();
    }
  }

  /** Drops every connection (the answers held back are lost); new connections work normally. */
  cut(): void {
    this.holding = false;
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
