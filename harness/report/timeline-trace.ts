// Follows one test on a live rig and gathers what its timeline picture shows: the marks the steps set
// (power edges, ready, the forced check), the windows the suite expects sessions in or forbids them,
// the anchors its delays are measured from, and at the end the AT traffic and OTA sessions.
import type { TranscriptEntry } from '../at/index.ts';
import type { OtaSession } from '../ota/observer.ts';
import type { MeasuredValue, TestStatus } from '../record/index.ts';
import type { CurrentTrace } from '../energy/index.ts';
import { monitorTrace } from '../suite/steps.ts';
import { BUILT_IN_ANCHORS, TIME_UNIT_MS, type Step } from '../suite/suite-file.ts';
import { formatDuration } from '../time/duration.ts';
import type { TimelineData, TimelineDelay, TimelineWindow } from './timeline-svg.ts';

/** What the trace reads from a rig (a RigController has all of it). */
export interface TraceableRig {
  readonly marks: ReadonlyMap<string, number>;
  readonly clock: { now(): number };
  readonly observer: { readonly sessions: readonly OtaSession[] };
  readonly at: { readonly transcript: { entries(): TranscriptEntry[] } };
  readonly config: { readonly sim: { readonly otaApn: string } };
}

/** Columns of the current lane: about one per pixel of the plot. */
const CURRENT_COLUMNS = 1000;

/** The power monitor's trace within the test, in columns of mean and peak current; nothing without one. */
function currentColumns(trace: CurrentTrace | undefined, start: number, end: number): Pick<TimelineData, 'current'> {
  if (!trace || end <= start) return {};
  const width = (end - start) / CURRENT_COLUMNS;
  const columns = new Map<number, { charge: number; time: number; peak: number; from: number; to: number }>();
  for (const bin of trace.bins) {
    if (bin.start < start || bin.start + bin.duration > end) continue;
    const index = Math.floor((bin.start - start) / width);
    const column = columns.get(index) ?? { charge: 0, time: 0, peak: 0, from: bin.start, to: bin.start };
    column.charge += bin.mean * bin.duration;
    column.time += bin.duration;
    column.peak = Math.max(column.peak, bin.peak);
    column.to = bin.start + bin.duration;
    columns.set(index, column);
  }
  if (columns.size === 0) return {};
  return { current: [...columns.values()].map((c) => ({ from: c.from, to: c.to, mean: c.charge / c.time, peak: c.peak })) };
}

/** The rig's marks a timeline shows, besides the suite's own `mark` steps; the rig may keep others for itself. */
const SHOWN_MARKS: readonly string[] = [...BUILT_IN_ANCHORS, 'power-off', 'registered'];

interface PendingDelay {
  measurement: string;
  anchor: number;
  from: string;
}

export interface TestOutcome {
  suiteId: string;
  title: string;
  status: TestStatus;
  error?: string;
  steps: TimelineData['steps'];
  measurements: readonly MeasuredValue[];
}

export class TimelineTrace {
  readonly start: number;
  private readonly powerAtStart: boolean | undefined;
  private readonly sessionsBefore: number;
  private lastMarks: Map<string, number>;
  private readonly marks: TimelineData['marks'] = [];
  private readonly windows: TimelineWindow[] = [];
  private readonly pending: PendingDelay[] = [];
  private readonly shownMarks = new Set(SHOWN_MARKS);

  constructor(private readonly rig: TraceableRig) {
    this.start = rig.clock.now();
    this.sessionsBefore = rig.observer.sessions.length;
    this.lastMarks = new Map(rig.marks);
    const on = rig.marks.get('power-on');
    const off = rig.marks.get('power-off');
    this.powerAtStart = on === undefined && off === undefined ? undefined : (on ?? -Infinity) > (off ?? -Infinity);
  }

  /** Call before each step runs: notes the window the step judges and the anchors of its measurements. */
  stepStarting(step: Step): void {
    const now = this.rig.clock.now();
    if (step.kind === 'mark') {
      this.shownMarks.add(step.name);
    } else if (step.kind === 'expectNoSession') {
      const apn = step.apn ?? this.rig.config.sim.otaApn;
      const from = step.from !== undefined ? this.rig.marks.get(step.from) ?? now : now;
      this.windows.push({ kind: 'forbidden', apn, from, to: from + step.for, label: `no ${apn} session expected` });
    } else if (step.kind === 'expectSession') {
      const apn = step.apn ?? this.rig.config.sim.otaApn;
      const anchor = this.rig.marks.get(step.from);
      if (anchor === undefined) return;
      const label = `${apn} expected ${step.within.min !== undefined ? `${formatDuration(step.within.min)}–` : 'within '}${formatDuration(step.within.max)} after ${step.from}`;
      this.windows.push({ kind: 'expected', apn, from: anchor + (step.within.min ?? 0), to: anchor + step.within.max, graceTo: anchor + step.within.max + step.grace, label });
      for (const measurement of [step.measure, step.measureWindow]) {
        if (measurement) this.pending.push({ measurement, anchor, from: step.from });
      }
    }
  }

  /** Call after each step: the marks it set (a step sets each at most once, so none is missed). */
  stepEnded(): void {
    for (const [name, at] of this.rig.marks) {
      if (this.shownMarks.has(name) && this.lastMarks.get(name) !== at) this.marks.push({ name, at });
    }
    this.lastMarks = new Map(this.rig.marks);
  }

  finish(outcome: TestOutcome): TimelineData {
    const end = this.rig.clock.now();
    const at = this.rig.at.transcript
      .entries()
      .filter((e) => e.rig >= this.start && e.rig <= end)
      .map((e) => ({ at: e.rig, dir: e.dir }));
    const sessions = this.rig.observer.sessions.slice(this.sessionsBefore).map((s) => ({
      apn: s.apn,
      openedAt: s.openedAt,
      ...(s.closedAt !== undefined ? { closedAt: s.closedAt } : {}),
      state: s.state,
    }));
    return {
      suiteId: outcome.suiteId,
      title: outcome.title,
      status: outcome.status,
      ...(outcome.error ? { error: outcome.error } : {}),
      steps: outcome.steps,
      start: this.start,
      end,
      otaApn: this.rig.config.sim.otaApn,
      powerAtStart: this.powerAtStart,
      marks: [...this.marks].sort((a, b) => a.at - b.at),
      at,
      sessions,
      windows: this.windows,
      delays: this.delays(outcome.measurements),
      ...currentColumns(monitorTrace(this.rig), this.start, end),
    };
  }

  /** Each measured delay as a span from its anchor: the measured value is exactly that span. */
  private delays(measurements: readonly MeasuredValue[]): TimelineDelay[] {
    const delays: TimelineDelay[] = [];
    for (const p of this.pending) {
      const m = measurements.find((x) => x.name === p.measurement);
      const perUnit = m && TIME_UNIT_MS[m.unit as keyof typeof TIME_UNIT_MS];
      if (!m || !perUnit) continue;
      delays.push({ label: `${m.name} = ${m.value} ${m.unit} from ${p.from}`, from: p.anchor, to: p.anchor + m.value * perUnit, verdict: m.verdict });
    }
    return delays;
  }
}
