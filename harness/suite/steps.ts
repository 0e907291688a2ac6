// The step library: what each declarative step does on a rig, and how it fails.
// Failures are chai assertion errors whose message names the broken behaviour.
import { assert } from 'chai';
import { setTimeout as wallSleep } from 'node:timers/promises';
import type { AtEngine } from '../at/index.ts';
import { batteryShare, inUnit, windowFigures, type Bounded, type CurrentTrace, type EnergyQuantity, type MonitorConfig, type PowerMonitor } from '../energy/index.ts';
import type { EvidenceSource, OtaSession } from '../ota/observer.ts';
import type { ModuleProfile } from '../module/index.ts';
import type { MeasuredValue } from '../record/index.ts';
import type { RigController } from '../rig/controller.ts';
import { openMonitor } from '../rig/monitor.ts';
import type { Rig as RigConfig } from '../rig/rig-file.ts';
import type { UpdateKnowledge } from '../rig/update-source.ts';
import type { SettingsUpdate, SettingsUpdateStatus } from '../sim/ota-server.ts';
import { formatDuration } from '../time/duration.ts';
import { packagesText } from '../vendor/records.ts';
import { observableWait } from '../time/observable-wait.ts';
import { measure, toUnit } from './measurements.ts';
import { waitForClose, waitForSession } from './session-wait.ts';
import type { Condition, Measurement, Step, Suite } from './suite-file.ts';

/** Longest an OTA session may stay open before the harness stops waiting for its close. */
const SESSION_CLOSE_LIMIT_MS = 10 * 60_000;
/** The close wait on `rig`: never so short in wall time that the host could miss the close (weekly-recheck at scale 100 000). */
const closeLimit = (rig: StepRig) => observableWait(rig.clock, SESSION_CLOSE_LIMIT_MS);

/** What the steps use of a rig: a RigController, or a stand-in that scripts the module. */
export type StepRig = Pick<
  RigController,
  'powerOn' | 'powerOff' | 'powerCycle' | 'waitReady' | 'waitRegistered' | 'forceCheck' | 'mark' | 'note' |
  'clock' | 'marks' | 'markUncertainty' | 'timingResolution' | 'observer' | 'updates' | 'evidenceLevel'
> & {
  readonly at: Pick<AtEngine, 'send'>;
  readonly config: { readonly sim: Pick<RigConfig['sim'], 'otaApn'>; readonly monitor?: MonitorConfig };
  readonly profile: Pick<ModuleProfile, 'id'>;
  /** The built-in simulator, whose current model a virtual power monitor measures. */
  readonly simulator?: RigController['simulator'];
};

export interface StepContext {
  rig: StepRig;
  suite: Suite;
  /** Hears each measurement the moment a step takes it. */
  measured(measurement: MeasuredValue): void;
  /** Information lines kept by `at` steps with `capture`. */
  captures: Map<string, string>;
  /** A live line while the step waits: what it waits for and how far into the window it is. */
  progress(text: string): void;
  /** Records what the step could not judge, and why: the test's evidence is limited. */
  limited(text: string): void;
  /** What was known of a pending update at the suite's last stageUpdate or forceCheck. */
  update: UpdateKnowledge | undefined;
}

export function describeStep(step: Step, otaApn: string): string {
  switch (step.kind) {
    case 'power':
      return `power ${step.action}`;
    case 'ready':
      return 'wait for the module to be ready';
    case 'registered':
      return 'wait for network registration';
    case 'at':
      return `send ${step.send}, expect ${step.expect}${step.match ? ` and a line matching /${step.match.source}/` : ''}`;
    case 'forceCheck':
      return `force an OTA check with AT+CSIM (expect ${step.expectStatus.join(' or ')})`;
    case 'expectSession': {
      const window = `${step.within.min !== undefined ? `${formatDuration(step.within.min)}–` : 'within '}${formatDuration(step.within.max)} after ${step.from}`;
      const sessions = step.count === 'update' ? "the pending update's OTA sessions" : step.count > 1 ? `${step.count} OTA sessions` : 'an OTA session';
      return `expect ${sessions} on ${step.apn ?? otaApn} ${window}`;
    }
    case 'expectNoSession':
      return `expect no OTA session on ${step.apn ?? otaApn} for ${formatDuration(step.for)}${step.from !== undefined ? ` from ${step.from}` : ''}`;
    case 'stageUpdate':
      return `stage an OTA update in ${step.blocks} block${step.blocks > 1 ? 's' : ''}${step.newImsi ? ` that switches the IMSI to ${step.newImsi}` : ''}`;
    case 'expectUpdate':
      return `expect the staged update to be ${step.status}`;
    case 'wait':
      return `wait ${formatDuration(step.duration)}`;
    case 'mark':
      return `mark "${step.name}"`;
    case 'monitor':
      return `${step.action} the power monitor`;
    case 'energy':
      return `measure the charge from ${step.from} to ${step.to}`;
  }
}

export async function runStep(step: Step, context: StepContext): Promise<void> {
  try {
    await carryOut(step, context);
  } catch (error) {
    // A failed step ends its suite: an open power monitor (a serial port) would keep the run from ending.
    await stopMonitor(context.rig).catch(() => {});
    throw error;
  }
}

async function carryOut(step: Step, context: StepContext): Promise<void> {
  const { rig } = context;
  switch (step.kind) {
    case 'power':
      if (step.action === 'on') await rig.powerOn();
      else if (step.action === 'off') await rig.powerOff();
      else await rig.powerCycle();
      return;
    case 'ready':
      await rig.waitReady(step.timeout);
      return;
    case 'registered':
      await rig.waitRegistered(step.timeout);
      return;
    case 'at': {
      if (step.onlyIf && !holds(step.onlyIf, context)) {
        context.limited(`not checked: ${step.send} (${step.failureMeans ?? 'the step'}) needs ${CONDITION_TEXT[step.onlyIf]}; ${knowledgeText(context.update)}`);
        return;
      }
      const response = await rig.at.send(step.send, step.timeout !== undefined ? { timeoutMs: step.timeout } : {});
      const means = step.failureMeans;
      const answered = response.ok ? 'OK' : 'ERROR';
      if (answered !== step.expect) fail(`${step.send} answered ${response.final}, expected ${step.expect}`, means);
      const pattern = step.match;
      if (pattern && !response.lines.some((line) => pattern.test(line))) {
        fail(`${step.send}: no line matches /${pattern.source}/; the module answered: ${response.lines.join(' | ') || '(no lines)'}`, means);
      }
      const first = response.lines[0] ?? '';
      if (step.capture) context.captures.set(step.capture, first);
      if (step.differsFrom && first === context.captures.get(step.differsFrom)) {
        fail(`${step.send} answered "${first}", unchanged from ${step.differsFrom}`, means);
      }
      const same = step.sameAs ? context.captures.get(step.sameAs) : undefined;
      if (step.sameAs && first !== same) fail(`${step.send} answered "${first}", not the ${step.sameAs} "${same}"`, means);
      return;
    }
    case 'stageUpdate': {
      const staged = await rig.updates.stage(step);
      context.update = await rig.updates.pending();
      if (!staged) rig.note(`not staged by the harness (${rig.updates.name}): ${knowledgeText(context.update)}`);
      return;
    }
    case 'expectUpdate':
      return expectUpdate(step, context);
    case 'forceCheck': {
      context.update = await rig.updates.pending();
      const { statusWord } = await rig.forceCheck();
      const accepted = step.expectStatus.some((sw) => new RegExp(`^${sw.replace(/xx$/i, '..')}$`, 'i').test(statusWord));
      assert.isTrue(accepted, `the SIM answered the forced-check ENVELOPE with status ${statusWord}, expected ${step.expectStatus.join(' or ')}`);
      return;
    }
    case 'expectSession':
      return expectSessions(step, context);
    case 'expectNoSession':
      return expectNoSession(step, context);
    case 'wait':
      await rig.clock.sleep(step.duration);
      return;
    case 'mark':
      rig.mark(step.name);
      return;
    case 'monitor':
      return step.action === 'start' ? startMonitor(context) : stopMonitor(rig);
    case 'energy':
      return measureEnergy(step, context);
  }
}

/** The power monitor each rig has sampling, between a suite's `monitor: start` and `monitor: stop`. */
const monitors = new WeakMap<StepRig, PowerMonitor>();
/** The trace of each rig's last monitor, kept after it stops: the test's timeline shows it. */
const traces = new WeakMap<object, CurrentTrace>();

/** The current trace the power monitor took on `rig`, if a suite started one. */
export function monitorTrace(rig: object): CurrentTrace | undefined {
  return traces.get(rig);
}
/** Wall ms the monitor's samples may trail the rig clock (a batch in flight on its port). */
const TRACE_WAIT_WALL_MS = 2_000;

async function startMonitor(context: StepContext): Promise<void> {
  const { rig } = context;
  const config = rig.config.monitor;
  if (!config) throw new Error('monitor: start needs a power monitor: add a monitor: block (driver, supplyVoltage) to the rig file');
  await stopMonitor(rig);
  const monitor = await openMonitor(config, { clock: rig.clock, simulator: rig.simulator, timingResolution: rig.timingResolution, note: (text) => rig.note(text) });
  monitors.set(rig, monitor);
  traces.set(rig, monitor.trace);
  await monitor.start();
  rig.note(`${monitor.description} sampling at ${monitor.supplyVolts} V`);
}

async function stopMonitor(rig: StepRig): Promise<void> {
  const monitor = monitors.get(rig);
  if (!monitor) return;
  monitors.delete(rig);
  try {
    await monitor.stop();
  } finally {
    await monitor.close();
  }
}

/** The ± of an anchor's time: its own (a forced check's round trip, a switch's run) and the rig's timing resolution. */
const anchorUncertainty = (rig: StepRig, name: string) => (rig.markUncertainty.get(name) ?? 0) + rig.timingResolution;

async function measureEnergy(step: Extract<Step, { kind: 'energy' }>, context: StepContext): Promise<void> {
  const { rig } = context;
  const monitor = monitors.get(rig);
  if (!monitor) throw new Error(`energy from ${step.from} to ${step.to}: no power monitor is sampling; a "monitor: start" step must come before the window`);
  const from = anchorTime(context, step.from);
  const to = anchorTime(context, step.to);
  await monitor.waitFor(to, TRACE_WAIT_WALL_MS);
  const edges = {
    from, to,
    fromUncertainty: anchorUncertainty(rig, step.from) + monitor.alignmentAt(from),
    toUncertainty: anchorUncertainty(rig, step.to) + monitor.alignmentAt(to),
  };
  const figures = windowFigures(monitor.trace, edges, monitor.supplyVolts);
  const yearly = { value: figures.charge.value * step.checksPerYear, uncertainty: figures.charge.uncertainty * step.checksPerYear };
  const recordFigure = (name: string | undefined, quantity: EnergyQuantity, figure: Bounded) => {
    if (!name) return;
    const m = declared(context, name);
    context.measured(measure(m, inUnit(quantity, figure.value, m.unit), inUnit(quantity, figure.uncertainty, m.unit)));
  };
  recordFigure(step.measureCharge, 'charge', figures.charge);
  recordFigure(step.measureEnergy, 'energy', figures.energy);
  recordFigure(step.measureAverage, 'current', figures.average);
  recordFigure(step.measurePeak, 'current', figures.peak);
  recordFigure(step.measureYearly, 'yearly', yearly);
  if (step.batteryCapacity !== undefined) {
    const share = (x: number) => batteryShare(x, step.batteryCapacity!);
    recordFigure(step.measureBatteryShare, 'share', { value: share(yearly.value), uncertainty: share(yearly.uncertainty) });
  }
  const mC = (b: Bounded) => `${inUnit('charge', b.value, 'mC')} ± ${inUnit('charge', b.uncertainty, 'mC')} mC`;
  rig.note(`${monitor.description}: ${mC(figures.charge)} from ${step.from} to ${step.to} (${seconds(figures.duration)}), average ${inUnit('current', figures.average.value, 'mA')} mA, peak ${inUnit('current', figures.peak.value, 'mA')} mA`);
  if (monitor.truth) rig.note(`ground truth of the current model from ${step.from} to ${step.to}: ${inUnit('charge', monitor.truth(from, to), 'mC')} mC`);
}

function anchorTime(context: StepContext, from: string): number {
  const at = context.rig.marks.get(from);
  if (at === undefined) throw new Error(`the anchor "${from}" was never set in this run: no earlier step sets it`);
  return at;
}

function declared(context: StepContext, name: string): Measurement {
  return context.suite.measurements.find((m) => m.name === name)!;
}

/**
 * Records a duration measured from an anchor in the declared unit, with its ± bound: the anchor's,
 * the session edge's (half a polling interval where sessions are polled) and the rig's timing resolution.
 */
function record(context: StepContext, name: string | undefined, rigMs: number, from: string, edgeUncertainty: number): void {
  if (!name) return;
  const m = declared(context, name);
  const uncertainty = (context.rig.markUncertainty.get(from) ?? 0) + edgeUncertainty + context.rig.timingResolution;
  context.measured(measure(m, toUnit(rigMs, m.unit), toUnit(uncertainty, m.unit)));
}

function recordCount(context: StepContext, name: string | undefined, count: number): void {
  if (name) context.measured(measure(declared(context, name), count));
}

/**
 * When `session` opened, if it may have opened at `since` or later, with the ± bound of that date. A
 * polled session is dated to the middle of its polling interval, which can fall before an anchor the
 * session came after: only the part of the interval from `since` on counts then.
 */
function openedSince(session: OtaSession, since: number): { at: number; uncertainty: number } | undefined {
  const latest = session.openedAt + session.timingUncertainty;
  if (latest < since) return undefined;
  const earliest = Math.max(since, earliestOpening(session));
  return { at: (earliest + latest) / 2, uncertainty: (latest - earliest) / 2 };
}

/** The earliest the session may have opened: a late read moves a stamp after its edge, never before it. */
const earliestOpening = (session: OtaSession) => session.openedAt - session.timingUncertainty - session.stampLateBy;

const seconds = (rigMs: number) => `${(rigMs / 1000).toFixed(1)} s`;

const CONDITION_TEXT: Record<Condition, string> = {
  'update-pending': 'an update pending at the OTA check',
  'imsi-switch': 'a pending update that switches the IMSI',
};

function holds(condition: Condition, context: StepContext): boolean {
  const update = context.update;
  return update?.state === 'pending' && (condition === 'update-pending' || update.newImsi !== undefined);
}

/** What is known of a pending update, as a limitation or a note says it. */
function knowledgeText(update: UpdateKnowledge | undefined): string {
  if (!update) return 'no update was staged or declared for this suite';
  switch (update.state) {
    case 'pending':
      return `an update${update.blocks === undefined ? '' : ` of ${update.blocks} block${update.blocks > 1 ? 's' : ''}`}${update.newImsi ? ` switching the IMSI to ${update.newImsi}` : ''} is pending (${update.source})`;
    case 'none':
      return `no update is pending (${update.source})`;
    case 'unknown':
      return `whether an update is pending is unknown: ${update.why}`;
  }
}

const SOURCE_TEXT: Record<EvidenceSource, string> = {
  'pdn-event': 'PDN context events',
  'bip-event': 'BIP link events',
  'toolkit-notification': 'toolkit notifications',
  'proactive-command': 'proactive commands',
  'context-poll': 'context-list polls',
};

/** Fails the step, adding what the failure means for the device when the suite says so. */
function fail(message: string, failureMeans: string | undefined): never {
  assert.fail(failureMeans ? `${message}: ${failureMeans}` : message);
}

function otherSessions(context: StepContext, apn: string, since: number): string {
  const others = context.rig.observer.sessions.filter((s) => s.apn !== apn && s.openedAt >= since);
  if (others.length === 0) return '';
  const list = others.map((s) => `${s.apn ?? 'unknown APN'} at ${seconds(s.openedAt - since)}`).join(', ');
  return `; sessions on other APNs: ${list}`;
}

async function expectSessions(step: Extract<Step, { kind: 'expectSession' }>, context: StepContext): Promise<void> {
  const { rig } = context;
  const apn = step.apn ?? rig.config.sim.otaApn;
  const anchor = anchorTime(context, step.from);
  const deadline = anchor + step.within.max + step.grace;
  const limitText = `${formatDuration(step.within.max)}${step.grace ? ` (+${formatDuration(step.grace)} grace)` : ''}`;
  const matches = (s: OtaSession) => s.apn === apn && openedSince(s, anchor) !== undefined;
  const expected = expectedCount(step.count, context);

  const first = await waitForSession(rig.observer, rig.clock, matches, deadline, () =>
    context.progress(`waiting for an ${apn} session: ${formatDuration(rig.clock.now() - anchor)} after ${step.from} (window ends at ${formatDuration(step.within.max + step.grace)})`),
  );
  const means = step.failureMeans;
  if (!first) fail(`no ${apn} session within ${limitText} of ${step.from}${otherSessions(context, apn, anchor)}`, means);

  const opened = openedSince(first, anchor)!;
  const delay = opened.at - anchor;
  record(context, step.measure, delay, step.from, opened.uncertainty);
  if (first.state === 'refused') {
    fail(`OPEN CHANNEL for ${apn} at ${seconds(delay)} after ${step.from} was refused by the module: no data connection came up before the card ended its proactive session`, means);
  }
  if (step.within.min !== undefined && delay < step.within.min) {
    fail(`the first ${apn} session opened ${seconds(delay)} after ${step.from}, before the ${formatDuration(step.within.min)} lower limit`, means);
  }
  if (delay > step.within.max) {
    fail(`the first ${apn} session opened ${seconds(delay)} after ${step.from}, after the ${formatDuration(step.within.max)} upper limit`, means);
  }

  const sessions = [first];
  const gapLimit = step.followOnWithin ?? step.within.max;
  for (let n = 2; expected === undefined || n <= expected; n++) {
    const last = sessions.at(-1)!;
    const of = expected === undefined ? '' : ` of ${expected}`;
    const closed = await waitForClose(rig.observer, rig.clock, last, rig.clock.now() + closeLimit(rig));
    if (!closed) fail(`${apn} session ${n - 1}${of} did not close within ${formatDuration(closeLimit(rig))}`, means);
    if (step.requireData) requireData(last, n - 1, expected, apn, context, means);
    const closedAt = last.closedAt ?? rig.clock.now();
    // Waited for no less than the host needs to read the session on a fast clock, but a session whose
    // ± puts it wholly after the gap is still no follow-on.
    const seen = await waitForSession(rig.observer, rig.clock, (s) => s.apn === apn && s.index > last.index, closedAt + observableWait(rig.clock, gapLimit), (waited) =>
      context.progress(`waiting for follow-on ${apn} session ${n}${of}: ${formatDuration(waited)} since session ${n - 1} closed`),
    );
    const next = seen && earliestOpening(seen) <= closedAt + gapLimit ? seen : undefined;
    if (next?.state === 'refused') {
      recordCount(context, step.measureCount, n - 1);
      fail(`follow-on ${apn} session ${n}${of} was refused by the module`, means);
    }
    if (!next) {
      if (expected === undefined) break; // no update known to be pending: the follow-ons that came are counted
      recordCount(context, step.measureCount, n - 1);
      fail(`only ${n - 1} of ${expected} ${apn} sessions: no follow-on session within ${formatDuration(gapLimit)} of session ${n - 1} closing`, means);
    }
    sessions.push(next);
  }
  const last = sessions.at(-1)!;
  const lastClosed = await waitForClose(rig.observer, rig.clock, last, rig.clock.now() + closeLimit(rig));
  if (lastClosed && last.closedAt !== undefined) {
    rig.marks.set('last-close', last.closedAt);
    // A figure's ± is symmetric: the close's late-read slack widens both of its sides.
    const closeUncertainty = last.timingUncertainty + last.stampLateBy;
    record(context, step.measureWindow, last.closedAt - anchor, step.from, closeUncertainty);
    record(context, step.measureStayAwake, last.closedAt - anchor + step.stayAwakeMargin, step.from, closeUncertainty);
  }
  recordCount(context, step.measureCount, sessions.length);
  if (step.requireData) requireData(last, sessions.length, expected, apn, context, means);
}

/**
 * The number of sessions a step expects: its own count, or the pending update's blocks. Undefined
 * when no update is known to be pending: then every follow-on that comes is counted, and the test
 * says that an update's delivery was not judged.
 */
function expectedCount(count: number | 'update', context: StepContext): number | undefined {
  if (count !== 'update') return count;
  const update = context.update;
  if (update?.state === 'pending' && update.blocks !== undefined) return update.blocks;
  const why = update?.state === 'pending' ? `${update.source} does not say in how many blocks the pending update goes` : knowledgeText(update);
  context.limited(`the sessions of an update's delivery were counted, not judged against its blocks: ${why}`);
  return undefined;
}

/**
 * A session that closed without SEND or RECEIVE DATA never reached the OTA server. Judged where the
 * module showed the session's proactive commands; elsewhere the test records that it could not see.
 */
function requireData(session: OtaSession, n: number, count: number | undefined, apn: string, context: StepContext, means: string | undefined): void {
  if (session.exchangedData) return;
  const which = count !== undefined && count > 1 ? ` ${n} of ${count}` : count === undefined && n > 1 ? ` ${n}` : '';
  if (!session.seen.includes('proactive-command')) {
    const seen = session.seen.map((source) => SOURCE_TEXT[source]).join(' and ') || 'nothing';
    context.limited(`data exchange with the OTA server is not observable on ${context.rig.profile.id} (${context.rig.evidenceLevel} evidence): ${apn} session${which} was seen through ${seen}, which do not show SEND DATA or RECEIVE DATA`);
    return;
  }
  const duration = session.closedAt !== undefined ? ` after ${seconds(session.closedAt - session.openedAt)}` : '';
  fail(`${apn} session${which} closed${duration} without exchanging data with the OTA server (no SEND DATA or RECEIVE DATA seen)`, means);
}

const FINAL: readonly SettingsUpdateStatus[] = ['successful', 'failed'];

async function expectUpdate(step: Extract<Step, { kind: 'expectUpdate' }>, context: StepContext): Promise<void> {
  const { rig } = context;
  const first = await rig.updates.updates();
  if (!first) {
    context.limited(`the update's status (expected ${step.status}) is not observable: ${rig.updates.name} does not show it`);
    return;
  }
  if (context.update?.state !== 'pending') {
    context.limited(`not checked: the update's status (expected ${step.status}) needs an update pending at the check; ${knowledgeText(context.update)}`);
    return;
  }
  const updates = FINAL.includes(step.status) ? await settled(first, context) : first;
  const newest = updates[0];
  assert.isDefined(newest, 'no update was ever staged for this SIM');
  const detail = newest!.blocks > 0 ? `${newest!.deliveredBlocks} of ${newest!.blocks} blocks delivered` : `${newest!.sid}: ${packagesText(newest!.packages)}`;
  assert.equal(newest!.status, step.status, `the staged update is ${newest!.status} (${detail}), expected ${step.status}`);
}

/**
 * Where the source reports a delivered update late (the vendor's API), asks again until the newest
 * update is successful or failed, within the source's limit of wall time; past it the step fails.
 */
async function settled(first: SettingsUpdate[], context: StepContext): Promise<SettingsUpdate[]> {
  const { updates: source } = context.rig;
  if (!source.settling) return first;
  const { limitMs, pollMs } = source.settling;
  const started = performance.now();
  let updates = first;
  for (let newest = updates[0]; newest && !FINAL.includes(newest.status); newest = updates[0]) {
    const waited = performance.now() - started;
    if (waited >= limitMs) {
      assert.fail(`the update ${newest.sid} (${packagesText(newest.packages)}) is still ${newest.status} ${formatDuration(limitMs)} after the sessions, as ${source.name} reports it`);
    }
    context.progress(`waiting for ${source.name} to report the update successful or failed: ${newest.status} after ${formatDuration(waited)} (limit ${formatDuration(limitMs)})`);
    await wallSleep(pollMs);
    updates = (await source.updates()) ?? [];
  }
  return updates;
}

async function expectNoSession(step: Extract<Step, { kind: 'expectNoSession' }>, context: StepContext): Promise<void> {
  const { rig } = context;
  const apn = step.apn ?? rig.config.sim.otaApn;
  // Anchored to a mark, the window does not move with how long the steps before took (a slow boot).
  const start = step.from !== undefined ? anchorTime(context, step.from) : rig.clock.now();
  const end = start + step.for;
  const inWindow = (s: OtaSession) => s.apn === apn && openedSince(s, start) !== undefined && earliestOpening(s) <= end;
  const left = Math.max(0, end - rig.clock.now());
  const session = await waitForSession(rig.observer, rig.clock, inWindow, end, (waited) =>
    context.progress(`watching for unwanted ${apn} sessions: ${formatDuration(waited)} of ${formatDuration(left)}`),
  );
  if (session) {
    const openedAt = openedSince(session, start)!.at;
    const powerOn = rig.marks.get('power-on');
    // A check a minute or two after the power-on before: a timer that outlived the power cycle.
    const before = rig.marks.get('previous-power-on');
    const since = powerOn !== undefined ? `, ${seconds(openedAt - powerOn)} after the last power-on${before !== undefined ? ` and ${seconds(openedAt - before)} after the one before it` : ''}` : '';
    const window = `a ${seconds(step.for)} window${step.from !== undefined ? ` from ${step.from}` : ''}`;
    fail(`an ${apn} session opened ${seconds(openedAt - start)} into ${window} where none was expected${since}`, step.failureMeans);
  }
}
