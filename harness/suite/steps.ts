// The step library: what each declarative step does on a rig, and how it fails.
// Failures are chai assertion errors whose message names the broken behaviour.
import { assert } from 'chai';
import type { OtaSession } from '../ota/observer.ts';
import type { RigController } from '../rig/controller.ts';
import { formatDuration } from '../time/duration.ts';
import { measure, toUnit, type MeasuredValue } from './measurements.ts';
import { waitForClose, waitForSession } from './session-wait.ts';
import type { Measurement, Step, Suite } from './suite-file.ts';

/** Longest an OTA session may stay open before the harness stops waiting for its close. */
const SESSION_CLOSE_LIMIT_MS = 10 * 60_000;

export interface StepContext {
  rig: RigController;
  suite: Suite;
  measurements: MeasuredValue[];
  /** A live line while the step waits: what it waits for and how far into the window it is. */
  progress(text: string): void;
}

export function describeStep(step: Step, otaApn: string): string {
  switch (step.kind) {
    case 'power':
      return `power ${step.action}`;
    case 'ready':
      return 'wait for the module to be ready';
    case 'at':
      return `send ${step.send}, expect ${step.expect}${step.match ? ` and a line matching /${step.match.source}/` : ''}`;
    case 'forceCheck':
      return `force an OTA check with AT+CSIM (expect ${step.expectStatus.join(' or ')})`;
    case 'expectSession': {
      const window = `${step.within.min !== undefined ? `${formatDuration(step.within.min)}–` : 'within '}${formatDuration(step.within.max)} after ${step.from}`;
      const sessions = step.count > 1 ? `${step.count} OTA sessions` : 'an OTA session';
      return `expect ${sessions} on ${step.apn ?? otaApn} ${window}`;
    }
    case 'expectNoSession':
      return `expect no OTA session on ${step.apn ?? otaApn} for ${formatDuration(step.for)}`;
    case 'wait':
      return `wait ${formatDuration(step.duration)}`;
    case 'mark':
      return `mark "${step.name}"`;
  }
}

export async function runStep(step: Step, context: StepContext): Promise<void> {
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
    case 'at': {
      const response = await rig.at.send(step.send, step.timeout !== undefined ? { timeoutMs: step.timeout } : {});
      const answered = response.ok ? 'OK' : 'ERROR';
      assert.equal(answered, step.expect, `${step.send} answered ${response.final}, expected ${step.expect}`);
      if (step.match) {
        const pattern = step.match;
        assert.isTrue(
          response.lines.some((line) => pattern.test(line)),
          `${step.send}: no line matches /${pattern.source}/; the module answered: ${response.lines.join(' | ') || '(no lines)'}`,
        );
      }
      return;
    }
    case 'forceCheck': {
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
  }
}

function anchorTime(context: StepContext, from: string): number {
  const at = context.rig.marks.get(from);
  if (at === undefined) throw new Error(`the anchor "${from}" was never set in this run: no earlier step sets it`);
  return at;
}

function declared(context: StepContext, name: string): Measurement {
  return context.suite.measurements.find((m) => m.name === name)!;
}

function record(context: StepContext, name: string | undefined, rigMsOrCount: number, isCount = false): void {
  if (!name) return;
  const m = declared(context, name);
  context.measurements.push(measure(m, isCount ? rigMsOrCount : toUnit(rigMsOrCount, m.unit)));
}

const seconds = (rigMs: number) => `${(rigMs / 1000).toFixed(1)} s`;

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
  const limitText = `${step.within.max / 1000} s${step.grace ? ` (+${step.grace / 1000} s grace)` : ''}`;
  const matches = (s: OtaSession) => s.apn === apn && s.openedAt >= anchor;

  const first = await waitForSession(rig.observer, rig.clock, matches, deadline, (waited) =>
    context.progress(`waiting for an ${apn} session: ${seconds(rig.clock.now() - anchor)} after ${step.from} (window ends at ${limitText}) [${seconds(waited)} waited]`),
  );
  if (!first) assert.fail(`no ${apn} session within ${limitText} of ${step.from}${otherSessions(context, apn, anchor)}`);

  const delay = first.openedAt - anchor;
  record(context, step.measure, delay);
  if (first.state === 'refused') {
    assert.fail(`OPEN CHANNEL for ${apn} at ${seconds(delay)} after ${step.from} was refused by the module: no data connection came up before the card ended its proactive session`);
  }
  if (step.within.min !== undefined && delay < step.within.min) {
    assert.fail(`the first ${apn} session opened ${seconds(delay)} after ${step.from}, before the ${step.within.min / 1000} s lower limit`);
  }
  if (delay > step.within.max) {
    assert.fail(`the first ${apn} session opened ${seconds(delay)} after ${step.from}, after the ${step.within.max / 1000} s upper limit`);
  }

  let last = first;
  for (let n = 2; n <= step.count; n++) {
    const closed = await waitForClose(rig.observer, rig.clock, last, rig.clock.now() + SESSION_CLOSE_LIMIT_MS);
    if (!closed) assert.fail(`${apn} session ${n - 1} of ${step.count} did not close within ${SESSION_CLOSE_LIMIT_MS / 60_000} min`);
    const gapLimit = step.followOnWithin ?? step.within.max;
    const closedAt = last.closedAt ?? rig.clock.now();
    const next = await waitForSession(rig.observer, rig.clock, (s) => s.apn === apn && s.index > last.index, closedAt + gapLimit, (waited) =>
      context.progress(`waiting for follow-on ${apn} session ${n} of ${step.count}: ${seconds(waited)} since session ${n - 1} closed`),
    );
    if (!next || next.state === 'refused') {
      record(context, step.measureCount, n - 1, true);
      assert.fail(
        next
          ? `follow-on ${apn} session ${n} of ${step.count} was refused by the module`
          : `only ${n - 1} of ${step.count} ${apn} sessions: no follow-on session within ${gapLimit / 1000} s of session ${n - 1} closing`,
      );
    }
    last = next;
  }
  const lastClosed = await waitForClose(rig.observer, rig.clock, last, rig.clock.now() + SESSION_CLOSE_LIMIT_MS);
  if (lastClosed && last.closedAt !== undefined) {
    rig.marks.set('last-close', last.closedAt);
    record(context, step.measureWindow, last.closedAt - first.openedAt);
  }
  record(context, step.measureCount, step.count, true);
}

async function expectNoSession(step: Extract<Step, { kind: 'expectNoSession' }>, context: StepContext): Promise<void> {
  const { rig } = context;
  const apn = step.apn ?? rig.config.sim.otaApn;
  const start = rig.clock.now();
  const session = await waitForSession(rig.observer, rig.clock, (s) => s.apn === apn && s.openedAt >= start, start + step.for, (waited) =>
    context.progress(`watching for unwanted ${apn} sessions: ${seconds(waited)} of ${seconds(step.for)}`),
  );
  if (session) {
    const powerOn = rig.marks.get('power-on');
    const since = powerOn !== undefined ? `, ${seconds(session.openedAt - powerOn)} after the last power-on` : '';
    assert.fail(`an ${apn} session opened ${seconds(session.openedAt - start)} into a ${seconds(step.for)} window where none was expected${since}`);
  }
}
