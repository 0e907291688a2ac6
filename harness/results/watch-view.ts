// What `hil watch` shows: one line per event of every run it hears, prefixed with the time and the
// bench, each event once however often the broker delivers it, and bench status changes; a run
// joined mid-way named from the retained status, each power switch on one line with its command's
// outcome, and while nothing comes, one live wait line. Every message is checked against the event
// schema first: what does not fit is skipped and counted, and every line is stripped of escape
// sequences and control characters.
import { printable } from '../output/printable.ts';
import type { CliOutput } from '../output/streams.ts';
import { ConsoleView } from '../suite/console.ts';
import { describeLimits } from '../suite/measurements.ts';
import { formatDuration } from '../time/duration.ts';
import { parseBenchStatus, parseRunEvent } from './event-schema.ts';
import type { RunEvent } from './events.ts';
import type { BenchStatus } from './status.ts';
import { parseTopic } from './topics.ts';

/** Wall ms between two lines about skipped messages. */
export const SKIPPED_EVERY_MS = 60_000;

/** Wall ms without an event of a run under way before the wait line shows. */
export const QUIET_MS = 5_000;

/** The note an exec or sim-control switch leaves for each command it runs ("power.on (on.sh): exit 0 after …"). */
const SWITCH_NOTE = /^power\.(?:on|off|status) \((.*)$/;

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

/** A run under way on a bench, as far as the watch has seen it. */
interface Active {
  bench: string;
  runId: string;
  suite: string | undefined;
  /** Wall ms of the last message about it, and that message's line. */
  at: number;
  last: string;
}

export class WatchView {
  /** Sequence numbers seen, by run id. */
  private readonly seen = new Map<string, Set<number>>();
  /** Switch command notes waiting for their power edge, by run id. */
  private readonly switching = new Map<string, string[]>();
  private readonly active = new Map<string, Active>();
  private readonly lines: ConsoleView;
  /** The last status line shown, by bench. */
  private readonly statuses = new Map<string, string>();
  private skipped = 0;
  private skippedSaidAt: number | undefined;

  /** `live`: where a terminal can show the wait line redrawn in place (else it is a line now and then). */
  constructor(
    private readonly prefix: string,
    write: (line: string) => void,
    private readonly now: () => number = Date.now,
    live?: CliOutput['live'],
  ) {
    this.lines = new ConsoleView({ stdout: write, ...(live ? { live } : {}) }, false, now);
  }

  /**
   * One MQTT message from the watch subscriptions; `retained`: the broker kept it from before this
   * watch subscribed (a bench status), so a run it names started before the watch joined.
   */
  message(topic: string, payload: Buffer, retained = false): void {
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
      if (status.state !== 'running' || !status.runId) {
        this.active.delete(bench);
        return this.show(status.wall, bench, line);
      }
      // run.started is an event, not retained: a run already under way is known only from the status.
      const joined = retained && !this.seen.has(status.runId);
      const shown = joined ? `joined run ${status.runId}${status.suite ? ` in suite ${status.suite}` : ''} (it started before this watch; its earlier events are not shown)` : line;
      this.track(bench, status.runId, status.suite, shown);
      return this.show(status.wall, bench, shown);
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
    const pending = this.switching.get(event.runId) ?? [];
    const switchNote = event.type === 'note' ? SWITCH_NOTE.exec(event.data.text) : null;
    if (switchNote) {
      // Held for the power edge it switched, so that a switch is one line.
      this.switching.set(event.runId, [...pending, switchNote[1]!.replace(/\): /, ': ').replace(/; output .*$/, '')]);
      return;
    }
    this.switching.delete(event.runId);
    let line = describeEvent(event);
    if (event.type === 'power' && pending.length > 0) line = `${line} (${pending.join('; ')})`;
    // Notes of a switch that no edge followed (it failed) are shown as they were.
    else for (const text of pending) this.show(event.wall, bench, `  switch: ${text}`);
    if (event.type === 'run.ended') this.active.delete(bench);
    else this.track(bench, event.runId, event.type === 'suite.started' ? event.data.suiteId : undefined, line);
    this.show(event.wall, bench, line);
  }

  /** The wait line: shown once a run under way has been quiet for QUIET_MS (call it every second or so). */
  tick(): void {
    const quiet = [...this.active.values()].sort((a, b) => b.at - a.at)[0];
    if (!quiet) return;
    const waited = this.now() - quiet.at;
    if (waited < QUIET_MS) return;
    const where = quiet.suite ? `${quiet.suite} (run ${quiet.runId})` : `run ${quiet.runId}`;
    this.lines.progress(printable(`[${quiet.bench}] ${where}: waiting, ${formatDuration(waited)} since the last event: ${quiet.last.trim()}`));
  }

  private track(bench: string, runId: string, suite: string | undefined, line: string): void {
    const known = this.active.get(bench);
    const same = known?.runId === runId;
    this.active.set(bench, { bench, runId, suite: suite ?? (same ? known.suite : undefined), at: this.now(), last: line });
  }

  private show(wall: string | undefined, bench: string, line: string): void {
    this.lines.line(printable(`${clockTime(wall)} [${bench}] ${line}`));
  }

  /** Counts a message that is no sim-ota-hil message; says so at the first and then once in a while. */
  private skip(topic: string, error: Error): void {
    this.skipped++;
    const now = this.now();
    if (this.skippedSaidAt !== undefined && now - this.skippedSaidAt < SKIPPED_EVERY_MS) return;
    this.skippedSaidAt = now;
    const count = this.skipped === 1 ? '1 message that is not a sim-ota-hil event' : `${this.skipped} messages that are not sim-ota-hil events`;
    this.lines.line(printable(`${clockTime(undefined)} skipped ${count} (the last on ${topic}: ${error.message})`));
  }
}
