// The bench status, retained on <prefix>/<lab>/<bench>/status: idle, running (which run, which
// suite) or offline (the Last Will, sent by the broker when the harness vanishes). A status is live
// information: it is not kept in the event log and not resent later.
import type { MqttClient } from 'mqtt';
import { messageProperties, type BrokerConnection, type Will } from './connection.ts';
import { SCHEMA_VERSION, type RunEvent } from './events.ts';

export type BenchState = 'idle' | 'running' | 'offline';

export interface BenchStatus {
  v: typeof SCHEMA_VERSION;
  state: BenchState;
  /** The run under way, or the last one when idle. */
  runId?: string;
  /** The suite under way. */
  suite?: string;
  /** When the status was set (absent from the Last Will, which the broker sends at an unknown time). */
  wall?: string;
}

/** The status an event puts the bench in; undefined if it does not change it. */
export function statusAfter(event: RunEvent): BenchStatus | undefined {
  const base = { v: SCHEMA_VERSION, runId: event.runId, wall: event.wall };
  switch (event.type) {
    case 'run.started':
      return { ...base, state: 'running' };
    case 'suite.started':
      return { ...base, state: 'running', suite: event.data.suiteId };
    case 'run.ended':
      return { ...base, state: 'idle' };
    default:
      return undefined;
  }
}

export function offlineWill(topic: string): Will {
  const status: BenchStatus = { v: SCHEMA_VERSION, state: 'offline' };
  return { topic, payload: JSON.stringify(status) };
}

/** Keeps the retained status up to date, and sets it again after every reconnection. */
export class StatusReporter {
  private latest: BenchStatus | undefined;

  constructor(private readonly connection: BrokerConnection, private readonly topic: string) {
    connection.on('up', (client) => this.publish(client));
  }

  set(status: BenchStatus): void {
    this.latest = status;
    const client = this.connection.current;
    if (client) this.publish(client);
  }

  private publish(client: MqttClient): void {
    if (!this.latest) return;
    // A lost status is replaced by the next one or at the next reconnection; nothing to wait for.
    client.publish(this.topic, JSON.stringify(this.latest), { qos: 1, retain: true, ...messageProperties(client) }, () => {});
  }
}
