// MQTT: events per second through the results outbox (each event appended to events.jsonl, then
// published with QoS 1 by the Publisher, which moves the acknowledgement cursor) to the local
// Mosquitto, and publish → receive latency at a subscriber, against the same events published with
// QoS 1 by a plain MQTT client without the outbox.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { AckCursor } from '../harness/results/ack-cursor.ts';
import type { BrokerTarget } from '../harness/results/broker.ts';
import { BrokerConnection, messageProperties } from '../harness/results/connection.ts';
import { EventLog } from '../harness/results/event-log.ts';
import { makeEvent, type EventData, type RunEvent } from '../harness/results/events.ts';
import { Publisher } from '../harness/results/publisher.ts';
import { runTopics, type BenchScope } from '../harness/results/topics.ts';
import { figure, progress, runBenchmark } from './figures.ts';
import { median, percentile, spread } from './stats.ts';

const BROKER: BrokerTarget = { url: 'mqtt://127.0.0.1:1883', protocolVersion: 5, options: {} };
const SCOPE: BenchScope = { prefix: 'hil-bench', lab: 'bench', bench: `pid-${process.pid}` };
const BURST = 20_000;
const WARMUPS = 1;
const RUNS = 5;
/** Latency is taken below saturation: one event every PACE_MS, so it measures the path, not a queue. */
const PACED = 1_000;
const PACE_MS = 2;
const DRAIN_MS = 60_000;
/** Silence after which the subscriber has all it is going to get. */
const QUIET_MS = 500;
/** What most of a run's events are: AT transcript lines. */
const LINES: EventData['at'][] = [
  { dir: 'tx', kind: 'command', text: 'AT+CEREG?' },
  { dir: 'rx', kind: 'info', text: '+CEREG: 2,5,"1A2B","01A2B3C4",7' },
  { dir: 'rx', kind: 'final', text: 'OK' },
  { dir: 'rx', kind: 'urc', text: '+CUSATP: D02E810302400382028182350702020403051F0239020578470A036F74610573757065723C0302115C3E05210A400001' },
];

/** Subscribes to every run's events of this scope and notes when each (run, seq) first arrives. */
class Receiver {
  private readonly seen = new Map<string, Map<number, number>>();
  private lastArrival = 0;

  private constructor(private readonly client: MqttClient) {
    client.on('message', (_topic, payload) => {
      const received = (this.lastArrival = performance.now());
      const { runId, seq } = JSON.parse(payload.toString()) as RunEvent;
      const run = this.seen.get(runId) ?? new Map<number, number>();
      this.seen.set(runId, run);
      if (!run.has(seq)) run.set(seq, received); // QoS 1 may deliver twice: the first counts
    });
  }

  static async open(): Promise<Receiver> {
    const client = await mqtt.connectAsync(BROKER.url, { protocolVersion: 5, clean: true });
    await client.subscribeAsync(runTopics(SCOPE, '+').events, { qos: 1 });
    return new Receiver(client);
  }

  /** Each event's arrival time by seq, once `count` arrived or nothing more came for QUIET_MS. */
  async arrivals(runId: string, count: number): Promise<Map<number, number>> {
    const run = () => this.seen.get(runId) ?? new Map<number, number>();
    while (run().size < count && performance.now() - this.lastArrival < QUIET_MS) await new Promise((resolve) => setTimeout(resolve, 10));
    const arrived = run();
    this.seen.delete(runId);
    return arrived;
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}

/** One way of publishing a run's events: start, publish one, wait until the broker acknowledged all. */
interface Sender {
  publish(seq: number): void;
  acknowledged(): Promise<void>;
  close(): Promise<void>;
}

const line = (seq: number) => LINES[seq % LINES.length]!;
const stamp = () => ({ wall: Date.now(), rig: performance.now() });

async function outbox(runId: string, dir: string): Promise<Sender> {
  const log = await EventLog.create(dir, runId);
  const connection = new BrokerConnection({ target: BROKER, clientId: `hil-bench-${runId}`, report: progress });
  const publisher = new Publisher(connection, runTopics(SCOPE, runId), await AckCursor.load(dir, BROKER.url), progress);
  log.subscribe((event) => publisher.add(event));
  connection.start();
  await once(connection, 'up');
  return {
    publish: (seq) => void log.append('at', line(seq), stamp()),
    acknowledged: async () => {
      if (!(await publisher.drain(DRAIN_MS))) throw new Error(`outbox: ${publisher.pending} events unacknowledged`);
    },
    close: async () => {
      await log.close();
      await connection.stop();
    },
  };
}

async function direct(runId: string): Promise<Sender> {
  const client = await mqtt.connectAsync(BROKER.url, { protocolVersion: 5, clean: true, clientId: `hil-bench-${runId}` });
  const topic = runTopics(SCOPE, runId).events;
  const acks: Promise<unknown>[] = [];
  return {
    publish: (seq) => void acks.push(client.publishAsync(topic, JSON.stringify(makeEvent(runId, seq, 'at', line(seq), stamp())), { qos: 1, ...messageProperties(client) })),
    acknowledged: async () => void (await Promise.all(acks)),
    close: () => client.endAsync(),
  };
}

type Mode = 'outbox' | 'direct';
let runs = 0;

async function withSender<T>(mode: Mode, use: (sender: Sender, runId: string) => Promise<T>): Promise<T> {
  const runId = `bench-${process.pid}-${++runs}`;
  const dir = await mkdtemp(join(tmpdir(), 'hil-bench-'));
  const sender = mode === 'outbox' ? await outbox(runId, dir) : await direct(runId);
  try {
    return await use(sender, runId);
  } finally {
    await sender.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Events per second from the first publish to the broker's last acknowledgement, and how many of
 * them the subscriber got (a broker drops what a subscriber's queue cannot hold).
 */
function burst(mode: Mode, receiver: Receiver): Promise<{ rate: number; delivered: number }> {
  return withSender(mode, async (sender, runId) => {
    const started = performance.now();
    for (let seq = 1; seq <= BURST; seq++) sender.publish(seq);
    await sender.acknowledged();
    const rate = BURST / ((performance.now() - started) / 1000);
    return { rate, delivered: (await receiver.arrivals(runId, BURST)).size };
  });
}

/** Milliseconds from publish to the subscriber's receipt, for events sent one at a time. */
function paced(mode: Mode, receiver: Receiver): Promise<number[]> {
  return withSender(mode, async (sender, runId) => {
    const sent = new Map<number, number>();
    for (let seq = 1; seq <= PACED; seq++) {
      sent.set(seq, performance.now());
      sender.publish(seq);
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
    await sender.acknowledged();
    const arrivals = await receiver.arrivals(runId, PACED);
    if (arrivals.size < PACED) throw new Error(`${mode}: the subscriber got ${arrivals.size} of ${PACED} paced events`);
    return [...sent].map(([seq, at]) => arrivals.get(seq)! - at);
  });
}

async function measure() {
  const receiver = await Receiver.open();
  try {
    const rates: Record<Mode, number[]> = { outbox: [], direct: [] };
    const delivered: number[] = [];
    for (let run = -WARMUPS; run < RUNS; run++) {
      for (const mode of run % 2 === 0 ? (['outbox', 'direct'] as const) : (['direct', 'outbox'] as const)) {
        const result = await burst(mode, receiver);
        if (run < 0) continue;
        rates[mode].push(result.rate);
        if (mode === 'outbox') delivered.push(result.delivered);
      }
      progress(run < 0 ? 'warm-up' : `run ${run + 1} of ${RUNS}: outbox ${Math.round(rates.outbox.at(-1)!)}, direct ${Math.round(rates.direct.at(-1)!)} events/s`);
    }
    const latency = { outbox: await paced('outbox', receiver), direct: await paced('direct', receiver) };
    const noOutbox = 'QoS 1 publishing without the outbox';
    const events = `${BURST.toLocaleString('en-US')}-event bursts; a QoS 1 subscriber got ${Math.round(median(delivered)).toLocaleString('en-US')} of them`;
    return [
      figure({
        name: 'mqtt.outbox-events-per-s',
        value: median(rates.outbox),
        unit: 'events/s',
        reference: { name: noOutbox, value: median(rates.direct) },
        target: { on: 'value', op: '>=', limit: 10_000 },
        spread: spread(rates.outbox),
        note: events,
      }),
      ...([50, 99] as const).map((p) =>
        figure({
          name: `mqtt.outbox-latency-p${p}`,
          value: percentile(latency.outbox, p),
          unit: 'ms',
          reference: { name: noOutbox, value: percentile(latency.direct, p) },
          note: `${PACED} events, one every ${PACE_MS} ms`,
        }),
      ),
    ];
  } finally {
    await receiver.close();
  }
}

await runBenchmark(measure);
