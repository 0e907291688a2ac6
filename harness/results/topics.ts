// The MQTT topic layout:
//   <prefix>/<lab>/<bench>/status                   retained bench status (idle / running / offline)
//   <prefix>/<lab>/<bench>/runs/<run-id>/events     every event of the run, QoS 1
//   <prefix>/<lab>/<bench>/runs/<run-id>/summary    the run.ended event, retained

export interface BenchScope {
  /** One or more topic levels, e.g. `hil` or `acme/hil`. */
  prefix: string;
  lab: string;
  bench: string;
}

export interface RunTopics {
  events: string;
  summary: string;
}

/** Throws unless `value` is usable as one topic level (or, for a prefix, several). */
export function checkTopicName(what: string, value: string, levels: 'one' | 'several' = 'one'): string {
  const problem = value === '' ? 'it is empty'
    : /[+#\0]/.test(value) ? 'it contains +, # or a NUL (MQTT wildcards)'
    : levels === 'one' && value.includes('/') ? 'it contains /'
    : value.split('/').includes('') ? 'it has an empty level (a leading, trailing or doubled /)'
    : undefined;
  if (problem) throw new Error(`${what} "${value}" cannot be used in an MQTT topic: ${problem}`);
  return value;
}

function benchBase(scope: BenchScope): string {
  return `${scope.prefix}/${scope.lab}/${scope.bench}`;
}

export function statusTopic(scope: BenchScope): string {
  return `${benchBase(scope)}/status`;
}

export function runTopics(scope: BenchScope, runId: string): RunTopics {
  const run = `${benchBase(scope)}/runs/${runId}`;
  return { events: `${run}/events`, summary: `${run}/summary` };
}

/** Subscriptions that see every bench of `lab` (or of every lab), or just `bench`. */
export function watchFilters(prefix: string, lab = '+', bench = '+'): string[] {
  const base = `${prefix}/${lab}/${bench}`;
  return [`${base}/status`, `${base}/runs/+/events`, `${base}/runs/+/summary`];
}

export type TopicKind = { kind: 'status' } | { kind: 'events' | 'summary'; runId: string };

/** Reads a topic of this layout back into its bench and kind; undefined for any other topic. */
export function parseTopic(prefix: string, topic: string): (TopicKind & { lab: string; bench: string }) | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  const levels = topic.slice(prefix.length + 1).split('/');
  const [lab, bench, a, runId, b] = levels;
  if (!lab || !bench) return undefined;
  if (levels.length === 3 && a === 'status') return { lab, bench, kind: 'status' };
  if (levels.length === 5 && a === 'runs' && runId && (b === 'events' || b === 'summary')) return { lab, bench, kind: b, runId };
  return undefined;
}
