// When received lines are dated, how late that date may be, and the one deadline timer behind commands.
import { expect } from 'chai';
import { AtEngine, AtTimeoutError, type Urc } from '../../harness/at/index.ts';
import { ManualClock, ScaledClock } from '../../harness/time/clock.ts';
import { flush, track } from './fake-module.ts';

function rig(options: { loopLag?: { lateByMs(): number } } = {}) {
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

  it('says how late a URC stamp may be: the loop delay measured then, in rig ms', () => {
    let lagMs = 3;
    const { urcs, say } = rig({ loopLag: { lateByMs: () => lagMs } });
    say('+CEREG: 5\r\n');
    lagMs = 60;
    say('+CEREG: 1\r\n');
    expect(urcs.map((u) => [u.line, u.lateBy])).to.deep.equal([['+CEREG: 5', 3], ['+CEREG: 1', 60]]);
  });

  it('a clock that only moves when told never makes a late stamp; a rig clock measures the event loop', () => {
    const manual = rig();
    manual.say('RDY\r\n');
    expect(manual.urcs[0]).to.not.have.property('lateBy');
    const engine = new AtEngine({ clock: new ScaledClock(1), write: () => {} });
    const urcs: Urc[] = [];
    engine.onUrc((urc) => urcs.push(urc));
    engine.feed(Buffer.from('RDY\r\n'));
    engine.close();
    expect(urcs[0]!.lateBy).to.be.a('number').and.at.least(1); // the monitor's resolution at least
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
