// Sends a run's events to the broker in order with QoS 1 and moves the acknowledgement cursor as the
// broker acknowledges them. While the broker is away events wait here; on every (re)connection all
// events not yet acknowledged are sent again, in order, so some may arrive twice (subscribers
// deduplicate by run id + sequence number) and none is lost.
import type { MqttClient } from 'mqtt';
import type { AckCursor } from './ack-cursor.ts';
import { messageProperties, type BrokerConnection } from './connection.ts';
import type { RunEvent } from './events.ts';
import type { RunTopics } from './topics.ts';

/** Events sent and not yet acknowledged, at most: bounds what a lost connection leaves in doubt. */
const WINDOW = 64;

export class Publisher {
  /** In sequence order (a Map keeps insertion order). */
  private readonly unacked = new Map<number, RunEvent>();
  private toSend: number[] = [];
  private client: MqttClient | undefined;
  /** Bumped on every connection change, so answers about an old connection are not miscounted. */
  private generation = 0;
  private inFlight = 0;
  private readonly drained = new Set<() => void>();

  constructor(
    private readonly connection: BrokerConnection,
    private readonly topics: RunTopics,
    /** Undefined: acknowledgements are not recorded (a broker that keeps nothing after the run). */
    private readonly cursor: AckCursor | undefined,
    private readonly report: (text: string) => void,
  ) {
    connection.on('up', (client) => this.up(client));
    connection.on('down', () => this.down());
    if (connection.current) this.up(connection.current);
  }

  /** Events still waiting for the broker's acknowledgement. */
  get pending(): number {
    return this.unacked.size;
  }

  add(event: RunEvent): void {
    this.unacked.set(event.seq, event);
    this.toSend.push(event.seq);
    this.pump();
  }

  /** Resolves true once every event is acknowledged, false if `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.unacked.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.drained.delete(onDrained);
        resolve(ok);
      };
      const onDrained = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.drained.add(onDrained);
    });
  }

  private up(client: MqttClient): void {
    this.client = client;
    this.generation++;
    this.inFlight = 0;
    this.toSend = [...this.unacked.keys()];
    this.pump();
  }

  private down(): void {
    this.client = undefined;
    this.generation++;
    this.inFlight = 0;
    this.toSend = [];
  }

  private pump(): void {
    const client = this.client;
    while (client && this.inFlight < WINDOW && this.toSend.length > 0) {
      const event = this.unacked.get(this.toSend.shift()!);
      if (event) this.send(client, event);
    }
  }

  private send(client: MqttClient, event: RunEvent): void {
    const generation = this.generation;
    this.inFlight++;
    const payload = JSON.stringify(event);
    const options = { qos: 1 as const, ...messageProperties(client) };
    const sends = [client.publishAsync(this.topics.events, payload, options)];
    // The run's last event is also its summary, retained for whoever subscribes later.
    if (event.type === 'run.ended') sends.push(client.publishAsync(this.topics.summary, payload, { ...options, retain: true }));
    Promise.all(sends)
      .then(
        () => this.acknowledged(event.seq),
        (error: Error) => {
          // On a live connection this is the broker refusing the message (e.g. not authorised);
          // the event stays unacknowledged and goes again on the next connection.
          if (generation === this.generation) this.report(`${this.connection.url} did not accept event ${event.seq} of run ${event.runId}: ${error.message}`);
        },
      )
      .finally(() => {
        if (generation !== this.generation) return;
        this.inFlight--;
        this.pump();
      });
  }

  private acknowledged(seq: number): void {
    if (!this.unacked.delete(seq)) return;
    this.cursor?.ack(seq);
    if (this.unacked.size === 0) for (const done of [...this.drained]) done();
  }
}
