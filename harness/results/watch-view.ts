// What `hil watch` shows: one line per event of every run it hears, prefixed with the time and the
// bench, each event once however often the broker delivers it, and bench status changes. Every
// message is checked against the event schema first: what does not fit is skipped and counted, and
// every line is stripped of escape sequences and control characters.
import { printable } from '../output/printable.ts';
import { describeLimits } from '../suite/measurements.ts';
import { parseBenchStatus, parseRunEvent } from './event-schema.ts';
import type { RunEvent } from './events.ts';
import type { BenchStatus } from './status.ts';
import { parseTopic } from './topics.ts';

/** Wall ms between two lines about skipped messages. */
export const SKIPPED_EVERY_MS = 60_000;

function seconds(rigMs: number): string {
  return `${(rigMs / 1000).toFixed(1)} s`;
}

function mark(status: string): string {
  return status === 'passed' ? '✓' : status === 'skipped' ? '-' : '✗';
}

export function describeEvent(event: RunEvent): string {
  switch (event.type) {
    case 'run.started': {
      const { rig, suites } = event.data;
      const where = rig.serial === 'virtual' ? 'virtual module' : rig.serial;
      return `run ${event.runId} started on rig "${rig.name}" (${where}, time scale ${rig.timeScale}): ${suites.map((s) => s.id).join(', ')}`;
    }
    case 'module.identified': {
      const m = event.data;
      return `module: ${[m.manufacturer, m.model, m.firmware].filter(Boolean).join(' ') || 'unknown'}; IMEI ${m.imei ?? '?'}, ICCID ${m.iccid ?? '?'}, IMSI ${m.imsi ?? '?'}`;
    }
    case 'suite.started':
      return `▶ ${event.data.suiteId} — ${event.data.title}`;
    case 'step': {
      const s = event.data;
      return `  ${mark(s.status)} ${s.title} (${seconds(s.endedAt - s.startedAt)} rig)${s.error ? ` — ${s.error}` : ''}`;
    }
    case 'measurement': {
      const m = event.data;
      return `    ${m.name} = ${m.value}${m.uncertainty ? ` ± ${m.uncertainty}` : ''} ${m.unit}  [${describeLimits(m)}]  ${m.verdict.toUpperCase()}`;
    }
    case 'suite.ended': {
      const s = event.data;
      return `${mark(s.status)} ${s.suiteId}: ${s.status} after ${seconds(s.durationMs)} rig${s.error ? ` — ${s.error}` : ''}`;
    }
    case 'ota.opened':
      return `  OTA session #${event.data.index} opened on ${event.data.apn ?? 'an unknown APN'} at ${seconds(event.data.openedAt)} rig`;
    case 'ota.closed': {
      const s = event.data;
      const length = s.closedAt === null ? 'when the power went' : `after ${seconds(s.closedAt - s.openedAt)}`;
      return `  OTA session #${s.index} closed ${length}${s.exchangedData ? ' (data exchanged)' : ''}`;
    }
    case 'ota.refused':
      return `  OTA session on ${event.data.apn ?? 'an unknown APN'} refused by the module at ${seconds(event.data.openedAt)} rig`;
    case 'power':
      return `  power ${event.data.on ? 'on' : 'off'} at ${seconds(event.rig)} rig`;
    case 'note':
      return `  note: ${event.data.text}`;
    case 'at':
      return `  AT ${event.data.dir} ${event.data.text}`;
    case 'run.ended': {
      const { status, abortReason, totals: t } = event.data;
      const counts = `${t.passed} passed, ${t.failed + t.broken} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
      return `run ${event.runId} ${status}${abortReason ? ` (${abortReason})` : ''}: ${counts}`;
    }
  }
}

export function describeStatus(status: BenchStatus): string {
  switch (status.state) {
    case 'idle':
      return 'bench idle';
    case 'running':
      return `bench running run ${status.runId}${status.suite ? `, suite ${status.suite}` : ''}`;
    case 'offline':
      return 'bench offline (the harness went away without saying goodbye)';
  }
}

function clockTime(wall: string | undefined): string {
  const at = wall ? new Date(wall) : new Date();
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export class WatchView {
  /** Sequence numbers seen, by run id. */
  private readonly seen = new Map<string, Set<number>>();
  /** The last status line shown, by bench. */
  private readonly statuses = new Map<string, string>();
  private skipped = 0;
  private skippedSaidAt: number | undefined;

  constructor(
    private readonly prefix: string,
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** One MQTT message from the watch subscriptions. */
  message(topic: string, payload: Buffer): void {
    const where = parseTopic(this.prefix, topic);
    if (!where) return;
    const bench = `${where.lab}/${where.bench}`;
    const text = payload.toString('utf8');
    if (where.kind === 'status') {
      if (text === '') return; // a cleared retained status
      let status: BenchStatus;
      try {
        status = parseBenchStatus(text);
      } catch (error) {
        return this.skip(topic, error as Error);
      }
      const line = describeStatus(status);
      if (this.statuses.get(bench) === line) return;
      this.statuses.set(bench, line);
      return this.show(status.wall, bench, line);
    }
    let event: RunEvent;
    try {
      event = parseRunEvent(text);
    } catch (error) {
      return this.skip(topic, error as Error);
    }
    const seen = this.seen.get(event.runId) ?? new Set<number>();
    this.seen.set(event.runId, seen);
    if (seen.has(event.seq)) return;
    seen.add(event.seq);
    this.show(event.wall, bench, describeEvent(event));
  }

  private show(wall: string | undefined, bench: string, line: string): void {
    this.write(printable(`${clockTime(wall)} [${bench}] ${line}`));
  }

  /** Counts a message that is no sim-ota-hil message; says so at the first and then once in a while. */
  private skip(topic: string, error: Error): void {
    this.skipped++;
    const now = this.now();
    if (this.skippedSaidAt !== undefined && now - this.skippedSaidAt < SKIPPED_EVERY_MS) return;
    this.skippedSaidAt = now;
    const count = this.skipped === 1 ? '1 message that is not a sim-ota-hil event' : `${this.skipped} messages that are not sim-ota-hil events`;
    this.write(printable(`${clockTime(undefined)} skipped ${count} (the last on ${topic}: ${error.message})`));
  }
}
