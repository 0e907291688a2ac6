// A test's MQTT subscriber: records every message it gets, with a persistent session (QoS 1
// messages published while it is away are kept for it) and quick reconnection.
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { parseEvent, type RunEvent } from '../../harness/results/events.ts';
import { until } from './wait.ts';

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  properties: IPublishPacket['properties'];
}

export class Subscriber {
  readonly received: Received[] = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.received.push({ topic, payload: payload.toString('utf8'), retain: packet.retain, properties: packet.properties });
    });
  }

  static async connect(url: string, filters: string[], options: IClientOptions = {}): Promise<Subscriber> {
    const client = await mqtt.connectAsync(url, {
      clientId: `test-sub-${randomBytes(4).toString('hex')}`,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 600 },
      reconnectPeriod: 100,
      ...options,
    });
    const subscriber = new Subscriber(client);
    await client.subscribeAsync(filters, { qos: 1 });
    return subscriber;
  }

  /** Every event received on an events topic, duplicates included, in arrival order. */
  events(): RunEvent[] {
    return this.received.filter((m) => m.topic.endsWith('/events')).map((m) => parseEvent(m.payload));
  }

  /** The events of `runId` after dropping repeats of a sequence number, in arrival order. */
  deduplicated(runId: string): RunEvent[] {
    const seen = new Set<number>();
    return this.events().filter((e) => e.runId === runId && !seen.has(e.seq) && seen.add(e.seq));
  }

  waitFor(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
    return until(what, done, timeoutMs, () => `got ${this.received.length} message(s)`);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
