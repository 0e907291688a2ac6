import { expect } from 'chai';
import { DAY, FORCE_CHECK, MINUTE, powerCycleInBootWindow, SECOND, SimRig } from './helpers.ts';

const UPDATE = { packages: [{ name: 'operator-settings', version: '2' }] };

describe('virtual module: the OTA applet', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`checks 60-120 s after power-on, on its own PDN context (seed ${seed})`, () => {
      const rig = new SimRig({ seed }).ready();
      rig.at('AT+CGEREP=2,1');
      const session = () => rig.sessions()[0];
      rig.advanceUntil(() => session()?.openedAt !== undefined, 3 * MINUTE);
      const { requestedAt, openedAt, cid, trigger, apn } = session()!;
      expect(trigger).to.equal('boot');
      expect(apn).to.equal('ota.super');
      expect(requestedAt).to.be.within(60 * SECOND, 120 * SECOND);
      expect(rig.linesFrom('+CGEV')).to.deep.equal([{ at: openedAt, text: `+CGEV: ME PDN ACT ${cid}` }]);
      expect(rig.at('AT+CGDCONT?')).to.include(`+CGDCONT: ${cid},"IP","ota.super","0.0.0.0",0,0`);

      rig.advanceUntil(() => session()!.outcome !== undefined, MINUTE);
      expect(session()!.outcome).to.equal('completed');
      expect(rig.linesFrom('+CGEV')[1]).to.deep.equal({ at: session()!.closedAt, text: `+CGEV: ME PDN DEACT ${cid}` });
      expect(rig.at('AT+CGDCONT?').join('\n')).to.not.include('ota.super');
    });
  }

  it('draws a different first-check delay for different seeds', () => {
    const dues = [1, 2, 3, 4, 5].map((seed) => {
      const rig = new SimRig({ seed });
      rig.module.power(true);
      return rig.module.truth.toJSON().checksScheduled[0]!.due;
    });
    expect(new Set(dues).size).to.equal(dues.length);
  });

  it('restarts the check timer on a power cycle', () => {
    const rig = new SimRig({ seed: 7 });
    const { firstDue, secondOn } = powerCycleInBootWindow(rig);
    rig.advance(firstDue - rig.clock.now() + 5 * SECOND);
    expect(rig.sessions()).to.deep.equal([]);
    rig.advanceUntil(() => rig.sessions().length > 0, 3 * MINUTE);
    expect(rig.sessions()[0]!.requestedAt - secondOn).to.be.within(60 * SECOND, 120 * SECOND);
  });

  it('a forced check (documented AT+CSIM ENVELOPE) opens a session within a few seconds', () => {
    const rig = new SimRig().ready();
    rig.at('AT+CGEREP=2,1');
    const answer = rig.at(FORCE_CHECK);
    expect(answer[0]).to.match(/^\+CSIM: 4,"(9000|91[0-9A-F]{2})"$/);
    expect(answer[1]).to.equal('OK');
    const sent = rig.clock.now();
    rig.advanceUntil(() => rig.linesFrom('+CGEV: ME PDN ACT').length > 0, 5 * SECOND);
    const session = rig.sessions()[0]!;
    expect(session.trigger).to.equal('forced');
    expect(session.openedAt! - sent).to.be.at.most(5 * SECOND);
  });

  it('the same envelope sent with AT+CUSATE forces a check too', () => {
    const rig = new SimRig().ready();
    expect(rig.at('AT+CUSATE="D613190103820282811B0100130799F08900010001"')).to.deep.equal(['+CUSATE: "",0', 'OK']);
    rig.advanceUntil(() => rig.sessions()[0]?.openedAt !== undefined, 5 * SECOND);
    expect(rig.sessions()[0]!.trigger).to.equal('forced');
  });

  it('an update in 3 blocks takes 3 back-to-back sessions, then the server says successful', () => {
    const rig = new SimRig({ update: { ...UPDATE, blocks: 3 } }).ready();
    rig.at(FORCE_CHECK);
    rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, 30 * SECOND);
    expect(rig.module.server.lookup()[0]!.status).to.equal('in-progress');
    rig.advance(2 * MINUTE);
    const sessions = rig.sessions();
    expect(sessions.map((s) => [s.trigger, s.block, s.outcome])).to.deep.equal([
      ['forced', 1, 'completed'],
      ['follow-on', 2, 'completed'],
      ['follow-on', 3, 'completed'],
    ]);
    for (let i = 1; i < sessions.length; i++) {
      expect(sessions[i]!.openedAt! - sessions[i - 1]!.closedAt!).to.be.within(0, 5 * SECOND);
    }
    const [update] = rig.module.server.lookup();
    expect(update).to.deep.include({ status: 'successful', blocks: 3, deliveredBlocks: 3 });
  });

  it('an update with a new IMSI changes +CIMI after install and re-registers; cid 1 keeps APN super', () => {
    const newImsi = '732123200009999';
    const rig = new SimRig({ imsi: '732123200001234', update: { ...UPDATE, newImsi } }).ready();
    expect(rig.at('AT+CIMI')).to.deep.equal(['732123200001234', 'OK']);
    rig.at('AT+CEREG=1');
    rig.at(FORCE_CHECK);
    rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, 30 * SECOND);
    rig.advance(30 * SECOND);
    expect(rig.at('AT+CIMI')).to.deep.equal([newImsi, 'OK']);
    expect(rig.textsFrom('+CEREG')).to.deep.equal(['+CEREG: 0', '+CEREG: 2', '+CEREG: 5']);
    expect(rig.at('AT+CGDCONT?')).to.deep.equal(['+CGDCONT: 1,"IP","super","0.0.0.0",0,0', 'OK']);
    const installed = rig.module.truth.toJSON().events.find((e) => e.what === 'update-installed');
    expect(installed?.detail).to.deep.include({ imsiBefore: '732123200001234', imsiAfter: newImsi });
  });

  it('checks again about a week after the first check while powered', () => {
    const rig = new SimRig().ready();
    rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, 3 * MINUTE);
    rig.advance(7 * DAY + 10 * MINUTE);
    const [first, second, third] = rig.sessions();
    expect(third).to.equal(undefined);
    expect(second?.trigger).to.equal('recheck');
    expect(second!.requestedAt - first!.requestedAt).to.be.within(7 * DAY, 7 * DAY + MINUTE);
    expect(second!.outcome).to.equal('completed');
  });

  it('a radio switched off mid-session (AT+CFUN=0) interrupts the session: no update is installed', () => {
    const rig = new SimRig({ update: UPDATE }).ready();
    rig.at('AT+CGEREP=2,1');
    rig.at(FORCE_CHECK);
    rig.advanceUntil(() => rig.sessions()[0]?.openedAt !== undefined, 10 * SECOND);
    const { cid } = rig.sessions()[0]!;
    expect(rig.at('AT+CFUN=0')).to.deep.equal([`+CGEV: ME PDN DEACT ${cid}`, 'OK']);
    rig.advance(MINUTE);
    expect(rig.sessions()[0]!.outcome).to.equal('interrupted');
    expect(rig.module.truth.toJSON().events.map((e) => e.what)).to.not.include('update-installed');
    expect(rig.module.server.lookup()[0]!.status).to.equal('scheduled');
  });

  it('power lost mid-session ends it as interrupted', () => {
    const rig = new SimRig({ update: UPDATE }).ready();
    rig.at(FORCE_CHECK);
    rig.advanceUntil(() => rig.sessions()[0]?.openedAt !== undefined, 10 * SECOND);
    rig.module.power(false);
    expect(rig.sessions()[0]!.outcome).to.equal('interrupted');
    expect(rig.module.contexts.size).to.equal(1);
  });
});
