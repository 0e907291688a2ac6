// Evidence dialects on the simulator's AT port: each prints exactly the evidence of its module class
// for a forced OTA session, and nothing of the others.
import { expect } from 'chai';
import { CommandType, decodeStk } from '../../harness/stk/index.ts';
import { VirtualModule } from '../../harness/sim/index.ts';
import { ManualClock } from '../../harness/time/clock.ts';
import { evidenceFrom, FORCE_CHECK, forcedSession, MINUTE, SECOND, SimRig, TOOLKIT_NOTIFICATIONS, type HeardLine } from './helpers.ts';

const UPDATE = { packages: [{ name: 'operator-settings', version: '2' }] };
const OTA_APN = 'ota.super';

/** A ready module with PDN events on (TS 27.007 +CGEREP=2,1), which each dialect reports its own way. */
function readyRig(profile: string, dialect?: string): SimRig {
  const rig = new SimRig({ profile, ...(dialect ? { dialect } : {}), update: UPDATE }).ready();
  expect(rig.at('AT+CGEREP=2,1')).to.deep.equal(['OK']);
  return rig;
}

/** Polls the contexts while the session's channel is up, and again once the session is over. */
function pollDuringSession(rig: SimRig) {
  rig.at(FORCE_CHECK);
  rig.advanceUntil(() => rig.sessions()[0]?.openedAt !== undefined, 10 * SECOND);
  const { cid } = rig.sessions()[0]!;
  const during = { cgdcont: rig.at('AT+CGDCONT?'), cgact: rig.at('AT+CGACT?'), cgcontrdp: rig.at('AT+CGCONTRDP') };
  rig.advanceUntil(() => rig.sessions()[0]!.outcome !== undefined, 30 * SECOND);
  const after = { cgdcont: rig.at('AT+CGDCONT?'), cgact: rig.at('AT+CGACT?'), cgcontrdp: rig.at('AT+CGCONTRDP') };
  return { cid: cid!, during, after };
}

function noNotificationsHeard(rig: SimRig, allowed: string[] = []): void {
  const heard = rig.heard.map((line) => line.text).filter((text) => TOOLKIT_NOTIFICATIONS.some((prefix) => text.startsWith(prefix)));
  expect(heard.filter((text) => !allowed.some((prefix) => text.startsWith(prefix)))).to.deep.equal([]);
}

describe('virtual module: evidence dialects', () => {
  const PDN_ONLY: [string, string][] = [
    ['generic-27007', 'ME PDN'],
    ['quectel-bg95', 'PDN'],
    ['quectel-eg25', 'PDN'],
    ['simcom-sim7080', 'ME PDN'],
    ['ublox-sara-r5', 'ME PDN'],
  ];
  for (const [profile, form] of PDN_ONLY) {
    it(`${profile} by default (pdn-events): the session shows as +CGEV: ${form} ACT/DEACT and polled contexts only`, () => {
      const rig = readyRig(profile);
      expect(rig.module.dialectName).to.equal('pdn-events');
      const mark = rig.mark();
      const { cid, during, after } = pollDuringSession(rig);
      expect(rig.sessions()[0]!.outcome).to.equal('completed');
      expect(evidenceFrom(rig, mark)).to.deep.equal([`+CGEV: ${form} ACT ${cid}`, `+CGEV: ${form} DEACT ${cid}`]);
      noNotificationsHeard(rig);
      expect(during.cgdcont).to.include(`+CGDCONT: ${cid},"IP","${OTA_APN}","0.0.0.0",0,0`);
      expect(during.cgact).to.include(`+CGACT: ${cid},1`);
      expect(during.cgcontrdp).to.deep.equal([`+CGCONTRDP: ${cid},${cid + 4},"${OTA_APN}","10.64.${cid}.2.255.255.255.0"`, 'OK']);
      expect(after.cgdcont.join('\n')).to.not.include(OTA_APN);
      expect(after.cgact.join('\n')).to.not.include(`+CGACT: ${cid},`);
      expect(after.cgcontrdp).to.deep.equal(['OK']);
    });
  }

  it('no-pdn-events: the BIP context raises no +CGEV at all; only polling shows it while it is up', () => {
    const rig = readyRig('generic-27007', 'no-pdn-events');
    const mark = rig.mark();
    const { cid, during, after } = pollDuringSession(rig);
    expect(rig.sessions()[0]!.outcome).to.equal('completed');
    expect(rig.module.server.lookup()[0]!.status).to.equal('successful');
    expect(evidenceFrom(rig, mark)).to.deep.equal([]);
    expect(during.cgdcont).to.include(`+CGDCONT: ${cid},"IP","${OTA_APN}","0.0.0.0",0,0`);
    expect(during.cgact).to.include(`+CGACT: ${cid},1`);
    expect(after.cgdcont.join('\n')).to.not.include(OTA_APN);
    // The host's own context still reports its events.
    expect(rig.at('AT+CGACT=1,1')).to.deep.equal(['+CGEV: ME PDN ACT 1', 'OK']);
  });

  it('cinterion (proactive-commands): nothing but PDN events until AT^SCFG="SAT/URC","1"', () => {
    const rig = readyRig('cinterion');
    expect(rig.module.dialectName).to.equal('proactive-commands');
    expect(rig.at('AT^SCFG="SAT/URC"')).to.deep.equal(['^SCFG: "SAT/URC","0"', 'OK']);
    const mark = rig.mark();
    const session = forcedSession(rig);
    expect(evidenceFrom(rig, mark)).to.deep.equal([`+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);
    noNotificationsHeard(rig);
  });

  it('cinterion with AT^SCFG="SAT/URC","1": each proactive command "00", terminal response "01" and event "03" as ^SSTK, still carried out by the module', () => {
    const rig = readyRig('cinterion');
    expect(rig.at('AT^SCFG="SAT/URC","1"')).to.deep.equal(['^SCFG: "SAT/URC","1"', 'OK']);
    expect(rig.at('AT^SCFG="SAT/URC"')).to.deep.equal(['^SCFG: "SAT/URC","1"', 'OK']);
    const mark = rig.mark();
    const session = forcedSession(rig);
    expect(session.outcome).to.equal('completed');
    const lines = evidenceFrom(rig, mark);
    expect(lines[0]).to.match(/^\^SSTK: "D0/);
    expect(lines.filter((line) => line.startsWith('+CGEV'))).to.deep.equal([`+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);
    const sstk = lines.filter((line) => !line.startsWith('+CGEV')).map((line) => {
      const [, hex, bytes, kind] = /^\^SSTK: "([0-9A-F]+)",(\d+),"(00|01|03)"$/.exec(line) ?? [];
      expect(hex, line).to.not.equal(undefined);
      expect(Number(bytes), line).to.equal(hex!.length / 2);
      return { kind: kind!, message: decodeStk(hex!) };
    });
    const kinds = sstk.map(({ kind, message }) => `${kind} ${message.kind === 'envelope' ? 'event' : (message as { typeName: string }).typeName}`);
    // Every command is followed by the module's own terminal response to it; data arriving comes as an event download.
    expect(kinds.slice(0, 5)).to.deep.equal(['00 OPEN CHANNEL', '01 OPEN CHANNEL', '00 SEND DATA', '01 SEND DATA', '03 event']);
    expect(kinds.at(-2)).to.equal('00 CLOSE CHANNEL');
    expect(kinds.at(-1)).to.equal('01 CLOSE CHANNEL');
    for (const [i, { kind, message }] of sstk.entries()) {
      if (kind !== '01') continue;
      const command = sstk[i - 1]!.message as { number: number; type: number };
      expect(message).to.deep.include({ kind: 'terminal-response', number: command.number, type: command.type });
    }
    noNotificationsHeard(rig, ['^SSTK']);
  });

  it('nordic-nrf9160 by default (usat-events): %USATEV BIP events only after AT%USATEV=1, and only with the BIP mask digit', () => {
    const quiet = readyRig('nordic-nrf9160');
    expect(quiet.module.dialectName).to.equal('usat-events');
    const session = forcedSession(quiet);
    expect(evidenceFrom(quiet, 0)).to.deep.equal([`+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);

    const rig = readyRig('nordic-nrf9160');
    expect(rig.at('AT%USATEV=1')).to.deep.equal(['OK']);
    const subscribed = forcedSession(rig);
    expect(evidenceFrom(rig, 0)).to.deep.equal([
      '%USATEV: BIP Connecting',
      `+CGEV: ME PDN ACT ${subscribed.cid}`,
      '%USATEV: BIP Connected',
      '%USATEV: BIP Closed',
      `+CGEV: ME PDN DEACT ${subscribed.cid}`,
    ]);
    noNotificationsHeard(rig, ['%USATEV']);

    const smsOnly = readyRig('nordic-nrf9160');
    expect(smsOnly.at('AT%USATEV=1,"100"')).to.deep.equal(['OK']);
    forcedSession(smsOnly);
    noNotificationsHeard(smsOnly);
  });

  it('nordic-nrf9160 pdn-events (firmware before %USATEV): AT%USATEV is unknown', () => {
    const rig = readyRig('nordic-nrf9160', 'pdn-events');
    expect(rig.at('AT%USATEV=1')).to.deep.equal(['ERROR']);
    const session = forcedSession(rig);
    expect(evidenceFrom(rig, 0)).to.deep.equal([`+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);
  });

  it('refuses a dialect the profile does not offer, naming those it does', () => {
    const clock = new ManualClock();
    expect(() => new VirtualModule({ clock, profile: 'cinterion', dialect: 'pdn-events' })).to.throw(
      'simulated module profile "cinterion" has no dialect "pdn-events"; it offers: proactive-commands',
    );
    expect(() => new VirtualModule({ clock, dialect: 'proactive-commands' })).to.throw(
      'simulated module profile "generic-27007" has no dialect "proactive-commands"; it offers: pdn-events, no-pdn-events',
    );
  });

  it('only TS 27.007 modules without a vendor toolkit interface accept AT+CUSATA', () => {
    for (const profile of ['generic-27007', 'quectel-bg95', 'simcom-sim7080']) expect(readyRig(profile).at('AT+CUSATA=1'), profile).to.deep.equal(['OK']);
    for (const profile of ['cinterion', 'ublox-sara-r5', 'nordic-nrf9160', 'telit-le910']) {
      const rig = readyRig(profile);
      expect(rig.at('AT+CUSATA=1'), profile).to.deep.equal(['ERROR']);
      expect(rig.at('AT+CUSATT="810301400182028281830100"'), profile).to.deep.equal(['ERROR']);
    }
  });
});

describe('virtual module: Telit toolkit notifications', () => {
  it('telit-le910 answers as a Telit module and shows PDN events only while AT#STIA is off', () => {
    const rig = readyRig('telit-le910');
    expect(rig.module.dialectName).to.equal('toolkit-notifications');
    expect(rig.at('AT+CGMI')).to.deep.equal(['Telit', 'OK']);
    expect(rig.at('AT#STIA?')).to.deep.equal([`#STIA: 0,0,10,${rig.module.terminalProfile}`, 'OK']);
    const session = forcedSession(rig);
    expect(session.outcome).to.equal('completed');
    expect(evidenceFrom(rig, 0)).to.deep.equal([`+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);
  });

  it('after AT#STIA=2 an OPEN CHANNEL is announced as #STN: 64 and waits; AT#STSR=64,0 lets the module open it', () => {
    const rig = readyRig('telit-le910');
    expect(rig.at('AT#STIA=2')).to.deep.equal(['OK']);
    rig.at(FORCE_CHECK);
    rig.advanceUntil(() => rig.textsFrom('#STN').length > 0, 10 * SECOND);
    expect(rig.textsFrom('#STN')).to.deep.equal(['#STN: 64']);
    // Nothing happens while the host has not answered.
    rig.advance(MINUTE);
    expect(rig.sessions()[0]!.openedAt).to.equal(undefined);
    expect(rig.textsFrom('+CGEV')).to.deep.equal([]);
    expect(rig.at('AT#STSR=64,0')).to.deep.equal(['OK']);
    rig.advanceUntil(() => rig.sessions()[0]!.outcome !== undefined, 30 * SECOND);
    const session = rig.sessions()[0]!;
    expect(session.outcome).to.equal('completed');
    expect(rig.module.server.requests).to.deep.equal([{ iccid: rig.module.uicc.iccid, block: 1 }]);
    expect(evidenceFrom(rig, 0)).to.deep.equal(['#STN: 64', `+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);
  });

  it('AT#STSR=64,34 rejects the OPEN CHANNEL: the card is told the user did not accept, no session', () => {
    const rig = readyRig('telit-le910');
    rig.at('AT#STIA=3');
    rig.at(FORCE_CHECK);
    rig.advanceUntil(() => rig.textsFrom('#STN').length > 0, 10 * SECOND);
    expect(rig.at('AT#STSR=64,34')).to.deep.equal(['OK']);
    rig.advance(MINUTE);
    expect(rig.sessions()[0]!.outcome).to.equal('refused');
    const failed = rig.module.truth.toJSON().events.find((e) => e.what === 'open-channel-failed');
    expect(failed?.detail).to.deep.include({ result: { general: 0x22, name: 'user did not accept the proactive command' } });
    expect(rig.textsFrom('+CGEV')).to.deep.equal([]);
    expect(rig.module.server.requests).to.deep.equal([]);
  });

  it('an OPEN CHANNEL left unanswered for the #STIA timeout fails with #STN: 164: no session', () => {
    const rig = readyRig('telit-le910');
    expect(rig.at('AT#STIA=2,1')).to.deep.equal(['OK']);
    rig.at(FORCE_CHECK);
    rig.advanceUntil(() => rig.textsFrom('#STN').length > 0, 10 * SECOND);
    const announced = rig.linesFrom('#STN')[0]!.at;
    rig.advanceUntil(() => rig.sessions()[0]!.outcome !== undefined, 2 * MINUTE);
    const lost = rig.linesFrom('#STN: 164') as HeardLine[];
    expect(lost.map((line) => line.at - announced)).to.deep.equal([MINUTE]);
    expect(rig.sessions()[0]!.outcome).to.equal('refused');
    const unanswered = rig.module.truth.toJSON().events.find((e) => e.what === 'proactive-command-unanswered');
    expect(unanswered?.detail).to.deep.equal({ command: 'OPEN CHANNEL', type: CommandType.OPEN_CHANNEL, awaited: 'AT#STSR', waitedMs: MINUTE, session: 0 });
    expect(rig.textsFrom('+CGEV')).to.deep.equal([]);
    expect(rig.module.server.requests).to.deep.equal([]);
    expect(rig.at('AT#STSR=64,0')).to.deep.equal(['ERROR']);
  });
});
