// events.jsonl: the append-only record of a run's events, one JSON event a line, written before any
// event is published. Each line is one synchronous write, so a crash or kill of the harness loses no
// event that was recorded (a power cut of the host may lose what the OS had not yet flushed).
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportWriteFailure } from '../report/write-failure.ts';
import { REDACTED, redaction } from '../output/redaction.ts';
import { makeEvent, parseEvent, type EventData, type EventType, type RunEvent, type Stamp } from './events.ts';

export const EVENTS_FILE = 'events.jsonl';
/** Holds the pid of the process writing the log while it is open. */
const WRITER_FILE = 'events.writer';

export class EventLog {
  private seq = 0;
  private readonly listeners = new Set<(event: RunEvent) => void>();

  private constructor(readonly dir: string, readonly runId: string, private fd: number | undefined) {}

  /** Starts the log of a new run in `dir`; fails if the folder already has one. */
  static async create(dir: string, runId: string): Promise<EventLog> {
    const fd = openSync(join(dir, EVENTS_FILE), 'wx');
    await writeFile(join(dir, WRITER_FILE), `${process.pid}\n`);
    return new EventLog(dir, runId, fd);
  }

  /**
   * Records an event, secrets redacted: on disk first, then to the subscribers. Ignored once the log
   * is closed. A failed write closes the log and is reported (write-failure.ts), never thrown at
   * whoever reported the event.
   */
  append<T extends EventType>(type: T, data: EventData[T], at: Stamp): RunEvent<T> | undefined {
    if (this.fd === undefined) return undefined;
    let event = makeEvent(this.runId, this.seq + 1, type, data, at);
    const line = redaction.json(JSON.stringify(event));
    try {
      writeSync(this.fd, `${line}\n`);
    } catch (error) {
      closeSync(this.fd);
      this.fd = undefined;
      reportWriteFailure(join(this.dir, EVENTS_FILE), error as Error);
      return undefined;
    }
    this.seq++;
    if (line.includes(REDACTED)) event = JSON.parse(line) as RunEvent<T>;
    for (const listener of this.listeners) listener(event as RunEvent);
    return event;
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.listeners.clear();
    await rm(join(this.dir, WRITER_FILE), { force: true });
  }
}

export interface LogContents {
  events: RunEvent[];
  /** The last line was cut short (the writer was killed mid-line) and is left out. */
  truncatedTail: boolean;
  /** The pid of a live process still writing this log. */
  writerPid: number | undefined;
}

/** Reads a run's events.jsonl; throws naming the file and line of anything that is not an event. */
export async function readEventLog(dir: string): Promise<LogContents> {
  const path = join(dir, EVENTS_FILE);
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop()!; // '' when the file ends with a newline
  const events = lines.map((line, i) => {
    try {
      return parseEvent(line);
    } catch (error) {
      throw new Error(`${path}:${i + 1}: ${(error as Error).message}`);
    }
  });
  events.forEach((event, i) => {
    if (event.seq !== i + 1 || event.runId !== events[0]!.runId) {
      throw new Error(`${path}:${i + 1}: expected event ${i + 1} of run ${events[0]!.runId}, got event ${event.seq} of run ${event.runId}`);
    }
  });
  return { events, truncatedTail: tail !== '', writerPid: await liveWriter(dir) };
}

async function liveWriter(dir: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(join(dir, WRITER_FILE), 'utf8')).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
