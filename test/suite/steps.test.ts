// The step library's verdicts on a scripted rig: a manual clock, a real OTA observer fed module
// lines at chosen rig times, and a real update source. Each test says what the module showed and
// checks the verdict, its message and the figures measured, edges of windows included.
import { expect } from 'chai';
import type { AtResponse } from '../../harness/at/index.ts';
import { OtaObserver } from '../../harness/ota/observer.ts';
import type { EvidenceLevel } from '../../harness/module/profiles.ts';
import { DeclaredUpdates, ServerUpdates, UnknownUpdates, type UpdatePlan, type UpdateSource } from '../../harness/rig/update-source.ts';
import type { SettingsUpdate } from '../../harness/sim/index.ts';
import type { MeasuredValue } from '../../harness/record/index.ts';
import { describeStep, runStep, type StepContext, type StepRig } from '../../harness/suite/steps.ts';
import { suiteSchema, type Step, type Suite } from '../../harness/suite/suite-file.ts';
import { ManualClock, type Timer } from '../../harness/time/clock.ts';
import {
  ALL_LAYERS, BIP_DOWN, BIP_UP, CLOSE_CHANNEL, RECEIVE_DATA, SEND_DATA, SESSION_END, UrcSource, contextList, openChannelLine, pdnDown, pdnUp, settle,
} from '../ota/module-lines.ts';

/** A manual clock that tells when its next timer is due, so a test can run a step to its next event. */
class SteppedClock extends ManualClock {
  private readonly dues = new Map<object, number>();

  /** `scale`: how many times faster than the wall the rig it stands for runs. */
  constructor(override readonly scale = 1) {
    super();
  }

  override setTimer(fn: () => void, rigMs: number): Timer {
    const token = {};
    const timer = super.setTimer(() => {
      this.dues.delete(token);
      fn();
    }, rigMs);
    this.dues.set(token, this.now() + Math.max(0, rigMs));
    return {
      cancel: () => {
        this.dues.delete(token);
        timer.cancel();
      },
    };
  }

  nextDue(): number | undefined {
    return this.dues.size === 0 ? undefined : Math.min(...this.dues.values());
  }
}

/** Round trip of the forced check's AT+CSIM: the force-check mark is ± half of it. */
const CSIM_ROUND_TRIP = 40;
const RESOLUTION = 2;

/** What the steps use of a rig, with the module scripted: lines said at rig times, AT answers by command. */
class ScriptedRig implements StepRig {
  readonly clock: SteppedClock;
  readonly marks = new Map<string, number>();
  readonly markUncertainty = new Map<string, number>();
  readonly timingResolution = RESOLUTION;
  readonly config = { sim: { otaApn: 'ota.super' } };
  readonly profile = { id: 'generic-27007' };
  evidenceLevel: EvidenceLevel = 'pdn';
  updates: UpdateSource = new UnknownUpdates();
  readonly urcs = new UrcSource();
  readonly observer = new OtaObserver(this.urcs, ALL_LAYERS, contextList());
  readonly notes: string[] = [];
  /** Commands sent, and power actions taken, in order. */
  readonly done: string[] = [];
  statusWord = '9000';
  /** What the module answers each command: its information lines and final result code. */
  answers = new Map<string, { lines: string[]; final: string }>();
  /** The options each command was sent with. */
  readonly sendOptions: { timeoutMs?: number }[] = [];

  constructor(scale = 1) {
    this.clock = new SteppedClock(scale);
  }

  readonly at = {
    send: async (command: string, options: { timeoutMs?: number } = {}): Promise<AtResponse> => {
      this.done.push(command);
      this.sendOptions.push(options);
      const now = this.clock.now();
      const { lines, final } = this.answers.get(command) ?? { lines: ['001010123456789'], final: 'OK' };
      return { command, lines, final, ok: final === 'OK', startedAt: now, endedAt: now };
    },
  };

  say(line: string): void {
    this.urcs.say(line, this.clock.now());
  }

  note(text: string): void {
    this.notes.push(text);
  }

  mark(name: string): number {
    this.marks.set(name, this.clock.now());
    return this.clock.now();
  }

  async forceCheck(): Promise<{ statusWord: string; final: string }> {
    this.marks.set('force-check', this.clock.now());
    this.markUncertainty.set('force-check', CSIM_ROUND_TRIP / 2);
    return { statusWord: this.statusWord, final: 'OK' };
  }

  async powerOn(): Promise<void> {
    this.done.push('power on');
  }

  async powerOff(): Promise<void> {
    this.done.push('power off');
  }

  async powerCycle(): Promise<void> {
    this.done.push('power cycle');
  }

  async waitReady(): Promise<number> {
    return this.mark('ready');
  }

  async waitRegistered(): Promise<number> {
    return this.mark('registered');
  }
}

/** An OTA server's update list behind a ServerUpdates, as the simulator's control socket gives it. */
function serverUpdates(...updates: Partial<SettingsUpdate>[]): ServerUpdates {
  const list: SettingsUpdate[] = updates.map((u, i) => ({
    sid: `OB${i}`, iccid: '8988307000000000001', status: 'scheduled', packages: [], blocks: 1, deliveredBlocks: 0, createdAt: 0, updatedAt: 0, ...u,
  }));
  return new ServerUpdates('the test server', {
    stage: async (plan: UpdatePlan) => void list.unshift({ ...list[0]!, sid: 'staged', status: 'scheduled', blocks: plan.blocks, deliveredBlocks: 0 }),
    lookup: async () => list,
  });
}

const MEASUREMENTS = [
  { name: 'first_session', description: 'check to session', unit: 's', max: 120 },
  { name: 'window', description: 'check to last close', unit: 's', max: 600 },
  { name: 'stay_awake', description: 'stay-awake timer', unit: 's', max: 900 },
  { name: 'sessions', description: 'sessions seen', unit: 'count', min: 1 },
];

/** A suite of these steps, with defaults filled in as a suite file gets them. */
function suiteOf(steps: unknown[]): Suite {
  const parsed = suiteSchema.parse({ id: 'steps', title: 'steps', requirement: { source: 'test', text: 'test' }, measurements: MEASUREMENTS, steps });
  return { ...parsed, file: 'steps.yaml' };
}

interface Outcome {
  error: Error | undefined;
  measured: MeasuredValue[];
  limited: string[];
  context: StepContext;
}

/** A cue: at rig time `at`, the module says a line or the test does something to the rig. */
type Cue = [at: number, what: string | ((rig: ScriptedRig) => void)];

/**
 * Runs the suite's steps in order on `rig` while playing `cues`, moving the clock from one cue or
 * timer to the next, until the steps end; the outcome holds the first step's failure, if any.
 */
async function play(rig: ScriptedRig, steps: unknown[], cues: Cue[] = [], update?: StepContext['update']): Promise<Outcome> {
  const suite = suiteOf(steps);
  const measured: MeasuredValue[] = [];
  const limited: string[] = [];
  const context: StepContext = {
    rig, suite, captures: new Map(), update, progress: () => {}, measured: (m) => measured.push(m), limited: (text) => limited.push(text),
  };
  let ended: { error: Error | undefined } | undefined;
  const run = async () => {
    for (const step of suite.steps) await runStep(step, context);
  };
  run().then(() => (ended = { error: undefined }), (error: Error) => (ended = { error }));
  const queue = [...cues].sort((a, b) => a[0] - b[0]);
  for (;;) {
    await settle();
    if (ended) return { ...ended, measured, limited, context };
    const next = Math.min(queue[0]?.[0] ?? Infinity, rig.clock.nextDue() ?? Infinity);
    if (next === Infinity) throw new Error(`the steps still wait at ${rig.clock.now()} rig ms, with nothing left to happen`);
    rig.clock.advance(Math.max(0, next - rig.clock.now()));
    while (queue[0] && queue[0][0] <= rig.clock.now()) {
      const [, what] = queue.shift()!;
      if (typeof what === 'string') rig.say(what);
      else what(rig);
      await settle();
    }
  }
}

/** A session seen through PDN events alone, on context `cid`, from `up` to `down` rig ms. */
const pdnSession = (up: number, down: number, cid = 2): Cue[] => [[up, pdnUp(cid)], [down, pdnDown(cid)]];

/** A session seen through whole proactive commands: OPEN CHANNEL, the PDN context, SEND and RECEIVE DATA (unless `data` is false), CLOSE CHANNEL. */
const commandSession = (up: number, down: number, data = true): Cue[] => [
  [up - 100, openChannelLine('ota.super')],
  [up, pdnUp(2)],
  ...(data ? ([[up + 500, SEND_DATA], [up + 800, RECEIVE_DATA]] as Cue[]) : []),
  [down - 10, CLOSE_CHANNEL],
  [down, pdnDown(2)],
];

const CHECK_AT = 1_000;
/** Steps that force the OTA check at CHECK_AT rig ms, then expect sessions. */
const afterCheck = (expectSession: Record<string, unknown>): unknown[] => [
  { wait: `${CHECK_AT} ms` },
  { forceCheck: {} },
  { expectSession: { from: 'force-check', within: { max: '60 s' }, ...expectSession } },
];

const value = (outcome: Outcome, name: string) => outcome.measured.find((m) => m.name === name);

describe('steps: expectSession counts', () => {
  it('passes three sessions back to back and counts them, the window ending at the last close', async () => {
    const rig = new ScriptedRig();
    const outcome = await play(rig, afterCheck({ count: 3, followOnWithin: '30 s', measureCount: 'sessions', measureWindow: 'window' }), [
      ...pdnSession(6_000, 10_000),
      ...pdnSession(39_000, 45_000), // 29 s after the first closed
      ...pdnSession(50_000, 61_000),
    ]);
    expect(outcome.error).to.equal(undefined);
    expect(value(outcome, 'sessions')?.value).to.equal(3);
    expect(value(outcome, 'window')).to.include({ value: 60, uncertainty: 0.022 });
    expect(rig.marks.get('last-close')).to.equal(61_000);
    expect(outcome.limited).to.deep.equal([]);
    expect(['opened', 'closed', 'refused', 'identified'].map((event) => rig.observer.listenerCount(event))).to.deep.equal([0, 0, 0, 0]);
  });

  it('fails with "only 1 of 3" when no follow-on comes within followOnWithin, and counts the one', async () => {
    const rig = new ScriptedRig();
    const outcome = await play(rig, afterCheck({ count: 3, followOnWithin: '30 s', measureCount: 'sessions' }), [
      ...pdnSession(6_000, 10_000),
      ...pdnSession(40_001, 45_000), // 30 s + 1 ms after the close: too late to be a follow-on
    ]);
    expect(outcome.error?.message).to.equal('only 1 of 3 ota.super sessions: no follow-on session within 30 s of session 1 closing');
    expect(value(outcome, 'sessions')?.value).to.equal(1);
  });

  it('takes a follow-on 1 ms inside followOnWithin, and the gap defaults to within.max', async () => {
    const inside = await play(new ScriptedRig(), afterCheck({ count: 2, followOnWithin: '30 s' }), [...pdnSession(6_000, 10_000), ...pdnSession(39_999, 41_000)]);
    expect(inside.error).to.equal(undefined);
    const byWindow = await play(new ScriptedRig(), afterCheck({ count: 2 }), [...pdnSession(6_000, 10_000), ...pdnSession(69_999, 71_000)]);
    expect(byWindow.error).to.equal(undefined);
    const late = await play(new ScriptedRig(), afterCheck({ count: 2 }), [...pdnSession(6_000, 10_000), ...pdnSession(70_001, 71_000)]);
    expect(late.error?.message).to.equal('only 1 of 2 ota.super sessions: no follow-on session within 1 min of session 1 closing');
  });

  it('on a fast clock waits for a follow-on as long as the host needs to read it, yet takes none whose ± lies past the gap', async () => {
    // At 1000× the wall the 30 s gap is 30 wall ms: the line of a follow-on that came 29 s after the
    // close can be read 3 wall ms late behind a busy loop, stamped at 32 s with a bound of 3 s.
    const readLate = (lateBy: number) => (rig: ScriptedRig) => rig.urcs.say(pdnUp(2), rig.clock.now(), lateBy);
    const steps = afterCheck({ count: 2, followOnWithin: '30 s', measureCount: 'sessions' });
    const late = await play(new ScriptedRig(1_000), steps, [...pdnSession(6_000, 10_000), [42_000, readLate(3_000)], [43_000, pdnDown(2)]]);
    expect(late.error).to.equal(undefined);
    expect(value(late, 'sessions')?.value).to.equal(2);
    // Read as late, but with a bound that cannot reach back into the gap: no follow-on.
    const past = await play(new ScriptedRig(1_000), steps, [...pdnSession(6_000, 10_000), [42_000, readLate(1_000)], [43_000, pdnDown(2)]]);
    expect(past.error?.message).to.equal('only 1 of 2 ota.super sessions: no follow-on session within 30 s of session 1 closing');
  });

  it('a session on another APN between them is no follow-on', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 2, followOnWithin: '10 s' }), [...pdnSession(6_000, 10_000), ...pdnSession(12_000, 13_000, 3), ...pdnSession(21_000, 22_000)]);
    expect(outcome.error?.message).to.equal('only 1 of 2 ota.super sessions: no follow-on session within 10 s of session 1 closing');
  });

  it('fails on a refused follow-on, counting the sessions before it', async () => {
    const rig = new ScriptedRig();
    const outcome = await play(rig, afterCheck({ count: 2, measureCount: 'sessions' }), [
      ...pdnSession(6_000, 10_000),
      [20_000, openChannelLine('ota.super')],
      [20_300, SESSION_END],
    ]);
    expect(outcome.error?.message).to.equal('follow-on ota.super session 2 of 2 was refused by the module');
    expect(value(outcome, 'sessions')?.value).to.equal(1);
  });

  it('fails on a refused first session, with when it came', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ measure: 'first_session' }), [[4_000, openChannelLine('ota.super')], [4_500, SESSION_END]]);
    expect(outcome.error?.message).to.equal(
      'OPEN CHANNEL for ota.super at 3.5 s after force-check was refused by the module: no data connection came up before the card ended its proactive session',
    );
    expect(value(outcome, 'first_session')?.value).to.equal(3.5);
  });

  it('fails a session of several that never closes, naming which', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 2 }), [[6_000, pdnUp(2)]]);
    expect(outcome.error?.message).to.equal('ota.super session 1 of 2 did not close within 10 min');
  });

  it('count update with an update pending expects its blocks', async () => {
    const rig = new ScriptedRig();
    rig.updates = serverUpdates({ blocks: 3, deliveredBlocks: 1, status: 'in-progress' });
    const outcome = await play(rig, [{ wait: `${CHECK_AT} ms` }, { forceCheck: {} }, { expectSession: { from: 'force-check', within: { max: '60 s' }, count: 'update' } }], pdnSession(6_000, 10_000));
    expect(outcome.context.update).to.deep.equal({ state: 'pending', blocks: 2, source: 'the test server' });
    expect(outcome.error?.message).to.equal('only 1 of 2 ota.super sessions: no follow-on session within 1 min of session 1 closing');
    expect(outcome.limited).to.deep.equal([]);
  });

  for (const [known, updates, why] of [
    ['none pending', () => new DeclaredUpdates(false, () => 0), "no update is pending (the operator's declaration)"],
    ['unknown', () => new UnknownUpdates(), 'whether an update is pending is unknown: the rig cannot see the OTA server and no update was declared (--update-pending or --no-update-pending)'],
  ] as const) {
    it(`count update with ${known}: counts every follow-on that comes, and says the delivery was not judged`, async () => {
      const rig = new ScriptedRig();
      rig.updates = updates();
      const outcome = await play(rig, afterCheck({ count: 'update', measureCount: 'sessions' }), [...pdnSession(6_000, 10_000), ...pdnSession(20_000, 30_000)]);
      expect(outcome.error).to.equal(undefined);
      expect(value(outcome, 'sessions')?.value).to.equal(2);
      expect(outcome.limited).to.deep.equal([`the sessions of an update's delivery were counted, not judged against its blocks: ${why}`]);
    });
  }

  it('count update where no step asked for an update counts the sessions, and one that does not close is named by its number', async () => {
    const outcome = await play(new ScriptedRig(), [{ mark: 'start' }, { expectSession: { from: 'start', within: { max: '60 s' }, count: 'update' } }], [
      ...pdnSession(5_000, 6_000), [7_000, pdnUp(2)],
    ]);
    expect(outcome.error?.message).to.equal('ota.super session 2 did not close within 10 min');
    expect(outcome.limited).to.deep.equal(["the sessions of an update's delivery were counted, not judged against its blocks: no update was staged or declared for this suite"]);
  });

  it('count update with no update known and no session at all still fails the missing first session', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 'update' }));
    expect(outcome.error?.message).to.equal('no ota.super session within 1 min of force-check');
  });
});

describe('steps: expectSession requireData', () => {
  it('fails the only session when its proactive commands show no SEND or RECEIVE DATA', async () => {
    const rig = new ScriptedRig();
    rig.evidenceLevel = 'proactive-commands';
    const outcome = await play(rig, afterCheck({ requireData: true, failureMeans: 'the update never reached the device' }), commandSession(6_000, 10_000, false));
    expect(outcome.error?.message).to.equal(
      'ota.super session closed after 4.0 s without exchanging data with the OTA server (no SEND DATA or RECEIVE DATA seen): the update never reached the device',
    );
  });

  it('passes a session whose proactive commands show data', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ requireData: true }), commandSession(6_000, 10_000));
    expect(outcome.error).to.equal(undefined);
    expect(outcome.limited).to.deep.equal([]);
  });

  it('judges the last of several sessions too, naming it', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 2, requireData: true }), [...commandSession(6_000, 10_000), ...commandSession(20_000, 25_000, false)]);
    expect(outcome.error?.message).to.equal('ota.super session 2 of 2 closed after 5.0 s without exchanging data with the OTA server (no SEND DATA or RECEIVE DATA seen)');
  });

  it('judges a session before the last as it closes', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 2, requireData: true }), [...commandSession(6_000, 10_000, false), ...commandSession(20_000, 25_000)]);
    expect(outcome.error?.message).to.equal('ota.super session 1 of 2 closed after 4.0 s without exchanging data with the OTA server (no SEND DATA or RECEIVE DATA seen)');
  });

  it('on sessions counted for no known update, the first alone goes without a number', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 'update', requireData: true }), commandSession(6_000, 10_000, false));
    expect(outcome.error?.message).to.equal('ota.super session closed after 4.0 s without exchanging data with the OTA server (no SEND DATA or RECEIVE DATA seen)');
  });

  it('on sessions counted for no known update, names the session by its number', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 'update', requireData: true }), [...commandSession(6_000, 10_000), ...commandSession(20_000, 25_000, false)]);
    expect(outcome.error?.message).to.equal('ota.super session 2 closed after 5.0 s without exchanging data with the OTA server (no SEND DATA or RECEIVE DATA seen)');
  });

  it('records a session seen through PDN events alone as limited evidence, not a failure', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ requireData: true }), pdnSession(6_000, 10_000));
    expect(outcome.error).to.equal(undefined);
    expect(outcome.limited).to.deep.equal([
      'data exchange with the OTA server is not observable on generic-27007 (pdn evidence): ota.super session was seen through PDN context events, which do not show SEND DATA or RECEIVE DATA',
    ]);
  });

  it('names every layer a session without commands was seen through, for each session of several', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 2, requireData: true }), [
      [6_000, pdnUp(2)], [6_100, BIP_UP], [9_000, BIP_DOWN], [9_100, pdnDown(2)],
      ...pdnSession(20_000, 25_000),
    ]);
    expect(outcome.error).to.equal(undefined);
    expect(outcome.limited.map((text) => text.replace(/^.*: (ota\.super session)/, '$1'))).to.deep.equal([
      'ota.super session 1 of 2 was seen through PDN context events and BIP link events, which do not show SEND DATA or RECEIVE DATA',
      'ota.super session 2 of 2 was seen through PDN context events, which do not show SEND DATA or RECEIVE DATA',
    ]);
  });

  it('a session the power ended without data fails without a duration', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ requireData: true }), [[5_900, openChannelLine('ota.super')], [6_000, pdnUp(2)], [9_000, (r) => r.observer.powerLost()]]);
    expect(outcome.error?.message).to.equal('ota.super session closed without exchanging data with the OTA server (no SEND DATA or RECEIVE DATA seen)');
  });

  it('does not judge data where requireData is off', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({}), commandSession(6_000, 10_000, false));
    expect(outcome.error).to.equal(undefined);
    expect(outcome.limited).to.deep.equal([]);
  });
});

describe('steps: expectSession window', () => {
  const within = (max: string, extra: Record<string, unknown> = {}) => afterCheck({ within: { max }, measure: 'first_session', ...extra });

  it('passes a session 1 ms before within.max, and measures it with the ± bound of anchor, session and resolution', async () => {
    const outcome = await play(new ScriptedRig(), within('60 s'), pdnSession(CHECK_AT + 59_999, CHECK_AT + 65_000));
    expect(outcome.error).to.equal(undefined);
    expect(value(outcome, 'first_session')).to.deep.equal({
      name: 'first_session', description: 'check to session', value: 59.999, unit: 's', uncertainty: (CSIM_ROUND_TRIP / 2 + RESOLUTION) / 1000, max: 120, verdict: 'pass',
    });
  });

  it('fails a session 1 ms after within.max, with no grace: no session in the window', async () => {
    const outcome = await play(new ScriptedRig(), within('60 s'), pdnSession(CHECK_AT + 60_001, CHECK_AT + 65_000));
    expect(outcome.error?.message).to.equal('no ota.super session within 1 min of force-check');
  });

  it('with grace, a session in the grace is seen and fails the upper limit; one after the grace is missing', async () => {
    const inGrace = await play(new ScriptedRig(), within('60 s', { grace: '10 s' }), pdnSession(CHECK_AT + 60_001, CHECK_AT + 65_000));
    expect(inGrace.error?.message).to.equal('the first ota.super session opened 60.0 s after force-check, after the 1 min upper limit');
    expect(value(inGrace, 'first_session')?.value).to.equal(60.001);
    const afterGrace = await play(new ScriptedRig(), within('60 s', { grace: '10 s' }), pdnSession(CHECK_AT + 70_001, CHECK_AT + 75_000));
    expect(afterGrace.error?.message).to.equal('no ota.super session within 1 min (+10 s grace) of force-check');
  });

  it('fails a session 1 ms before within.min, and passes one 1 ms after', async () => {
    const early = await play(new ScriptedRig(), within('60 s', { within: { min: '10 s', max: '60 s' } }), pdnSession(CHECK_AT + 9_999, CHECK_AT + 15_000));
    expect(early.error?.message).to.equal('the first ota.super session opened 10.0 s after force-check, before the 10 s lower limit');
    const inside = await play(new ScriptedRig(), within('60 s', { within: { min: '10 s', max: '60 s' } }), pdnSession(CHECK_AT + 10_001, CHECK_AT + 15_000));
    expect(inside.error).to.equal(undefined);
  });

  it('ignores a session that opened before the anchor, and names the sessions on other APNs since it', async () => {
    const outcome = await play(new ScriptedRig(), within('60 s'), [
      [CHECK_AT - 2, pdnUp(1)], [CHECK_AT - 1, pdnUp(2)], [CHECK_AT, pdnUp(3)], [5_000, pdnDown(2)], [6_000, pdnDown(3)], ...pdnSession(7_000, 8_000, 3), [9_000, BIP_UP],
    ]);
    expect(outcome.error?.message).to.equal('no ota.super session within 1 min of force-check; sessions on other APNs: other.apn at 0.0 s, other.apn at 6.0 s, unknown APN at 8.0 s');
  });

  it('a session at the anchor\'s very instant is the step\'s, 0 s after it', async () => {
    const outcome = await play(new ScriptedRig(), within('60 s'), pdnSession(CHECK_AT, CHECK_AT + 5_000));
    expect(outcome.error).to.equal(undefined);
    expect(value(outcome, 'first_session')?.value).to.equal(0);
  });

  it('a session exactly at within.min or, with grace, at within.max passes', async () => {
    const atMin = await play(new ScriptedRig(), within('60 s', { within: { min: '10 s', max: '60 s' } }), pdnSession(CHECK_AT + 10_000, CHECK_AT + 15_000));
    expect(atMin.error).to.equal(undefined);
    const atMax = await play(new ScriptedRig(), within('60 s', { grace: '10 s' }), pdnSession(CHECK_AT + 60_000, CHECK_AT + 65_000));
    expect(atMax.error).to.equal(undefined);
  });

  it('an anchor never set in the run is an error naming it', async () => {
    const outcome = await play(new ScriptedRig(), [{ expectSession: { from: 'ready', within: { max: '60 s' } } }]);
    expect(outcome.error?.message).to.equal('the anchor "ready" was never set in this run: no earlier step sets it');
  });

  it('a session that came and went before the step began is still found, and its follow-on window runs from its close', async () => {
    const steps = [{ mark: 'start' }, { wait: '5 s' }, { expectSession: { from: 'start', within: { max: '60 s' }, count: 2, followOnWithin: '10 s', measureWindow: 'window' } }];
    const inTime = await play(new ScriptedRig(), steps, [...pdnSession(1_000, 2_000), ...pdnSession(11_999, 13_000)]);
    expect(inTime.error).to.equal(undefined);
    expect(value(inTime, 'window')?.value).to.equal(13);
    const late = await play(new ScriptedRig(), steps, [...pdnSession(1_000, 2_000), ...pdnSession(12_001, 13_000)]);
    expect(late.error?.message).to.equal('only 1 of 2 ota.super sessions: no follow-on session within 10 s of session 1 closing');
  });

  it('only its own session\'s close ends a session: a data context closing meanwhile does not', async () => {
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 2, followOnWithin: '5 s' }), [
      [6_000, pdnUp(2)], ...pdnSession(7_000, 8_000, 1), [20_000, pdnDown(2)], ...pdnSession(24_000, 26_000),
    ]);
    expect(outcome.error).to.equal(undefined);
  });

  it('a session that closes 1 s after the 10 min close limit has not closed in time', async () => {
    // The close wait starts as session 1 opens, at 6 s.
    const outcome = await play(new ScriptedRig(), afterCheck({ count: 2 }), [[6_000, pdnUp(2)], [607_000, pdnDown(2)], ...pdnSession(610_000, 611_000)]);
    expect(outcome.error?.message).to.equal('ota.super session 1 of 2 did not close within 10 min');
  });

  it('status words compare without regard to case', async () => {
    const rig = new ScriptedRig();
    rig.statusWord = '6F00';
    expect((await play(rig, [{ forceCheck: { expectStatus: ['6f00'] } }])).error).to.equal(undefined);
  });

  it('adds what the failure means', async () => {
    const outcome = await play(new ScriptedRig(), within('60 s', { failureMeans: 'the device misses its updates' }));
    expect(outcome.error?.message).to.equal('no ota.super session within 1 min of force-check: the device misses its updates');
  });

  it('finds a session announced without its APN once its context names it (BIP link up before the PDN event)', async () => {
    const outcome = await play(new ScriptedRig(), within('60 s'), [[6_000, BIP_UP], [6_300, pdnUp(2)], [9_000, BIP_DOWN], [9_100, pdnDown(2)]]);
    expect(outcome.error).to.equal(undefined);
    expect(value(outcome, 'first_session')?.value).to.equal(5);
  });

  it('waits for the APN the step names', async () => {
    const outcome = await play(new ScriptedRig(), within('60 s', { apn: 'other.apn' }), [...pdnSession(3_000, 4_000), ...pdnSession(5_000, 6_000, 3)]);
    expect(outcome.error).to.equal(undefined);
    expect(value(outcome, 'first_session')?.value).to.equal(4);
  });
});

describe('steps: expectSession measurements', () => {
  it('measures the window and the stay-awake timer to the last close, with the margin', async () => {
    const rig = new ScriptedRig();
    const outcome = await play(rig, afterCheck({ count: 2, measureWindow: 'window', measureStayAwake: 'stay_awake', stayAwakeMargin: '45 s' }), [
      ...pdnSession(6_000, 10_000),
      ...pdnSession(20_000, 31_000),
    ]);
    expect(outcome.error).to.equal(undefined);
    expect(value(outcome, 'window')).to.include({ value: 30, uncertainty: 0.022, verdict: 'pass' });
    expect(value(outcome, 'stay_awake')).to.include({ value: 75, uncertainty: 0.022 });
  });

  it('a session ended by a power loss has no close time: no window, and a follow-on is waited for from the loss', async () => {
    const lost: Cue = [10_000, (r) => r.observer.powerLost()];
    const one = new ScriptedRig();
    const single = await play(one, afterCheck({ measureWindow: 'window', measureCount: 'sessions' }), [[6_000, pdnUp(2)], lost]);
    expect(single.error).to.equal(undefined);
    expect(single.measured.map((m) => [m.name, m.value])).to.deep.equal([['sessions', 1]]);
    expect(one.marks.has('last-close')).to.equal(false);
    const followed = await play(new ScriptedRig(), afterCheck({ count: 2, followOnWithin: '10 s' }), [[6_000, pdnUp(2)], lost, ...pdnSession(19_000, 20_000)]);
    expect(followed.error).to.equal(undefined);
  });

  it('records no window for a session that never closes, and keeps last-close unset', async () => {
    const rig = new ScriptedRig();
    const outcome = await play(rig, afterCheck({ measureWindow: 'window', measureCount: 'sessions' }), [[6_000, pdnUp(2)]]);
    expect(outcome.error).to.equal(undefined);
    expect(outcome.measured.map((m) => [m.name, m.value])).to.deep.equal([['sessions', 1]]);
    expect(rig.marks.has('last-close')).to.equal(false);
  });

  it('an exact anchor adds only the resolution; a polled session adds half its polling interval', async () => {
    const rig = new ScriptedRig();
    const steps = [{ mark: 'start' }, { expectSession: { from: 'start', within: { max: '60 s' }, measure: 'first_session', measureWindow: 'window' } }];
    const active = (cids: number[]) => new Map(cids.map((cid) => [cid, cid === 2 ? 'ota.super' : 'super']));
    const outcome = await play(rig, steps, [
      [10_000, (r) => r.observer.polled(active([2]), 10_000, 4_000)], // opened somewhere in 6–10 s: dated 8 s ± 2 s
      [30_000, (r) => r.observer.polled(active([]), 30_000, 4_000)], // closed somewhere in 26–30 s
    ]);
    expect(outcome.error).to.equal(undefined);
    expect(value(outcome, 'first_session')).to.include({ value: 8, uncertainty: 2.002 });
    expect(value(outcome, 'window')).to.include({ value: 28, uncertainty: 2.002 });
  });

  it('finds a polled session whose mid-interval date falls before the anchor it came after', async () => {
    const rig = new ScriptedRig();
    const active = new Map([[2, 'ota.super']]);
    // The check at 1 s; the poll at 2 s with 4 s since the last one: the session opened in 1–2 s, not before the check.
    const outcome = await play(rig, afterCheck({ measure: 'first_session' }), [[2_000, (r) => r.observer.polled(active, 2_000, 4_000)], [6_000, (r) => r.observer.polled(new Map(), 6_000, 4_000)]]);
    expect(outcome.error).to.equal(undefined);
    // In 0–1 s after the check: 0.5 s ± 0.5 s, plus the anchor's and the resolution's.
    expect(value(outcome, 'first_session')).to.include({ value: 0.5, uncertainty: 0.522 });
  });
});

describe('steps: expectNoSession', () => {
  it('fails on a session in the window, saying when it came', async () => {
    const rig = new ScriptedRig();
    rig.marks.set('power-on', 0);
    const outcome = await play(rig, [{ wait: '2 s' }, { expectNoSession: { for: '30 s', failureMeans: 'the device wastes data' } }], pdnSession(31_999, 33_000));
    expect(outcome.error?.message).to.equal('an ota.super session opened 30.0 s into a 30.0 s window where none was expected, 32.0 s after the last power-on: the device wastes data');
  });

  it('names the time since the power-on before the last, where there was one', async () => {
    const rig = new ScriptedRig();
    rig.marks.set('previous-power-on', 500);
    rig.marks.set('power-on', 1_000);
    const outcome = await play(rig, [{ wait: '2 s' }, { expectNoSession: { for: '30 s' } }], pdnSession(4_000, 5_000));
    expect(outcome.error?.message).to.equal('an ota.super session opened 2.0 s into a 30.0 s window where none was expected, 3.0 s after the last power-on and 3.5 s after the one before it');
  });

  it('passes a window with the session just after it, or on another APN', async () => {
    const outcome = await play(new ScriptedRig(), [{ wait: '2 s' }, { expectNoSession: { for: '30 s' } }], [...pdnSession(32_001, 33_000), ...pdnSession(5_000, 6_000, 1)]);
    expect(outcome.error).to.equal(undefined);
  });

  it('anchored to a mark, judges the window from the mark, whatever the steps before took', async () => {
    // The window is 0–30 s after the mark at 0; the step starts at 20 s, the session opens at 10 s.
    const rig = new ScriptedRig();
    rig.marks.set('power-on', 0);
    const outcome = await play(rig, [{ wait: '20 s' }, { expectNoSession: { from: 'power-on', for: '30 s' } }], pdnSession(10_000, 11_000));
    expect(outcome.error?.message).to.equal('an ota.super session opened 10.0 s into a 30.0 s window from power-on where none was expected, 10.0 s after the last power-on');
  });

  it('anchored to a mark, passes a session after the window that opened before the step started', async () => {
    // The window 0–30 s ended before the step (at 40 s); the session at 32 s is outside it.
    const rig = new ScriptedRig();
    rig.marks.set('power-on', 0);
    const outcome = await play(rig, [{ wait: '40 s' }, { expectNoSession: { from: 'power-on', for: '30 s' } }], pdnSession(32_000, 33_000));
    expect(outcome.error).to.equal(undefined);
    expect(rig.clock.now()).to.equal(40_000);
  });

  it('fails on a polled session that may have opened inside the window though dated before it', async () => {
    const rig = new ScriptedRig();
    const outcome = await play(rig, [{ wait: '2 s' }, { expectNoSession: { for: '30 s' } }], [[3_000, (r) => r.observer.polled(new Map([[2, 'ota.super']]), 3_000, 4_000)]]);
    expect(outcome.error?.message).to.equal('an ota.super session opened 0.5 s into a 30.0 s window where none was expected');
  });
});

describe('steps: updates and conditions', () => {
  it('an onlyIf step is skipped with a limitation where no update is known pending, and sent where one is', async () => {
    const step = { at: { send: 'AT+CIMI', onlyIf: 'imsi-switch', failureMeans: 'the IMSI switch' } };
    const skipped = new ScriptedRig();
    const notPending = await play(skipped, [step], [], { state: 'none', source: 'the test server' });
    expect(skipped.done).to.deep.equal([]);
    expect(notPending.limited).to.deep.equal(['not checked: AT+CIMI (the IMSI switch) needs a pending update that switches the IMSI; no update is pending (the test server)']);

    const withoutImsi = new ScriptedRig();
    const pendingWithoutImsi = await play(withoutImsi, [step], [], { state: 'pending', blocks: 2, source: 'the test server' });
    expect(withoutImsi.done).to.deep.equal([]);
    expect(pendingWithoutImsi.limited).to.deep.equal(['not checked: AT+CIMI (the IMSI switch) needs a pending update that switches the IMSI; an update of 2 blocks is pending (the test server)']);

    const sent = new ScriptedRig();
    const pending = await play(sent, [step], [], { state: 'pending', blocks: 1, newImsi: '001010123456789', source: 'the test server' });
    expect(sent.done).to.deep.equal(['AT+CIMI']);
    expect(pending.limited).to.deep.equal([]);

    const oneBlock = await play(new ScriptedRig(), [step], [], { state: 'pending', blocks: 1, source: 'the test server' });
    expect(oneBlock.limited).to.deep.equal(['not checked: AT+CIMI (the IMSI switch) needs a pending update that switches the IMSI; an update of 1 block is pending (the test server)']);
  });

  it('update-pending holds for any pending update; with none staged the limitation says so', async () => {
    const step = { at: { send: 'AT+CIMI', onlyIf: 'update-pending' } };
    const sent = new ScriptedRig();
    await play(sent, [step], [], { state: 'pending', blocks: 1, source: 'the test server' });
    expect(sent.done).to.deep.equal(['AT+CIMI']);
    const outcome = await play(new ScriptedRig(), [step]);
    expect(outcome.limited).to.deep.equal(['not checked: AT+CIMI (the step) needs an update pending at the OTA check; no update was staged or declared for this suite']);
  });

  it('expectUpdate is skipped where the update source cannot show statuses', async () => {
    const rig = new ScriptedRig();
    rig.updates = new DeclaredUpdates({ blocks: 1 }, () => 0);
    const outcome = await play(rig, [{ forceCheck: {} }, { expectUpdate: { status: 'successful' } }]);
    expect(outcome.error).to.equal(undefined);
    expect(outcome.context.update).to.deep.equal({ state: 'pending', blocks: 1, source: "the operator's declaration" });
    expect(outcome.limited).to.deep.equal(["the update's status (expected successful) is not observable: the operator's declaration does not show it"]);
  });

  it('expectUpdate is skipped where no update was pending at the check, and judged where one was', async () => {
    const none = new ScriptedRig();
    none.updates = serverUpdates({ status: 'successful' });
    const skipped = await play(none, [{ forceCheck: {} }, { expectUpdate: { status: 'successful' } }]);
    expect(skipped.limited).to.deep.equal(["not checked: the update's status (expected successful) needs an update pending at the check; no update is pending (the test server)"]);

    const pending = new ScriptedRig();
    pending.updates = serverUpdates({ status: 'in-progress', blocks: 3, deliveredBlocks: 1 });
    const judged = await play(pending, [{ forceCheck: {} }, { expectUpdate: { status: 'successful' } }]);
    expect(judged.error?.message).to.equal("the staged update is in-progress (1 of 3 blocks delivered), expected successful: expected 'in-progress' to equal 'successful'");
  });

  it('expectUpdate with nothing known of an update, or with none on the server, says so', async () => {
    const unknown = new ScriptedRig();
    unknown.updates = serverUpdates();
    const skipped = await play(unknown, [{ expectUpdate: { status: 'successful' } }]);
    expect(skipped.limited).to.deep.equal(["not checked: the update's status (expected successful) needs an update pending at the check; no update was staged or declared for this suite"]);
    const empty = new ScriptedRig();
    empty.updates = serverUpdates();
    const none = await play(empty, [{ expectUpdate: { status: 'successful' } }], [], { state: 'pending', blocks: 1, source: 'the test server' });
    expect(none.error?.message).to.equal('no update was ever staged for this SIM: expected undefined to not equal undefined');
  });

  it('stageUpdate where only a person can stage notes what is known, and keeps it for later steps', async () => {
    const rig = new ScriptedRig();
    rig.updates = new DeclaredUpdates({ blocks: 2, newImsi: '001010123456789' }, () => 0);
    const outcome = await play(rig, [{ stageUpdate: { blocks: 2 } }]);
    expect(rig.notes).to.deep.equal(["not staged by the harness (the operator's declaration): an update of 2 blocks switching the IMSI to 001010123456789 is pending (the operator's declaration)"]);
    expect(outcome.context.update).to.deep.equal({ state: 'pending', blocks: 2, newImsi: '001010123456789', source: "the operator's declaration" });
  });

  it('stageUpdate on a server stages it without a note, and what is pending then follows the server', async () => {
    const rig = new ScriptedRig();
    rig.updates = serverUpdates({ status: 'successful' });
    const outcome = await play(rig, [{ stageUpdate: { blocks: 1 } }]);
    expect(rig.notes).to.deep.equal([]);
    expect(outcome.context.update).to.deep.equal({ state: 'pending', blocks: 1, source: 'the test server' });
  });

  it('forceCheck fails on a status word it does not accept, and accepts 91xx for any 91 status', async () => {
    const refused = new ScriptedRig();
    refused.statusWord = '6F00';
    const outcome = await play(refused, [{ forceCheck: {} }]);
    expect(outcome.error?.message).to.equal('the SIM answered the forced-check ENVELOPE with status 6F00, expected 9000 or 91xx: expected false to be true');
    const pending = new ScriptedRig();
    pending.statusWord = '910B';
    expect((await play(pending, [{ forceCheck: {} }])).error).to.equal(undefined);
  });
});

describe('steps: the plain steps', () => {
  it('power, ready, registered, mark and wait do what they say on the rig', async () => {
    const rig = new ScriptedRig();
    const outcome = await play(rig, [{ power: 'cycle' }, { power: 'off' }, { power: 'on' }, { wait: '5 s' }, { ready: {} }, { registered: {} }, { mark: 'here' }]);
    expect(outcome.error).to.equal(undefined);
    expect(rig.done).to.deep.equal(['power cycle', 'power off', 'power on']);
    expect(Object.fromEntries(rig.marks)).to.deep.equal({ ready: 5_000, registered: 5_000, here: 5_000 });
  });
});

describe('steps: at', () => {
  const at = (options: Record<string, unknown>) => ({ at: { send: 'AT+CGDCONT?', ...options } });
  const answering = (lines: string[], final = 'OK') => {
    const rig = new ScriptedRig();
    rig.answers.set('AT+CGDCONT?', { lines, final });
    return rig;
  };

  it('passes the answer it expects, sending with the step\'s timeout', async () => {
    const rig = answering(['+CGDCONT: 1,"IP","super"']);
    const outcome = await play(rig, [at({ timeout: '3 s' }), at({})]);
    expect(outcome.error).to.equal(undefined);
    expect(rig.sendOptions).to.deep.equal([{ timeoutMs: 3_000 }, {}]);
  });

  it('fails an ERROR where OK was expected, and an OK where ERROR was, with what the failure means', async () => {
    const refused = await play(answering([], 'ERROR'), [at({ failureMeans: 'no contexts' })]);
    expect(refused.error?.message).to.equal('AT+CGDCONT? answered ERROR, expected OK: no contexts');
    const accepted = await play(answering([]), [at({ expect: 'ERROR' })]);
    expect(accepted.error?.message).to.equal('AT+CGDCONT? answered OK, expected ERROR');
    expect((await play(answering([], '+CME ERROR: 4'), [at({ expect: 'ERROR' })])).error).to.equal(undefined);
  });

  it('fails where no line matches, listing the lines', async () => {
    const some = await play(answering(['+CGDCONT: 1,"IP","super"', '+CGDCONT: 2,"IP","x"']), [at({ match: 'ota\\.super' })]);
    expect(some.error?.message).to.equal('AT+CGDCONT?: no line matches /ota\\.super/; the module answered: +CGDCONT: 1,"IP","super" | +CGDCONT: 2,"IP","x"');
    const none = await play(answering([]), [at({ match: 'ota\\.super' })]);
    expect(none.error?.message).to.equal('AT+CGDCONT?: no line matches /ota\\.super/; the module answered: (no lines)');
    expect((await play(answering(['a', '+CGDCONT: 2,"IP","ota.super"']), [at({ match: 'ota\\.super' })])).error).to.equal(undefined);
  });

  it('captures the first line; differsFrom and sameAs compare a later answer with it', async () => {
    const rig = answering(['first', 'second']);
    const steps = [at({ capture: 'before' }), at({ sameAs: 'before' }), at({ differsFrom: 'before', failureMeans: 'nothing changed' })];
    const unchanged = await play(rig, steps);
    expect([...unchanged.context.captures]).to.deep.equal([['before', 'first']]);
    expect(unchanged.error?.message).to.equal('AT+CGDCONT? answered "first", unchanged from before: nothing changed');

    const changing = new ScriptedRig();
    let answer = 0;
    changing.at.send = async (command) => {
      answer += 1;
      return { command, lines: answer === 1 ? ['one'] : [], final: 'OK', ok: true, startedAt: 0, endedAt: 0 };
    };
    const changed = await play(changing, [at({ capture: 'before' }), at({ differsFrom: 'before' }), at({ sameAs: 'before' })]);
    expect(changed.error?.message).to.equal('AT+CGDCONT? answered "", not the before "one"');
  });
});

describe('steps: titles', () => {
  const title = (step: unknown) => describeStep(suiteOf([{ mark: 'm' }, step]).steps[1] as Step, 'ota.super');

  it('says what each step does', () => {
    expect([
      { power: 'cycle' }, { ready: {} }, { registered: {} }, { at: { send: 'AT+CGDCONT?' } }, { at: { send: 'AT', expect: 'ERROR', match: '^OK$' } },
      { forceCheck: {} }, { forceCheck: { expectStatus: ['9000'] } },
      { expectSession: { from: 'm', within: { max: '90 s' } } },
      { expectSession: { from: 'm', apn: 'other.apn', within: { min: '5 s', max: '2 min' }, count: 3 } },
      { expectSession: { from: 'm', within: { max: '90 s' }, count: 'update' } },
      { expectNoSession: { for: '30 s' } }, { expectNoSession: { for: '1 min', apn: 'other.apn' } },
      { stageUpdate: {} }, { stageUpdate: { blocks: 3, newImsi: '001010123456789' } },
      { expectUpdate: { status: 'successful' } }, { wait: '5 s' }, { mark: 'later' },
    ].map(title)).to.deep.equal([
      'power cycle', 'wait for the module to be ready', 'wait for network registration', 'send AT+CGDCONT?, expect OK', 'send AT, expect ERROR and a line matching /^OK$/',
      'force an OTA check with AT+CSIM (expect 9000 or 91xx)', 'force an OTA check with AT+CSIM (expect 9000)',
      'expect an OTA session on ota.super within 1 min 30 s after m',
      'expect 3 OTA sessions on other.apn 5 s–2 min after m',
      "expect the pending update's OTA sessions on ota.super within 1 min 30 s after m",
      'expect no OTA session on ota.super for 30 s', 'expect no OTA session on other.apn for 1 min',
      'stage an OTA update in 1 block', 'stage an OTA update in 3 blocks that switches the IMSI to 001010123456789',
      'expect the staged update to be successful', 'wait 5 s', 'mark "later"',
    ]);
  });
});
