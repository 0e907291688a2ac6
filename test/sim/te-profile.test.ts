// The TS 27.007 TE-profile hazard: AT+CUSATA=1 hands every proactive command to the host, and the
// module carries one out only once the host answers it with AT+CUSATT.
import { expect } from 'chai';
import { acceptingTerminalResponse, bytesToHex, CommandType, decodeStk, encodeTerminalResponse, type ProactiveCommand } from '../../harness/stk/index.ts';
import { evidenceFrom, forcedSession, MINUTE, SECOND, SimRig, terminalResponses } from './helpers.ts';

const UPDATE = { packages: [{ name: 'operator-settings', version: '2' }] };
const TE_WAIT_MS = 30 * SECOND;

/** The proactive command of a +CUSATP line, decoded. */
function proactiveOf(line: string): ProactiveCommand {
  const hex = /^\+CUSATP: ([0-9A-F]+)$/.exec(line)?.[1];
  expect(hex, line).to.not.equal(undefined);
  const decoded = decodeStk(hex!);
  expect(decoded.kind).to.equal('proactive');
  return decoded as ProactiveCommand;
}

/** A host that answers each +CUSATP it hears with `answer(command)`, until `done`. */
function answerEach(rig: SimRig, answer: (command: ProactiveCommand) => Uint8Array, done: () => boolean, limitMs: number): ProactiveCommand[] {
  const answered: ProactiveCommand[] = [];
  let seen = 0;
  rig.advanceUntil(() => {
    for (const line of rig.textsFrom('+CUSATP').slice(seen)) {
      const command = proactiveOf(line);
      answered.push(command);
      expect(rig.at(`AT+CUSATT="${bytesToHex(answer(command))}"`), command.typeName).to.deep.equal(['OK']);
      seen++;
    }
    return done();
  }, limitMs);
  return answered;
}

describe('virtual module: the TE profile (AT+CUSATA)', () => {
  it('with AT+CUSATA=1 and nobody answering, the boot check\'s OPEN CHANNEL is lost: no PDN context, no OTA session', () => {
    const rig = new SimRig({ update: UPDATE }).ready();
    rig.at('AT+CGEREP=2,1');
    expect(rig.at('AT+CUSATA=1')).to.deep.equal(['OK']);
    const toCard = terminalResponses(rig);
    rig.advanceUntil(() => rig.textsFrom('+CUSATP').length > 0, 3 * MINUTE);
    const forwarded = rig.linesFrom('+CUSATP')[0]!;
    const open = proactiveOf(forwarded.text);
    expect(open).to.deep.include({ type: CommandType.OPEN_CHANNEL, apn: 'ota.super' });
    expect(rig.sessions()[0]!.trigger).to.equal('boot');
    expect(rig.sessions()[0]!.openedAt).to.equal(undefined);

    rig.advance(forwarded.at + TE_WAIT_MS - 1 - rig.clock.now());
    expect(toCard, 'the card still waits').to.deep.equal([]);
    rig.advanceUntil(() => rig.sessions()[0]!.outcome !== undefined, MINUTE);

    expect(rig.sessions()[0]!.outcome).to.equal('refused');
    const unanswered = rig.module.truth.toJSON().events.find((e) => e.what === 'proactive-command-unanswered');
    expect(unanswered?.rig).to.equal(forwarded.at + TE_WAIT_MS);
    expect(unanswered?.detail).to.deep.equal({ command: 'OPEN CHANNEL', type: CommandType.OPEN_CHANNEL, awaited: 'AT+CUSATT', waitedMs: TE_WAIT_MS, session: 0 });
    expect(toCard.map((r) => [r.type, r.result.general])).to.deep.equal([[CommandType.OPEN_CHANNEL, 0x12]]);
    expect(evidenceFrom(rig, 0)).to.deep.equal([forwarded.text, '+CUSATEND']);
    expect(rig.module.server.requests).to.deep.equal([]);
    expect(rig.module.server.lookup()[0]!.status).to.equal('scheduled');
    // The applet gives up as it models: no retry before its next timed check.
    rig.advance(10 * MINUTE);
    expect(rig.sessions()).to.have.length(1);
  });

  it('with AT+CUSATA=1 and a host accepting each +CUSATP with AT+CUSATT, the module carries the session out to the OTA server', () => {
    const rig = new SimRig({ update: UPDATE }).ready();
    rig.at('AT+CGEREP=2,1');
    rig.at('AT+CUSATA=1');
    rig.at('AT+CSIM=52,"80C2000015D613190103820282811B0100130799F08900010001"');
    const answered = answerEach(rig, acceptingTerminalResponse, () => rig.sessions()[0]?.outcome !== undefined, 30 * SECOND);
    const session = rig.sessions()[0]!;
    expect(session.outcome).to.equal('completed');
    const types = answered.map((c) => c.type);
    expect(types[0]).to.equal(CommandType.OPEN_CHANNEL);
    expect(types[1]).to.equal(CommandType.SEND_DATA);
    expect(types.filter((t) => t === CommandType.RECEIVE_DATA).length).to.be.at.least(2);
    expect(types.at(-1)).to.equal(CommandType.CLOSE_CHANNEL);
    expect(rig.module.server.requests).to.deep.equal([{ iccid: rig.module.uicc.iccid, block: 1 }]);
    expect(rig.module.server.lookup()[0]!.status).to.equal('successful');
    const evidence = evidenceFrom(rig, 0).filter((line) => !line.startsWith('+CUSATP'));
    expect(evidence.filter((line) => line.startsWith('+CGEV'))).to.deep.equal([`+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);
    expect(evidence).to.include('+CUSATEND');
  });

  it('a failure answer goes to the card as it is: no channel, no session', () => {
    const rig = new SimRig().ready();
    rig.at('AT+CGEREP=2,1');
    rig.at('AT+CUSATA=1');
    const toCard = terminalResponses(rig);
    const reject = (command: ProactiveCommand) =>
      encodeTerminalResponse({ number: command.number, type: command.type, qualifier: command.qualifier, result: { general: 0x22 } });
    answerEach(rig, reject, () => rig.sessions()[0]?.outcome !== undefined, 3 * MINUTE);
    expect(rig.sessions()[0]!.outcome).to.equal('refused');
    expect(toCard.map((r) => [r.type, r.result.general])).to.deep.equal([[CommandType.OPEN_CHANNEL, 0x22]]);
    expect(rig.textsFrom('+CGEV')).to.deep.equal([]);
    expect(rig.module.server.requests).to.deep.equal([]);
  });

  it('AT+CUSATT answers only the command that waits', () => {
    const rig = new SimRig().ready();
    rig.at('AT+CMEE=1');
    rig.at('AT+CUSATA=1');
    expect(rig.at('AT+CUSATT="810301400182028281830100"'), 'nothing waits').to.deep.equal(['+CME ERROR: 3']);
    rig.advanceUntil(() => rig.textsFrom('+CUSATP').length > 0, 3 * MINUTE);
    const open = proactiveOf(rig.textsFrom('+CUSATP')[0]!);
    const other = encodeTerminalResponse({ number: open.number + 1, type: open.type, qualifier: open.qualifier, result: { general: 0 } });
    expect(rig.at(`AT+CUSATT="${bytesToHex(other)}"`), 'another command number').to.deep.equal(['+CME ERROR: 50']);
    expect(rig.at('AT+CUSATT="81030"'), 'odd hex').to.deep.equal(['+CME ERROR: 50']);
    expect(rig.at('AT+CUSATT="D0"'), 'not a terminal response').to.deep.equal(['+CME ERROR: 50']);
    expect(rig.at(`AT+CUSATT="${bytesToHex(acceptingTerminalResponse(open))}"`)).to.deep.equal(['OK']);
    rig.advanceUntil(() => rig.sessions()[0]?.openedAt !== undefined, 10 * SECOND);
  });

  it('without AT+CUSATA, or after AT+CUSATA=0, the module carries the session out with PDN events only', () => {
    const rig = new SimRig({ update: UPDATE }).ready();
    rig.at('AT+CGEREP=2,1');
    rig.at('AT+CUSATA=1');
    expect(rig.at('AT+CUSATA=0')).to.deep.equal(['OK']);
    const session = forcedSession(rig);
    expect(session.outcome).to.equal('completed');
    expect(evidenceFrom(rig, 0)).to.deep.equal([`+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);
    expect(rig.module.server.requests).to.have.length(1);
  });

  it('AT+CUSATA=2 (TE and MT profiles combined) hands the host the same commands as 1', () => {
    const rig = new SimRig().ready();
    expect(rig.at('AT+CUSATA=2')).to.deep.equal(['OK']);
    expect(rig.at('AT+CUSATA?')).to.deep.equal(['+CUSATA: 2', 'OK']);
    rig.advanceUntil(() => rig.textsFrom('+CUSATP').length > 0, 3 * MINUTE);
    rig.advance(TE_WAIT_MS / 2);
    expect(rig.sessions()[0]!.openedAt).to.equal(undefined);
    expect(proactiveOf(rig.textsFrom('+CUSATP')[0]!).type).to.equal(CommandType.OPEN_CHANNEL);
  });
});
