// A session's edges are as uncertain as the reads that showed them: a line read late, behind a
// stalled event loop, widens the session's ± by how late its stamp may be, so that the ± a verdict
// states still holds the real edge.
import { expect } from 'chai';
import { AtEngine } from '../../harness/at/index.ts';
import { OtaObserver } from '../../harness/ota/observer.ts';
import { PDN_27007 } from '../../harness/module/profiles/common.ts';
import { ScaledClock } from '../../harness/time/clock.ts';
import { socketPort, stallLoop } from '../at/socket-port.ts';
import { contextList, observerOf, openChannelLine, pdnDown, pdnUp, SESSION_END, settle } from './module-lines.ts';

describe('OTA observer: session edges dated by late reads', () => {
  it('keeps the latest read bound of the lines that dated its edges', async () => {
    const { urcs, observer } = observerOf();
    urcs.say(pdnUp(2), 1_000, 40);
    await settle();
    expect(observer.sessions[0]!.stampLateBy, 'opened by a line read up to 40 ms late').to.equal(40);
    urcs.say(pdnDown(2), 9_000, 150);
    urcs.say(pdnUp(1), 10_000, 5);
    await settle();
    expect(observer.sessions.map((s) => [s.stampLateBy, s.timingUncertainty])).to.deep.equal([[150, 0], [5, 0]]);
  });

  it('a refusal is dated by its line, with that line\'s bound', async () => {
    const { urcs, observer } = observerOf();
    urcs.say(openChannelLine('ota.super'), 1_000, 2);
    urcs.say(SESSION_END, 1_001, 30);
    await settle();
    expect(observer.sessions[0]).to.include({ state: 'refused', openedAt: 1_001, stampLateBy: 30 });
  });

  it('on a real connection with the loop stalled after the module spoke, the session\'s ± reaches back to when it did', async () => {
    const clock = new ScaledClock(1);
    const engine = new AtEngine({ clock, write: () => {} });
    const observer = new OtaObserver(engine, PDN_27007, contextList());
    const port = await socketPort(engine);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20)); // the loop's ticker runs meanwhile
      await port.say(`\r\n${pdnUp(2)}\r\n`);
      const saidBy = clock.now();
      stallLoop(150);
      while (observer.sessions.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const session = observer.sessions[0]!;
      expect(session.openedAt - saidBy, 'dated after the stall').to.be.at.least(150);
      expect(session.openedAt - session.timingUncertainty - session.stampLateBy, 'the ± holds the moment the line was said').to.be.at.most(saidBy);
    } finally {
      port.close();
      observer.stop();
      engine.close();
    }
  });
});
