// What the dashboard knows of the lab, from the broker's messages: each bench's presence (the agent's
// retained message) and status, and its run under way or last run, with its current suite and step
// and the figures measured so far. Every message is checked against its schema first; what does not
// fit is counted and skipped. Runs in the browser (bundled into dashboard.js) and in tests alike.
import { agentPresenceSchema, type AgentPresence } from '../lab/presence.ts';
import { parseBenchStatus, parseRunEvent } from '../results/event-schema.ts';
import { parseJson, type EventData, type RunEvent } from '../results/events.ts';
import type { BenchStatus } from '../results/status.ts';
import { parseTopic } from '../results/topics.ts';

export type BenchState = 'idle' | 'busy' | 'unhealthy' | 'offline';

export interface RunView {
  runId: string;
  /** Wall time of the first message heard of the run: a later run of the bench replaces it. */
  since: string;
  suites: string[];
  suite?: string;
  step?: Pick<EventData['step'], 'title' | 'status' | 'error'>;
  figures: Omit<EventData['measurement'], 'description'>[];
  module?: string;
  ended?: EventData['run.ended'];
  seen: Set<number>;
}

export interface BenchView {
  lab: string;
  bench: string;
  presence?: AgentPresence;
  status?: BenchStatus;
  run?: RunView;
}

/** Offline once the agent (or, without an agent, the run's status) says so; busy while a run is under way. */
export function benchState(b: Pick<BenchView, 'presence' | 'status'>): BenchState {
  const agent = b.presence?.state;
  if (agent === 'offline' || (agent === undefined && b.status?.state === 'offline')) return 'offline';
  if (agent === 'unhealthy') return 'unhealthy';
  return agent === 'busy' || b.status?.state === 'running' ? 'busy' : 'idle';
}

export class DashboardState {
  readonly benches = new Map<string, BenchView>();
  /** Messages that fitted no schema. */
  skipped = 0;

  constructor(private readonly prefix: string) {}

  private benchOf(lab: string, bench: string): BenchView {
    const id = `${lab}/${bench}`;
    const view = this.benches.get(id) ?? { lab, bench };
    this.benches.set(id, view);
    return view;
  }

  /** Takes one message; true where what is shown changed (a message that fits no schema adds to `skipped`). */
  message(topic: string, payload: string): boolean {
    try {
      return this.take(topic, payload);
    } catch {
      this.skipped += 1;
      return true;
    }
  }

  private take(topic: string, payload: string): boolean {
    const agent = this.agentTopic(topic);
    if (agent) {
      const presence = agentPresenceSchema.parse(parseJson(payload));
      this.benchOf(agent.lab, agent.bench).presence = presence;
      return true;
    }
    const parsed = parseTopic(this.prefix, topic);
    if (!parsed) return false;
    // Checked before the bench is looked up: a message that fits no schema adds no bench.
    if (parsed.kind === 'status') {
      const status = parseBenchStatus(payload);
      const bench = this.benchOf(parsed.lab, parsed.bench);
      bench.status = status;
      const run = status.runId && status.state === 'running' ? this.runOf(bench, status.runId, status.wall ?? new Date().toISOString(), false) : undefined;
      if (run && status.suite) run.suite = status.suite;
      return true;
    }
    const event = parseRunEvent(payload);
    const run = this.runOf(this.benchOf(parsed.lab, parsed.bench), event.runId, event.wall, event.type === 'run.started');
    if (!run || run.seen.has(event.seq)) return false;
    run.seen.add(event.seq);
    apply(run, event);
    return true;
  }

  private agentTopic(topic: string): { lab: string; bench: string } | undefined {
    if (!topic.startsWith(`${this.prefix}/`)) return undefined;
    const [lab, bench, kind, ...rest] = topic.slice(this.prefix.length + 1).split('/');
    return lab && bench && kind === 'agent' && rest.length === 0 ? { lab, bench } : undefined;
  }

  /** The bench's run `runId`, started afresh where it is newer than the one shown; undefined for an older run's message. */
  private runOf(bench: BenchView, runId: string, wall: string, starts: boolean): RunView | undefined {
    if (bench.run?.runId === runId) return bench.run;
    if (bench.run && !starts && wall < bench.run.since) return undefined;
    bench.run = { runId, since: wall, suites: [], figures: [], seen: new Set() };
    return bench.run;
  }
}

function apply(run: RunView, event: RunEvent): void {
  switch (event.type) {
    case 'run.started':
      run.suites = event.data.suites.map((s) => s.id);
      break;
    case 'module.identified':
      run.module = [event.data.manufacturer, event.data.model, event.data.firmware].filter(Boolean).join(' ');
      break;
    case 'suite.started':
      run.suite = event.data.suiteId;
      break;
    case 'step': {
      const { title, status, error } = event.data;
      run.step = { title, status, ...(error ? { error } : {}) };
      break;
    }
    case 'measurement': {
      const { description: _, ...figure } = event.data;
      run.figures = [...run.figures.filter((f) => !(f.suiteId === figure.suiteId && f.name === figure.name)), figure];
      break;
    }
    case 'run.ended':
      run.ended = event.data;
      break;
    default:
  }
}
