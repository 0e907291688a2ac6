// The results event model, schema version 1: every event of a run as one JSON object, in the order it
// was recorded. The same JSON is a line of events.jsonl and the payload of an MQTT message, so a
// subscriber can deduplicate resent events by run id + sequence number.
import { z } from 'zod';
import type { Direction, EntryKind } from '../at/index.ts';
import type { MeasuredValue, ModuleIdentity, RunSummary, TestStatus } from '../record/index.ts';

export const SCHEMA_VERSION = 1 as const;
export const CONTENT_TYPE = 'application/json';

export interface OtaSessionData {
  index: number;
  apn: string | null;
  cid: number | null;
  /** Rig times (ms); null when the module did not show that moment. */
  requestedAt: number | null;
  openedAt: number;
  closedAt: number | null;
  exchangedData: boolean;
  /** What the module showed of the session: pdn-event, bip-event, toolkit-notification, proactive-command, context-poll. */
  seen?: string[];
}

/** What each event type carries in `data`. Rig times are milliseconds since the rig clock started. */
export interface EventData {
  'run.started': {
    lab: string;
    bench: string;
    rig: RunSummary['rig'];
    suites: { id: string; title: string; tags: string[] }[];
    /** Whether AT transcript lines are published as `at` events. */
    transcriptEvents: boolean;
  };
  'module.identified': ModuleIdentity;
  'suite.started': { suiteId: string; title: string };
  step: { suiteId: string; title: string; status: TestStatus; error?: string; startedAt: number; endedAt: number };
  measurement: { suiteId: string } & MeasuredValue;
  'suite.ended': { suiteId: string; status: TestStatus; error?: string; startedAt: number; endedAt: number; durationMs: number };
  'ota.opened': OtaSessionData;
  'ota.closed': OtaSessionData;
  'ota.refused': OtaSessionData;
  power: { on: boolean };
  note: { text: string };
  at: { dir: Direction; kind: EntryKind; text: string; note?: string };
  'run.ended': {
    status: RunSummary['status'];
    abortReason?: string;
    totals: RunSummary['totals'];
    tests: { suiteId: string; status: TestStatus; error?: string }[];
  };
}

export type EventType = keyof EventData;

export const EVENT_TYPES = [
  'run.started', 'module.identified', 'suite.started', 'step', 'measurement', 'suite.ended',
  'ota.opened', 'ota.closed', 'ota.refused', 'power', 'note', 'at', 'run.ended',
] as const satisfies readonly EventType[];

export type RunEvent<T extends EventType = EventType> = {
  [K in T]: {
    v: typeof SCHEMA_VERSION;
    runId: string;
    /** 1, 2, 3, ... in the order the events were recorded; no gaps. */
    seq: number;
    type: K;
    /** Wall-clock time, ISO 8601 UTC with milliseconds. */
    wall: string;
    /** Rig time in milliseconds. */
    rig: number;
    data: EventData[K];
  };
}[T];

/** When an event happened, on both clocks. */
export interface Stamp {
  /** Epoch milliseconds. */
  wall: number;
  /** Rig milliseconds. */
  rig: number;
}

/** Rig milliseconds to the microsecond: enough, and readable. */
export function rigMs(value: number): number {
  return Number(value.toFixed(3));
}

export function makeEvent<T extends EventType>(runId: string, seq: number, type: T, data: EventData[T], at: Stamp): RunEvent<T> {
  return { v: SCHEMA_VERSION, runId, seq, type, wall: new Date(at.wall).toISOString(), rig: rigMs(at.rig), data } as RunEvent<T>;
}

// The envelope is checked; `data` is trusted to match `type` (it was written by this schema version).
const envelopeSchema = z.object({
  v: z.literal(SCHEMA_VERSION),
  runId: z.string().min(1),
  seq: z.int().positive(),
  type: z.enum(EVENT_TYPES),
  wall: z.iso.datetime(),
  rig: z.number(),
  data: z.record(z.string(), z.unknown()),
});

/** Parses JSON text; throws an Error saying "not JSON" for anything else. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
}

/** Reads one event from its JSON text; throws an Error saying what is wrong. */
export function parseEvent(text: string): RunEvent {
  const value = parseJson(text);
  const result = envelopeSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`not a version ${SCHEMA_VERSION} event: ${issue.path.join('.') || 'event'}: ${issue.message}`);
  }
  return result.data as RunEvent;
}
