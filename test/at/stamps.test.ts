// When received lines are dated, how late that date may be, and the one deadline timer behind commands.
import { expect } from 'chai';
import { AtEngine, AtTimeoutError, type Urc } from '../../harness/at/index.ts';
import { ManualClock, ScaledClock } from '../../harness/time/clock.ts';
import { flush, track } from './fake-module.ts';
import { socketPort, stallLoop } from './socket-port.ts';

function rig(options: { loopLag?: { lateByMs(now: number): number } } = {}) {
  const clock = new ManualClock();
  const engine = new AtEngine({ clock, write: () => {}, ...options });
  const urcs: Urc[] = [];
  engine.onUrc((urc) => urcs.push(urc));
  const say = (text: string) => engine.feed(Buffer.from(text, 'latin1'));
  return { clock, engine, urcs, say };
}

describe('AT stamps', () => {
  it('dates a line split across reads by the read that brought its first byte', () => {
    const { clock, engine, urcs, say } = rig();
    clock.advance(1_000);
    say('+CGEV: ME PDN');
    clock.advance(40);
    say(' ACT 2\r\n+CEREG: 5\r');
    clock.advance(40);
    say('\n+CGEV: ME PDN DEACT 2');
    clock.advance(40);
    say('\r\n');
    expect(urcs.map((u) => [u.line, u.rig])).to.deep.equal([
      ['+CGEV: ME PDN ACT 2', 1_000],
      ['+CEREG: 5', 1_040],
      ['+CGEV: ME PDN DEACT 2', 1_080],
    ]);
    expect(engine.transcript.entries().map((e) => e.rig)).to.deep.equal([1_000, 1_040, 1_080]);
  });

  it('says how late a URC stamp may be: the bound of the read that brought it, in rig ms', () => {
    let lagMs = 3;
    const reads: number[] = [];
    const { urcs, say } = rig({ loopLag: { lateByMs: (now) => (reads.push(now), lagMs) } });
    say('+CEREG: 5\r\n+CEREG: 2');
    lagMs = 60;
    say(',3\r\n+CEREG: 1\r\n');
    // The carried line keeps the bound of its first byte's read.
    expect(urcs.map((u) => [u.line, u.stampLateBy])).to.deep.equal([['+CEREG: 5', 3], ['+CEREG: 2,3', 3], ['+CEREG: 1', 60]]);
    expect(reads).to.have.length(2); // one bound per read, not per line
  });

  it('a clock that only moves when told has exact stamps: stampLateBy 0', () => {
    const manual = rig();
    manual.say('RDY\r\n');
    expect(manual.urcs[0]!.stampLateBy).to.equal(0);
  });

  it('bounds a read that waited behind a stalled event loop, and only that read: the bytes arrived within [rig − stampLateBy, rig]', async () => {
    const clock = new ScaledClock(1);
    const engine = new AtEngine({ clock, write: () => {} });
    const urcs: Urc[] = [];
    engine.onUrc((urc) => urcs.push(urc));
    const port = await socketPort(engine);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20)); // the ticker runs meanwhile
      // The bytes are in the kernel once write() returns; then the loop stalls for 150 ms.
      await port.say('RDY\r\n');
      const sentBy = clock.now();
      stallLoop(150);
      while (urcs.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const urc = urcs[0]!;
      expect(urc.rig - sentBy, 'stamped after the stall').to.be.at.least(150);
      expect(urc.rig - urc.stampLateBy, 'the bound reaches back to the write').to.be.at.most(sentBy);
      // A read once the loop runs freely again is not charged with the earlier stall.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await port.say('RDY\r\n');
      const resentBy = clock.now();
      while (urcs.length === 1) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(urcs[1]!.rig - urcs[1]!.stampLateBy, 'the bound reaches back to the write').to.be.at.most(resentBy);
      expect(urcs[1]!.stampLateBy, 'a timely read after the stall').to.be.below(150);
    } finally {
      port.close();
      engine.close();
    }
  });
});

describe('AT command deadlines', () => {
  it('times out a command answered after a faster one left the deadline timer armed for later', async () => {
    const { clock, engine, say } = rig();
    const first = track(engine.send('AT', { timeoutMs: 5_000 }));
    say('AT\r\nOK\r\n');
    clock.advance(100);
    const second = track(engine.send('AT+CGSN', { timeoutMs: 1_000 }));
    clock.advance(999);
    await flush();
    expect(second.error).to.equal(undefined);
    clock.advance(1);
    await flush();
    expect(first.value).to.deep.include({ final: 'OK' });
    expect(second.error).to.be.instanceOf(AtTimeoutError);
    expect((second.error as Error).message).to.include('AT+CGSN');
  });

  it('times out a later command whose deadline comes after the armed one, at its own deadline', async () => {
    const { clock, engine, say } = rig();
    track(engine.send('AT', { timeoutMs: 1_000 }));
    say('AT\r\nOK\r\n');
    clock.advance(500);
    const second = track(engine.send('AT+CGSN', { timeoutMs: 5_000 }));
    clock.advance(4_999);
    await flush();
    expect(second.error).to.equal(undefined);
    clock.advance(1);
    await flush();
    expect(second.error).to.be.instanceOf(AtTimeoutError);
  });
});
