// The outbox against a real Mosquitto: the stream in order, a broker that goes away mid-stream or is
// away from the start, and a broker that only speaks MQTT 3.1.1.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckCursor, readCursors } from '../../harness/results/ack-cursor.ts';
import type { BrokerTarget } from '../../harness/results/broker.ts';
import { BrokerConnection } from '../../harness/results/connection.ts';
import { startEmbeddedBroker } from '../../harness/results/embedded-broker.ts';
import { EventLog } from '../../harness/results/event-log.ts';
import { Publisher } from '../../harness/results/publisher.ts';
import { runTopics } from '../../harness/results/topics.ts';
import { Mosquitto } from './mosquitto.ts';
import { Subscriber } from './subscriber.ts';
import { TcpProxy } from './tcp-proxy.ts';

const SCOPE = { prefix: 'hil', lab: 'lab-1', bench: 'bench-7' };

/** An event log whose events go to `target`, wired as `hil run` wires it. */
async function outbox(dir: string, runId: string, target: BrokerTarget) {
  const log = await EventLog.create(dir, runId);
  const cursor = await AckCursor.load(dir, target.url);
  const reports: string[] = [];
  const connection = new BrokerConnection({ target, clientId: `test-${runId}`, report: (text) => reports.push(text) });
  const publisher = new Publisher(connection, runTopics(SCOPE, runId), cursor, (text) => reports.push(text));
  log.subscribe((event) => publisher.add(event));
  connection.start();
  let rig = 0;
  return {
    reports,
    publisher,
    cursor,
    append: (count: number) => {
      for (let i = 0; i < count; i++) log.append('note', { text: `event ${i}` }, { wall: Date.now(), rig: (rig += 10) });
    },
    close: async () => {
      await log.close();
      await connection.stop();
    },
  };
}

const seqs = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('publishing to Mosquitto', function () {
  this.timeout(30_000);
  let dir: string;
  let broker: Mosquitto;
  let subscriber: Subscriber | undefined;
  let stream: Awaited<ReturnType<typeof outbox>> | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-publish-'));
    broker = await Mosquitto.start();
  });
  afterEach(async () => {
    await stream?.close();
    await subscriber?.close();
    stream = subscriber = undefined;
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const target = (): BrokerTarget => ({ url: broker.url, protocolVersion: 5, options: {} });

  it('delivers the whole stream in order, once each, as MQTT 5 JSON, and records the acknowledgements', async () => {
    subscriber = await Subscriber.connect(broker.url, [runTopics(SCOPE, 'r1').events]);
    stream = await outbox(dir, 'r1', target());
    stream.append(300); // a burst, several times the in-flight window
    expect(await stream.publisher.drain(20_000)).to.equal(true);
    await subscriber.waitFor('300 events', () => subscriber!.received.length >= 300);
    expect(subscriber.events().map((e) => e.seq)).to.deep.equal(seqs(300));
    expect(subscriber.received[0]!.properties).to.deep.include({ contentType: 'application/json', payloadFormatIndicator: true, userProperties: { 'schema-version': '1' } });
    await stream.cursor.save();
    expect(await readCursors(dir)).to.deep.equal({ [broker.url]: 300 });
    expect(stream.reports).to.deep.equal([]);
  });

  it('loses nothing when the broker stops and starts again mid-stream', async () => {
    subscriber = await Subscriber.connect(broker.url, [runTopics(SCOPE, 'r2').events]);
    stream = await outbox(dir, 'r2', target());
    const s = stream;
    let appended = 0;
    const ticker = setInterval(() => {
      s.append(1);
      appended++;
    }, 5);
    try {
      await subscriber.waitFor('the first 50 events', () => subscriber!.received.length >= 50);
      await broker.pause();
      const atPause = appended;
      await subscriber.waitFor('50 more events recorded while the broker is away', () => appended >= atPause + 50);
      expect(s.publisher.pending).to.be.greaterThan(0);
      await broker.resume();
      await subscriber.waitFor('the stream to go on', () => appended >= atPause + 150);
    } finally {
      clearInterval(ticker);
    }
    expect(await s.publisher.drain(20_000)).to.equal(true);
    await subscriber.waitFor(`all ${appended} events`, () => subscriber!.deduplicated('r2').length >= appended);
    expect(subscriber.deduplicated('r2').map((e) => e.seq).sort((a, b) => a - b)).to.deep.equal(seqs(appended));
    expect(s.reports.some((r) => r.startsWith(`lost the connection to ${broker.url}`))).to.equal(true);
  });

  it('sends again what was unacknowledged when the connection dropped; the subscriber deduplicates', async () => {
    const proxy = await TcpProxy.start(broker.port);
    try {
      subscriber = await Subscriber.connect(broker.url, [runTopics(SCOPE, 'r5').events]);
      stream = await outbox(dir, 'r5', { url: proxy.url, protocolVersion: 5, options: {} });
      stream.append(10);
      expect(await stream.publisher.drain(10_000)).to.equal(true);
      proxy.holdReplies();
      stream.append(20);
      // The broker has them all, but its acknowledgements of the last 20 are held back.
      await subscriber.waitFor('30 events', () => subscriber!.received.length >= 30);
      expect(stream.publisher.pending).to.equal(20);
      proxy.cut();
      expect(await stream.publisher.drain(20_000)).to.equal(true);
      await subscriber.waitFor('the 20 sent again', () => subscriber!.received.length >= 50);
      expect(subscriber.events().map((e) => e.seq)).to.deep.equal([...seqs(30), ...seqs(30).slice(10)]);
      expect(subscriber.deduplicated('r5').map((e) => e.seq)).to.deep.equal(seqs(30));
      await stream.cursor.save();
      expect(await readCursors(dir)).to.deep.equal({ [proxy.url]: 30 });
    } finally {
      await proxy.close();
    }
  });

  it('keeps events while the broker is away from the start and sends them when it comes', async () => {
    await broker.pause();
    stream = await outbox(dir, 'r3', target());
    stream.append(20);
    expect(await stream.publisher.drain(300)).to.equal(false);
    expect(stream.reports[0]).to.match(new RegExp(`^no connection to ${broker.url} \\(connect ECONNREFUSED .*\\); retrying every 1 s$`));
    await broker.resume();
    subscriber = await Subscriber.connect(broker.url, [runTopics(SCOPE, 'r3').events]);
    expect(await stream.publisher.drain(20_000)).to.equal(true);
    await subscriber.waitFor('20 events', () => subscriber!.received.length >= 20);
    expect(subscriber.events().map((e) => e.seq)).to.deep.equal(seqs(20));
  });
});

describe('publishing to an MQTT 3.1.1 broker', () => {
  it('falls back from MQTT 5 and delivers, without MQTT 5 properties', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hil-publish-'));
    const embedded = await startEmbeddedBroker(0);
    const subscriber = await Subscriber.connect(embedded.target.url, [runTopics(SCOPE, 'r4').events], { protocolVersion: 4, clean: true, properties: {} });
    const stream = await outbox(dir, 'r4', { ...embedded.target, protocolVersion: 5 });
    try {
      stream.append(10);
      expect(await stream.publisher.drain(10_000)).to.equal(true);
      await subscriber.waitFor('10 events', () => subscriber.received.length >= 10);
      expect(subscriber.events().map((e) => e.seq)).to.deep.equal(seqs(10));
      expect(stream.reports).to.deep.equal([]);
    } finally {
      await stream.close();
      await subscriber.close();
      await embedded.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
