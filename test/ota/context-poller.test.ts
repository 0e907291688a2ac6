// The context poller beside PDN events: a poll's answer can be overtaken by the event that closes the
// context it reports (the module prints +CGEV right after the answer's OK, or between AT+CGACT? and
// AT+CGDCONT?). Such a stale answer must not reopen the session the event just closed.
import { expect } from 'chai';
import { AtContextReader } from '../../harness/module/contexts.ts';
import { PDN_27007 } from '../../harness/module/profiles/common.ts';
import { ContextPoller } from '../../harness/ota/context-poller.ts';
import { OtaObserver } from '../../harness/ota/observer.ts';
import { fakeRig, flush, framed } from '../at/fake-module.ts';

const CONTEXTS = framed('+CGDCONT: 1,"IP","super","0.0.0.0",0,0', '+CGDCONT: 2,"IP","ota.super","0.0.0.0",0,0', 'OK');

/** A module whose context 2 is up until `downAfter` says, right after the answer to that command, that it went down. */
function moduleGoingDown(downAfter: 'AT+CGACT?' | 'AT+CGDCONT?') {
  let up = true;
  const rig = fakeRig((input) => {
    const answer = input === 'AT+CGACT?' ? framed(...(up ? ['+CGACT: 1,1', '+CGACT: 2,1'] : ['+CGACT: 1,1']), 'OK')
      : input === 'AT+CGDCONT?' ? CONTEXTS
      : framed('ERROR');
    if (input !== downAfter || !up) return answer;
    up = false;
    return answer + framed('+CGEV: ME PDN DEACT 2');
  });
  rig.module.echo = false;
  const contexts = new AtContextReader(rig.engine);
  const observer = new OtaObserver(rig.engine, PDN_27007, contexts);
  const poller = new ContextPoller(contexts, observer, rig.clock, 10_000, 'super');
  return { rig, observer, poller };
}

describe('context poller beside PDN events', () => {
  for (const downAfter of ['AT+CGACT?', 'AT+CGDCONT?'] as const) {
    it(`keeps one session when the context goes down right after the poll's ${downAfter}`, async () => {
      const { rig, observer, poller } = moduleGoingDown(downAfter);
      rig.clock.advance(1_000);
      rig.module.say(framed('+CGEV: ME PDN ACT 2'));
      await flush();
      rig.clock.advance(9_000);
      await poller.pollOnce(0);
      await flush();
      expect(observer.sessions.map((s) => [s.state, s.cid, s.seen])).to.deep.equal([['closed', 2, ['pdn-event']]]);
    });
  }

  it('still opens a session for a context only a poll shows', async () => {
    const { rig, observer, poller } = moduleGoingDown('AT+CGDCONT?');
    rig.clock.advance(10_000);
    await poller.pollOnce(0);
    // The event that follows the answer closes what the poll opened: one session, not two.
    expect(observer.sessions.map((s) => [s.state, s.cid, s.apn, s.openedAt, s.timingUncertainty])).to.deep.equal([['closed', 2, 'ota.super', 5_000, 5_000]]);
  });
});
