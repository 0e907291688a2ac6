// A finished (or killed) run's report folder seen from a broker: which of its events that broker
// never acknowledged, and where they go. Used by `hil publish` and by `hil run` for earlier runs.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AckCursor, readCursors } from './ack-cursor.ts';
import type { BrokerConnection } from './connection.ts';
import { EVENTS_FILE, readEventLog } from './event-log.ts';
import type { RunEvent } from './events.ts';
import { Publisher } from './publisher.ts';
import { runTopics } from './topics.ts';

export interface StoredRun {
  dir: string;
  runId: string;
  lab: string;
  bench: string;
  /** Events recorded in all. */
  total: number;
  /** The events the broker has not acknowledged, in order. */
  unacked: RunEvent[];
  cursor: AckCursor;
  /** The last line was cut short by a kill and cannot be sent. */
  truncatedTail: boolean;
}

/** The report folder belongs to a run still under way, which publishes its own events. */
export class RunInProgressError extends Error {}

/** Reads a report folder's events for `broker` (a BrokerTarget url); throws if a live run is still writing it. */
export async function loadStoredRun(dir: string, broker: string): Promise<StoredRun> {
  const log = await readEventLog(dir);
  if (log.writerPid !== undefined) throw new RunInProgressError(`${dir} belongs to a run still under way (process ${log.writerPid}); it publishes its own events`);
  const first = log.events[0];
  if (!first) throw new Error(`${join(dir, EVENTS_FILE)} has no events`);
  if (first.type !== 'run.started') throw new Error(`${join(dir, EVENTS_FILE)}:1: expected a run.started event, got ${first.type}`);
  const cursor = await AckCursor.load(dir, broker);
  return {
    dir,
    runId: first.runId,
    lab: first.data.lab,
    bench: first.data.bench,
    total: log.events.length,
    unacked: log.events.filter((e) => e.seq > cursor.acked),
    cursor,
    truncatedTail: log.truncatedTail,
  };
}

/** Starts sending a stored run's unacknowledged events over `connection`. */
export function resend(run: StoredRun, connection: BrokerConnection, prefix: string, report: (text: string) => void): Publisher {
  const publisher = new Publisher(connection, runTopics({ prefix, lab: run.lab, bench: run.bench }, run.runId), run.cursor, report);
  for (const event of run.unacked) publisher.add(event);
  return publisher;
}

/**
 * The runs in the report folders directly under `root` that were meant for `broker` (their cursor
 * names it) and that it has not fully acknowledged. Folders that cannot be read are reported and skipped.
 */
export async function findUnsentRuns(root: string, broker: string, exclude: string, report: (text: string) => void): Promise<StoredRun[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const runs: StoredRun[] = [];
  for (const name of names.sort()) {
    const dir = join(root, name);
    if (resolve(dir) === resolve(exclude)) continue;
    try {
      if (!(await stat(join(dir, EVENTS_FILE)).catch(() => undefined))?.isFile()) continue;
      if ((await readCursors(dir))[broker] === undefined) continue;
      const run = await loadStoredRun(dir, broker);
      if (run.unacked.length > 0) runs.push(run);
    } catch (error) {
      if (error instanceof RunInProgressError) continue;
      report(`skipping ${dir}: ${(error as Error).message}`);
    }
  }
  return runs;
}
