import { expect } from 'chai';
import { ManualClock, MAX_WALL_TIMEOUT_MS, ScaledClock, type Timer, type WallScheduler } from '../../harness/time/clock.ts';

const DAY = 86_400_000;

/**
 * Wall time that moves only when told to, scheduling as Node does: a delay beyond Node's longest
 * timeout fires after 1 ms, and none fires sooner than 1 ms. Every delay asked for is kept.
 */
function fakeWall() {
  const time = new ManualClock();
  const delays: number[] = [];
  const wall: WallScheduler = {
    now: () => time.now(),
    setTimeout: (fn, wallMs) => {
      delays.push(wallMs);
      return time.setTimer(fn, wallMs > MAX_WALL_TIMEOUT_MS ? 1 : Math.max(1, wallMs));
    },
    clearTimeout: (handle) => (handle as Timer).cancel(),
  };
  return { wall, delays, advance: (wallMs: number) => time.advance(wallMs) };
}

describe('scaled clock', () => {
  it('a 30-day timer at scale 1 fires after 30 days of wall time, not before', () => {
    const { wall, delays, advance } = fakeWall();
    const clock = new ScaledClock(1, wall);
    let firedAt: number | undefined;
    clock.setTimer(() => (firedAt = clock.now()), 30 * DAY);
    advance(30 * DAY - 1);
    expect(firedAt).to.equal(undefined);
    advance(1);
    expect(firedAt).to.equal(30 * DAY);
    expect(Math.max(...delays)).to.be.at.most(MAX_WALL_TIMEOUT_MS);
  });

  it('chains a long wait at a slow time scale and fires it on time', () => {
    const { wall, advance } = fakeWall();
    const clock = new ScaledClock(1e-3, wall);
    let fired = false;
    clock.setTimer(() => (fired = true), 400 * DAY); // 400 000 days of wall time
    advance(400_000 * DAY - 1);
    expect(fired).to.equal(false);
    advance(1);
    expect(fired).to.equal(true);
  });

  it('keeps the short timers of every AT command to one timeout each', () => {
    const { wall, delays, advance } = fakeWall();
    const clock = new ScaledClock(100, wall);
    let fired = false;
    clock.setTimer(() => (fired = true), 5000);
    advance(50);
    expect([fired, delays]).to.deep.equal([true, [50]]);
  });

  it('a long sleep resolves after its whole wait', async () => {
    const { wall, advance } = fakeWall();
    const clock = new ScaledClock(1, wall);
    let resolved = false;
    const sleeping = clock.sleep(60 * DAY).then(() => (resolved = true));
    advance(59 * DAY);
    await Promise.resolve();
    expect(resolved).to.equal(false);
    advance(DAY);
    await sleeping;
    expect(resolved).to.equal(true);
  });

  it('cancels a long wait halfway through its chain', () => {
    const { wall, advance } = fakeWall();
    const clock = new ScaledClock(1, wall);
    let fired = false;
    const timer = clock.setTimer(() => (fired = true), 90 * DAY);
    advance(45 * DAY);
    timer.cancel();
    advance(90 * DAY);
    expect(fired).to.equal(false);
  });

  it('an infinite delay never fires', () => {
    const { wall, advance } = fakeWall();
    let fired = false;
    new ScaledClock(1, wall).setTimer(() => (fired = true), Infinity);
    advance(1000 * DAY);
    expect(fired).to.equal(false);
  });

  it("with Node's own timers, a 30-day timer has not fired 200 ms later", async () => {
    const clock = new ScaledClock(1);
    let fired = false;
    const timer = clock.setTimer(() => (fired = true), 30 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 200));
    timer.cancel();
    expect(fired).to.equal(false);
  });

  it('refuses a NaN delay, which a timer would take for "at once"', () => {
    expect(() => new ScaledClock(1).setTimer(() => {}, NaN)).to.throw(RangeError, 'timer delay must be a number of rig ms, got NaN');
    expect(() => new ManualClock().setTimer(() => {}, NaN)).to.throw(RangeError, 'got NaN');
  });

  it('refuses a time scale outside 0.001 to 1000000', () => {
    for (const scale of [0, -1, 1e-300, 0.000999, 1_000_001, 1e308, Infinity, NaN]) {
      expect(() => new ScaledClock(scale), String(scale)).to.throw(
        RangeError,
        `expected a time scale from 0.001 to 1000000 (how many times faster than wall time rig time runs), got ${scale}`,
      );
    }
    for (const scale of [1e-3, 1, 120, 1e6]) expect(new ScaledClock(scale).scale).to.equal(scale);
  });
});
