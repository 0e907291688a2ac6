import { expect } from 'chai';
import { AtEngine, type AtResponse } from '../../harness/at/index.ts';
import { FAULTS, parseFaults, type FaultName } from '../../harness/sim/index.ts';
import { CommandType, type TerminalResponse } from '../../harness/stk/index.ts';
import { DAY, FORCE_CHECK, MINUTE, powerCycleInBootWindow, READY_MS, SECOND, SimRig, terminalResponses } from './helpers.ts';

const UPDATE = { packages: [{ name: 'operator-settings', version: '2' }] };

/** The result (general and additional, hex) of each terminal response to OPEN CHANNEL. */
function openChannelResults(responses: TerminalResponse[]): string[] {
  return responses
    .filter((r) => r.type === CommandType.OPEN_CHANNEL)
    .map((r) => r.result!.general.toString(16).padStart(2, '0') + (r.result!.additional ?? ''));
}

/** A registered module left alone until its first OTA check has ended. */
function firstCheck(options: ConstructorParameters<typeof SimRig>[0]) {
  const rig = new SimRig(options).ready();
  const responses = terminalResponses(rig);
  rig.at('AT+CGEREP=2,1');
  rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, 3 * MINUTE);
  return { rig, session: rig.sessions()[0]!, openChannel: openChannelResults(responses) };
}

// One entry per fault: the type makes a new fault without a test a compile error.
const faultTests: Record<FaultName, () => void | Promise<void>> = {
  'no-bip': () => {
    expect(firstCheck({}).openChannel).to.deep.equal(['00']);
    const { rig, session, openChannel } = firstCheck({ faults: ['no-bip'] });
    expect(openChannel).to.deep.equal(['30']);
    expect(rig.linesFrom('+CGEV')).to.deep.equal([]);
    expect(session).to.deep.include({ outcome: 'refused' }).and.not.have.property('openedAt');
  },

  'timer-survives-power-cycle': () => {
    const rig = new SimRig({ seed: 7, faults: ['timer-survives-power-cycle'] });
    const { firstDue } = powerCycleInBootWindow(rig);
    rig.advanceUntil(() => rig.sessions().length > 0, 3 * MINUTE);
    expect(rig.sessions()[0]!.requestedAt).to.equal(firstDue);
  },

  'early-check': () => {
    const rig = new SimRig({ faults: ['early-check'] });
    rig.module.power(true);
    rig.advanceUntil(() => rig.sessions().length > 0, 3 * MINUTE);
    expect(rig.sessions()[0]).to.deep.include({ requestedAt: 10 * SECOND, trigger: 'boot' });
    rig.advance(MINUTE);
    expect(rig.sessions()[0]!.outcome).to.equal('completed');
  },

  'never-checks': () => {
    const rig = new SimRig({ faults: ['never-checks'] }).ready();
    rig.advance(10 * MINUTE);
    expect(rig.sessions()).to.deep.equal([]);
    expect(rig.at(FORCE_CHECK)).to.deep.equal(['+CSIM: 4,"9000"', 'OK']);
    rig.advance(MINUTE);
    expect(rig.sessions()).to.deep.equal([]);
    expect(rig.module.truth.toJSON().events.map((e) => e.what)).to.include('force-check-envelope');
  },

  'server-unreachable': () => {
    const { rig, session, openChannel } = firstCheck({ faults: ['server-unreachable'], update: UPDATE });
    expect(session.outcome).to.equal('unreachable');
    expect(rig.textsFrom('+CGEV')).to.deep.equal([`+CGEV: ME PDN ACT ${session.cid}`, `+CGEV: ME PDN DEACT ${session.cid}`]);
    expect(openChannel).to.deep.equal(['3a07']);
    expect(rig.module.server.lookup()[0]!.status).to.equal('scheduled');
  },

  'lost-follow-on': () => {
    const rig = new SimRig({ faults: ['lost-follow-on'], update: { ...UPDATE, blocks: 3 } }).ready();
    rig.at(FORCE_CHECK);
    rig.advance(10 * MINUTE);
    expect(rig.sessions().map((s) => [s.trigger, s.outcome])).to.deep.equal([['forced', 'completed']]);
    expect(rig.module.server.lookup()[0]).to.deep.include({ status: 'in-progress', deliveredBlocks: 1 });
  },

  'trigger-ignored': () => {
    const rig = new SimRig({ faults: ['trigger-ignored'] }).ready();
    expect(rig.at(FORCE_CHECK)).to.deep.equal(['+CSIM: 4,"9000"', 'OK']);
    rig.advance(30 * SECOND);
    expect(rig.sessions()).to.deep.equal([]);
    rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, 2 * MINUTE);
    expect(rig.sessions()[0]).to.deep.include({ trigger: 'boot', outcome: 'completed' });
    expect(rig.sessions()[0]!.requestedAt).to.be.within(60 * SECOND, 120 * SECOND);
  },

  'no-weekly-recheck': () => {
    const rig = new SimRig({ faults: ['no-weekly-recheck'] }).ready();
    rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, 3 * MINUTE);
    expect(rig.sessions()[0]).to.deep.include({ trigger: 'boot', outcome: 'completed' });
    rig.advance(15 * DAY);
    expect(rig.sessions()).to.have.length(1);
  },

  'derives-apn-from-imsi': () => {
    const newImsi = '732123200009999';
    const rig = new SimRig({ faults: ['derives-apn-from-imsi'], update: { ...UPDATE, newImsi } }).ready();
    expect(rig.at('AT+CGDCONT?')).to.deep.equal(['+CGDCONT: 1,"IP","super","0.0.0.0",0,0', 'OK']);
    rig.at(FORCE_CHECK);
    rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, 30 * SECOND);
    rig.advance(30 * SECOND);
    expect(rig.at('AT+CIMI')).to.deep.equal([newImsi, 'OK']);
    const [context] = rig.at('AT+CGDCONT?');
    expect(context).to.match(/^\+CGDCONT: 1,"IP","[^"]*mcc732[^"]*",/).and.not.include('"super"');
  },

  'slow-boot': () => {
    const rig = new SimRig({ faults: ['slow-boot'] });
    rig.module.power(true);
    rig.advance(45 * SECOND - 1);
    rig.module.write(Buffer.from('AT\r'));
    expect(rig.take()).to.equal('');
    rig.advance(1);
    expect(rig.heard[0]).to.deep.equal({ at: 45 * SECOND, text: 'RDY' });
    rig.advanceUntil(() => rig.sessions()[0]?.outcome !== undefined, 3 * MINUTE);
    expect(rig.sessions()[0]!.outcome).to.equal('completed');
  },

  'line-noise': async () => {
    const quiet = new SimRig();
    quiet.module.power(true);
    quiet.advance(MINUTE);
    expect(quiet.take()).to.match(/^[\r\n -~]*$/);

    const rig = new SimRig({ faults: ['line-noise'] });
    // Bytes reach the module 300 rig ms after they are written, so noise can arrive while a command is in flight.
    const engine = new AtEngine({ clock: rig.clock, write: (bytes) => void rig.clock.setTimer(() => rig.module.write(bytes), 300) });
    rig.module.on('data', (bytes) => engine.feed(bytes));
    rig.module.power(true);
    rig.advance(READY_MS);
    const answers: AtResponse[] = [];
    for (let i = 0; i < 30; i++) {
      const answer = engine.send(i % 2 ? 'AT+CGMI' : 'AT+CIMI');
      rig.advance(2 * SECOND);
      answers.push(await answer);
    }
    expect(answers.every((a) => a.ok)).to.equal(true);
    expect(answers.map((a) => a.lines.join())).to.deep.equal(answers.map((_, i) => (i % 2 ? 'SimOTA' : '732123200001234')));
    expect(rig.take()).to.match(/[^\r\n -~]/);
    const noise = engine.transcript.entries().filter((e) => e.kind === 'noise');
    expect(noise.length).to.be.greaterThan(5);
    const inFlight = noise.filter((e) => answers.some((a) => e.rig > a.startedAt && e.rig < a.endedAt));
    expect(inFlight, 'noise while a command was in flight').to.not.be.empty;
  },
};

describe('virtual module: faults', () => {
  it('rejects an unknown fault, naming the known ones', () => {
    expect(() => parseFaults(['no-bip', 'sleepy'])).to.throw(/unknown fault "sleepy"; known faults: no-bip, .*line-noise/);
  });

  for (const name of Object.keys(FAULTS) as FaultName[]) {
    it(`${name}: ${FAULTS[name]}`, faultTests[name]);
  }
});
