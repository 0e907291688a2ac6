// events.jsonl and its acknowledgement cursor: on disk before anyone hears of an event, read back
// faithfully after a kill, and a cursor that only moves over an unbroken run of acknowledgements.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckCursor, CURSOR_FILE, readCursors } from '../../harness/results/ack-cursor.ts';
import { EVENTS_FILE, EventLog, readEventLog } from '../../harness/results/event-log.ts';
import { parseEvent } from '../../harness/results/events.ts';

const at = (rig: number) => ({ wall: Date.UTC(2025, 0, 1) + rig, rig });

describe('event log', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('numbers events from 1 and has each on disk before its subscribers hear of it', async () => {
    const log = await EventLog.create(dir, 'run-1');
    const onDisk: boolean[] = [];
    log.subscribe((event) => {
      // Subscribers run synchronously after the write: the line must be there already.
      const lines = readFileSync(join(dir, EVENTS_FILE), 'utf8').split('\n').filter(Boolean);
      onDisk.push(lines.at(-1) === JSON.stringify(event));
    });
    log.append('power', { on: true }, at(1000.12345));
    log.append('note', { text: 'serial port reopened' }, at(2000));
    await log.close();
    expect(onDisk).to.deep.equal([true, true]);

    const { events, truncatedTail, writerPid } = await readEventLog(dir);
    expect(events.map((e) => [e.seq, e.type, e.runId])).to.deep.equal([[1, 'power', 'run-1'], [2, 'note', 'run-1']]);
    expect(events[0]).to.include({ v: 1, wall: '2025-01-01T00:00:01.000Z', rig: 1000.123 });
    expect(truncatedTail).to.equal(false);
    expect(writerPid).to.equal(undefined);
  });

  it('names its writer while open and records nothing once closed', async () => {
    const log = await EventLog.create(dir, 'run-1');
    log.append('power', { on: true }, at(1));
    expect((await readEventLog(dir)).writerPid).to.equal(process.pid);
    await log.close();
    expect(log.append('power', { on: false }, at(2))).to.equal(undefined);
    expect((await readEventLog(dir)).events).to.have.length(1);
  });

  it('refuses a folder that already has a run', async () => {
    await (await EventLog.create(dir, 'run-1')).close();
    let error: unknown;
    await EventLog.create(dir, 'run-2').catch((e: unknown) => (error = e));
    expect((error as NodeJS.ErrnoException).code).to.equal('EEXIST');
  });

  it('leaves out a last line cut short by a kill, and says so', async () => {
    const log = await EventLog.create(dir, 'run-1');
    log.append('power', { on: true }, at(1));
    await log.close();
    await appendFile(join(dir, EVENTS_FILE), '{"v":1,"runId":"run-1","seq":2,"ty');
    const { events, truncatedTail } = await readEventLog(dir);
    expect(events).to.have.length(1);
    expect(truncatedTail).to.equal(true);
  });

  it('names the file and line of a line that is not an event, or out of sequence', async () => {
    const log = await EventLog.create(dir, 'run-1');
    log.append('power', { on: true }, at(1));
    log.append('power', { on: false }, at(2));
    await log.close();
    const [first, second] = (await readFile(join(dir, EVENTS_FILE), 'utf8')).split('\n');
    await writeFile(join(dir, EVENTS_FILE), `${first}\n{"v":2}\n`);
    expect(await message(readEventLog(dir))).to.match(new RegExp(`^${join(dir, EVENTS_FILE)}:2: not a version 1 event: v: `));
    await writeFile(join(dir, EVENTS_FILE), `${second}\n`);
    expect(await message(readEventLog(dir))).to.equal(`${join(dir, EVENTS_FILE)}:1: expected event 1 of run run-1, got event 2 of run run-1`);
  });
});

describe('event JSON', () => {
  it('rejects what is not a version 1 event, saying why', () => {
    expect(() => parseEvent('nope')).to.throw('not JSON');
    expect(() => parseEvent('{"v":1,"runId":"r","seq":0,"type":"power","wall":"2025-01-01T00:00:00.000Z","rig":0,"data":{}}')).to.throw(/seq/);
    expect(() => parseEvent('{"v":1,"runId":"r","seq":1,"type":"party","wall":"2025-01-01T00:00:00.000Z","rig":0,"data":{}}')).to.throw(/type/);
  });
});

describe('acknowledgement cursor', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-cursor-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('moves only over an unbroken run of acknowledgements, whatever their order', async () => {
    const cursor = await AckCursor.load(dir, 'mqtt://a:1883');
    for (const seq of [2, 3, 5]) cursor.ack(seq);
    expect(cursor.acked).to.equal(0);
    cursor.ack(1);
    expect(cursor.acked).to.equal(3);
    cursor.ack(4);
    expect(cursor.acked).to.equal(5);
    cursor.ack(2); // a duplicate acknowledgement changes nothing
    await cursor.save();
    expect(await readCursors(dir)).to.deep.equal({ 'mqtt://a:1883': 5 });
  });

  it('keeps each broker apart', async () => {
    const a = await AckCursor.load(dir, 'mqtt://a:1883');
    a.ack(1);
    await a.save();
    const b = await AckCursor.load(dir, 'mqtts://b:8883');
    await b.save();
    expect(b.acked).to.equal(0);
    expect(await readCursors(dir)).to.deep.equal({ 'mqtt://a:1883': 1, 'mqtts://b:8883': 0 });
  });

  it('names the file when it is not a cursor', async () => {
    await writeFile(join(dir, CURSOR_FILE), '[1, 2]');
    expect(await message(AckCursor.load(dir, 'x'))).to.equal(`${join(dir, CURSOR_FILE)}: expected a map of broker to acknowledged sequence number`);
  });
});

async function message(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}
