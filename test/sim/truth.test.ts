// Ground truth cut to one test's span: what each test's report shows of the simulator.
import { expect } from 'chai';
import { GroundTruth } from '../../harness/sim/truth.ts';
import { ManualClock } from '../../harness/time/clock.ts';

describe('ground truth between two rig times', () => {
  it('keeps what happened in the span, and the sessions that overlap it', () => {
    const clock = new ManualClock();
    const truth = new GroundTruth(clock);
    const at = (ms: number) => clock.advance(ms - clock.now());
    truth.powered(true);
    at(60_000);
    const early = truth.sessionRequested('ota.super', 'boot');
    truth.sessionOpened(early, 2);
    at(100_000);
    truth.sessionEnded(early, 'completed');
    at(150_000);
    const spanning = truth.sessionRequested('ota.super', 'forced');
    at(210_000);
    truth.powered(false);
    truth.sessionEnded(spanning, 'interrupted');
    at(220_000);
    truth.powered(true);

    const slice = truth.between(120_000, 215_000);
    expect(slice.powerOns).to.deep.equal([]);
    expect(slice.powerOffs).to.deep.equal([210_000]);
    expect(slice.sessions.map((s) => s.trigger)).to.deep.equal(['forced']);
    expect(slice.events.map((e) => e.what)).to.deep.equal(['session-requested', 'power-off', 'session-ended']);
    expect(truth.between(90_000, 95_000).sessions.map((s) => s.trigger), 'a session open across the span').to.deep.equal(['boot']);
    expect(truth.toJSON().powerOns, 'the whole run stays whole').to.deep.equal([0, 220_000]);
  });
});
