// One MQTT connection that keeps coming back: a fresh client per attempt (so nothing is resent behind
// the publisher's back), a retry every second while the broker is away, MQTT 5 first and 3.1.1 for a
// broker that refuses 5. 'up' hands out the connected client; 'down' says it is gone.
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { BrokerTarget } from './broker.ts';
import { CONTENT_TYPE } from './events.ts';

const RETRY_MS = 1_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** How long a clean disconnect may wait for the broker before the socket is just closed. */
const DISCONNECT_WAIT_MS = 2_000;
/** CONNACK codes for "unsupported protocol version": MQTT 3.1.1 (1) and MQTT 5 (0x84). */
const PROTOCOL_REFUSED = new Set([1, 0x84]);

export interface Will {
  topic: string;
  payload: string;
}

export interface ConnectionOptions {
  target: BrokerTarget;
  clientId: string;
  /** Published retained by the broker if this connection dies without a clean disconnect. */
  will?: Will;
  /** Told of each change in reachability, in words fit for a person (never with credentials). */
  report(text: string): void;
}

interface ConnectionEvents {
  up: [MqttClient];
  down: [];
}

/** MQTT 5 publish properties of every message: JSON payload of this schema version. */
export function messageProperties(client: MqttClient): { properties?: NonNullable<mqtt.IClientPublishOptions['properties']> } {
  if (client.options.protocolVersion !== 5) return {};
  return { properties: { contentType: CONTENT_TYPE, payloadFormatIndicator: true, userProperties: { 'schema-version': '1' } } };
}

export class BrokerConnection extends EventEmitter<ConnectionEvents> {
  private client: MqttClient | undefined;
  private connected = false;
  private version: 4 | 5;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastReport: string | undefined;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.version = options.target.protocolVersion;
  }

  get url(): string {
    return this.options.target.url;
  }

  /** The connected client, if connected now. */
  get current(): MqttClient | undefined {
    return this.connected ? this.client : undefined;
  }

  start(): void {
    this.attempt();
  }

  private report(text: string): void {
    if (text === this.lastReport) return;
    this.lastReport = text;
    this.options.report(text);
  }

  private clientOptions(): IClientOptions {
    const { clientId, will, target } = this.options;
    return {
      ...target.options,
      clientId,
      protocolVersion: this.version,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      ...(will ? { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true, ...(this.version === 5 ? { properties: { contentType: CONTENT_TYPE } } : {}) } } : {}),
    };
  }

  private attempt(): void {
    const client = mqtt.connect(this.url, this.clientOptions());
    this.client = client;
    let retryAt = RETRY_MS;
    client.on('connect', () => {
      this.connected = true;
      if (this.lastReport !== undefined) this.report(`connected to ${this.url}`);
      this.emit('up', client);
    });
    client.on('error', (error: Error & { code?: number | string }) => {
      if (this.version === 5 && typeof error.code === 'number' && PROTOCOL_REFUSED.has(error.code)) {
        this.version = 4;
        retryAt = 0;
        return;
      }
      this.report(`no connection to ${this.url} (${error.message}); retrying every ${RETRY_MS / 1000} s`);
    });
    client.once('close', () => {
      client.end(true); // frees the client's store; a fresh client makes the next attempt
      if (this.connected) {
        this.connected = false;
        if (!this.stopped) this.report(`lost the connection to ${this.url}; retrying every ${RETRY_MS / 1000} s`);
        this.emit('down');
      }
      if (!this.stopped) this.retryTimer = setTimeout(() => this.attempt(), retryAt);
    });
  }

  /** Disconnects cleanly (the broker then does not publish the will). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    if (!client) return;
    const connected = this.connected;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => client.end(true, () => resolve()), DISCONNECT_WAIT_MS);
      client.end(!connected, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
