// What a subscriber takes from the broker as a sim-ota-hil message: an event whose `data` fits its
// type (events.ts), or a bench status. Anything may be published on a topic, retained messages
// included, so each message is checked whole before anything reads it.
import { z } from 'zod';
import type { RunSummary } from '../record/index.ts';
import { SCHEMA_VERSION, parseEvent, parseJson, type EventData, type EventType, type RunEvent } from './events.ts';
import type { BenchStatus } from './status.ts';

/**
 * A status word (test status, verdict, run status, AT direction): any string, typed as the words this
 * version knows, so that a word a newer harness adds is still shown rather than the event dropped.
 */
function word<T extends string>() {
  return z.custom<T>((value) => typeof value === 'string', { message: 'expected a string' });
}

const text = z.string();
const rigMs = z.number();
const testStatus = word<EventData['step']['status']>();

const otaSession = z.object({
  index: z.int().nonnegative(),
  apn: text.nullable(),
  cid: z.int().nullable(),
  requestedAt: rigMs.nullable(),
  openedAt: rigMs,
  closedAt: rigMs.nullable(),
  exchangedData: z.boolean(),
  seen: z.array(text).optional(),
});

const DATA = {
  'run.started': z.object({
    lab: text,
    bench: text,
    rig: z.object({ name: text, file: text, timeScale: z.number(), serial: text, power: text, module: text, faults: z.array(text) }),
    suites: z.array(z.object({ id: text, title: text, tags: z.array(text) })),
    transcriptEvents: z.boolean(),
  }),
  'module.identified': z.object({
    manufacturer: text.optional(),
    model: text.optional(),
    firmware: text.optional(),
    imei: text.optional(),
    iccid: text.optional(),
    imsi: text.optional(),
  }),
  'suite.started': z.object({ suiteId: text, title: text }),
  step: z.object({ suiteId: text, title: text, status: testStatus, error: text.optional(), startedAt: rigMs, endedAt: rigMs }),
  measurement: z.object({
    suiteId: text,
    name: text,
    description: text,
    value: z.number(),
    unit: text,
    min: z.number().optional(),
    max: z.number().optional(),
    marginal: z.number().optional(),
    uncertainty: z.number().optional(),
    verdict: word<EventData['measurement']['verdict']>(),
  }),
  'suite.ended': z.object({ suiteId: text, status: testStatus, error: text.optional(), startedAt: rigMs, endedAt: rigMs, durationMs: rigMs }),
  'ota.opened': otaSession,
  'ota.closed': otaSession,
  'ota.refused': otaSession,
  power: z.object({ on: z.boolean() }),
  note: z.object({ text }),
  at: z.object({ dir: word<EventData['at']['dir']>(), kind: word<EventData['at']['kind']>(), text, note: text.optional() }),
  'run.ended': z.object({
    status: word<RunSummary['status']>(),
    abortReason: text.optional(),
    totals: z.object({ passed: z.int().nonnegative(), failed: z.int().nonnegative(), broken: z.int().nonnegative(), skipped: z.int().nonnegative() }),
    tests: z.array(z.object({ suiteId: text, status: testStatus, error: text.optional() })),
  }),
} satisfies { [K in EventType]: z.ZodType<EventData[K]> };

const statusSchema = z.object({
  v: z.literal(SCHEMA_VERSION),
  state: word<BenchStatus['state']>(),
  runId: text.optional(),
  suite: text.optional(),
  wall: z.iso.datetime().optional(),
}) satisfies z.ZodType<BenchStatus>;

function problem(issues: readonly z.core.$ZodIssue[], what: string, under: string[] = []): string {
  const issue = issues[0]!;
  return `${what}: ${[...under, ...issue.path.map(String)].join('.') || 'value'}: ${issue.message}`;
}

/** Reads one event from its JSON text, `data` included; throws an Error saying what does not fit. */
export function parseRunEvent(text: string): RunEvent {
  const event = parseEvent(text);
  const data = DATA[event.type].safeParse(event.data);
  if (!data.success) throw new Error(problem(data.error.issues, `not a version ${SCHEMA_VERSION} ${event.type} event`, ['data']));
  return { ...event, data: data.data } as RunEvent;
}

/** Reads a bench status from its JSON text; throws an Error saying what does not fit. */
export function parseBenchStatus(text: string): BenchStatus {
  const status = statusSchema.safeParse(parseJson(text));
  if (!status.success) throw new Error(problem(status.error.issues, `not a version ${SCHEMA_VERSION} bench status`));
  return status.data;
}
