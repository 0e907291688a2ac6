// The OTA observer on vendor notifications that name a proactive command by its type alone (Telit
// #STN with a host-side toolkit): the OPEN CHANNEL dates the session and joins its evidence, the PDN
// event gives the cid and AT+CGDCONT? the APN; an OPEN CHANNEL the card gives up on is a refused
// session. First against scripted lines, then against the simulated modules printing them.
import { expect } from 'chai';
import { AtEngine } from '../../harness/at/index.ts';
import { AtContextReader } from '../../harness/module/contexts.ts';
import { OtaObserver, type OtaSession } from '../../harness/ota/observer.ts';
import { moduleProfile, type EvidenceRule } from '../../harness/module/profiles.ts';
import { PDN_27007, TE_PROFILE_27007 } from '../../harness/module/profiles/common.ts';
import { VirtualModule } from '../../harness/sim/index.ts';
import { answerToolkit } from '../../harness/rig/host-toolkit.ts';
import { ManualClock } from '../../harness/time/clock.ts';
import { fakeRig, flush, framed } from '../at/fake-module.ts';

const CONTEXTS = framed('+CGDCONT: 1,"IP","super","0.0.0.0",0,0', '+CGDCONT: 2,"IP","ota.super","0.0.0.0",0,0', 'OK');

/** Telit #STN notifications of a host-side toolkit, with PDN events. */
const TELIT_ACTIVE = [...PDN_27007, ...moduleProfile('telit-le910').activeToolkit!.evidence];
/** A type-only notification with an end of the card's command cycle, as a vendor could print them. */
const TYPES_WITH_END: EvidenceRule[] = [
  { kind: 'proactive-session-end', pattern: '^#STN: ?254$' },
  { kind: 'proactive-command', pattern: '^#STN: ?(?<type>\\d+)$' },
];

/** An observer with these rules, reading lines a scripted module says at given rig times. */
function scripted(rules: readonly EvidenceRule[], urcPrefixes: string[] = ['#STN:', '%USATEV:']) {
  const rig = fakeRig((input) => (input === 'AT+CGDCONT?' ? CONTEXTS : framed('ERROR')), { urcPrefixes });
  rig.module.echo = false;
  const observer = new OtaObserver(rig.engine, rules, new AtContextReader(rig.engine));
  const announced: string[] = [];
  for (const event of ['opened', 'closed', 'refused'] as const) observer.on(event, (session) => announced.push(`${event} ${session.index}`));
  const say = async (at: number, line: string) => {
    rig.clock.advance(at - rig.clock.now());
    rig.module.say(framed(line));
    await flush();
  };
  return { observer, announced, say, commands: rig.module.read };
}

describe('OTA observer on proactive commands named by their type', () => {
  it('Telit #STN: dates the session by its OPEN CHANNEL, reads the APN of the PDN event\'s cid, and keeps every line', async () => {
    const { observer, announced, say } = scripted(TELIT_ACTIVE);
    const lines: [number, string][] = [
      [1_000, '#STN: 64'],
      [2_500, '+CGEV: ME PDN ACT 2'],
      [3_000, '#STN: 67'],
      [4_000, '#STN: 65'],
      [4_000, '+CGEV: ME PDN DEACT 2'],
    ];
    for (const [at, line] of lines) await say(at, line);
    expect(announced).to.deep.equal(['opened 0', 'closed 0']);
    expect(observer.sessions).to.deep.equal([
      {
        index: 0, apn: 'ota.super', cid: 2, requestedAt: 1_000, openedAt: 2_500, closedAt: 4_000, state: 'closed', exchangedData: true,
        seen: ['toolkit-notification', 'pdn-event'], timingUncertainty: 0, stampLateBy: 0,
        evidence: lines.map(([rig, line]) => ({ rig, line })),
      } satisfies OtaSession,
    ]);
  });

  it('an OPEN CHANNEL the card ends its command cycle on is refused, with its APN unknown', async () => {
    const { observer, announced, say, commands } = scripted(TYPES_WITH_END);
    await say(500, '#STN: 254'); // a command cycle with no OPEN CHANNEL in it
    await say(1_000, '#STN: 64');
    await say(1_200, '#STN: 254');
    expect(announced).to.deep.equal(['refused 0']);
    expect(observer.sessions).to.deep.equal([
      {
        index: 0, apn: undefined, cid: undefined, requestedAt: 1_000, openedAt: 1_200, closedAt: undefined, state: 'refused', exchangedData: false,
        seen: ['toolkit-notification'], timingUncertainty: 0, stampLateBy: 0,
        evidence: [{ rig: 1_000, line: '#STN: 64' }, { rig: 1_200, line: '#STN: 254' }],
      } satisfies OtaSession,
    ]);
    // No context came up, so there was none to ask the APN of.
    expect(commands).to.deep.equal([]);
  });
});

describe('OTA observer on a module reporting both the PDN context and the BIP link (nRF91)', () => {
  it('shows one session for a context and the BIP link on it, and keeps an older data context apart', async () => {
    const { observer, announced, say } = scripted(moduleProfile('nordic-nrf9160').evidence);
    await say(1_000, '+CGEV: ME PDN ACT 1'); // the data context, long before any OTA check
    await say(90_000, '+CGEV: ME PDN ACT 2');
    await say(90_300, '%USATEV: BIP Connected');
    await say(95_000, '%USATEV: BIP Closed');
    await say(95_100, '+CGEV: ME PDN DEACT 2');
    expect(announced).to.deep.equal(['opened 0', 'opened 1', 'closed 1']);
    expect(observer.sessions.map((s) => [s.apn, s.cid, s.openedAt, s.closedAt, s.state])).to.deep.equal([
      ['super', 1, 1_000, undefined, 'open'],
      ['ota.super', 2, 90_000, 95_000, 'closed'],
    ]);
    expect(observer.sessions[1]!.evidence.map((e) => e.line)).to.deep.equal(['+CGEV: ME PDN ACT 2', '%USATEV: BIP Connected', '%USATEV: BIP Closed', '+CGEV: ME PDN DEACT 2']);
  });

  it('keeps the second link-down event of a session to that session, whichever comes first', async () => {
    const { observer, announced, say } = scripted(moduleProfile('nordic-nrf9160').evidence);
    await say(1_000, '+CGEV: ME PDN ACT 1');
    await say(90_000, '+CGEV: ME PDN ACT 2');
    await say(90_300, '%USATEV: BIP Connected');
    await say(95_000, '+CGEV: NW PDN DEACT 2');
    await say(95_100, '%USATEV: BIP Closed');
    expect(announced).to.deep.equal(['opened 0', 'opened 1', 'closed 1']);
    expect(observer.sessions.map((s) => [s.cid, s.state, s.closedAt])).to.deep.equal([
      [1, 'open', undefined],
      [2, 'closed', 95_000],
    ]);
    expect(observer.sessions[1]!.evidence.at(-1)!.line).to.equal('%USATEV: BIP Closed');
  });

  it('takes a BIP link that comes long after the last context for a session of its own', async () => {
    const { observer, say } = scripted(moduleProfile('nordic-nrf9160').evidence);
    await say(1_000, '+CGEV: ME PDN ACT 1');
    await say(90_000, '%USATEV: BIP Connected');
    expect(observer.sessions.map((s) => s.openedAt)).to.deep.equal([1_000, 90_000]);
  });
});

describe('OTA observer on simulated modules', () => {
  /** The first OTA session after power-up of a simulated module, observed through these rules after these setup commands. */
  async function firstSession(profileId: string, rules: readonly EvidenceRule[], setup: readonly string[], answer = false): Promise<OtaSession | undefined> {
    const clock = new ManualClock();
    const profile = moduleProfile(profileId);
    const module = new VirtualModule({ clock, seed: 1, profile: profileId });
    const engine = new AtEngine({ clock, write: (bytes) => module.write(bytes), urcPrefixes: profile.urcPrefixes });
    module.on('data', (bytes) => engine.feed(bytes));
    const observer = new OtaObserver(engine, rules, new AtContextReader(engine));
    if (answer) answerToolkit(engine, profile.activeToolkit!, () => {});
    module.power(true);
    clock.advance(10_000);
    for (const command of setup) await engine.expectOk(command);
    // The applet's first check comes within two minutes of power-up; a session takes seconds.
    for (let t = 0; t < 200_000 && !observer.sessions.some((s) => s.state !== 'open'); t += 500) {
      clock.advance(500);
      await flush();
    }
    engine.close();
    return observer.sessions[0];
  }

  it('generic-27007 with its passive setup: the session is seen through PDN events alone, its APN read from the context list', async () => {
    const profile = moduleProfile('generic-27007');
    const session = await firstSession('generic-27007', profile.evidence, profile.setup);
    expect(session?.state).to.equal('closed');
    expect(session?.apn).to.equal('ota.super');
    expect(session?.seen).to.deep.equal(['pdn-event']);
    expect(session?.exchangedData).to.equal(false);
  });

  it('generic-27007 with the TE profile answered: the OPEN CHANNEL, SEND and RECEIVE DATA are seen as +CUSATP', async () => {
    const profile = moduleProfile('generic-27007');
    const session = await firstSession('generic-27007', [...profile.evidence, ...TE_PROFILE_27007.evidence], [...profile.setup, ...TE_PROFILE_27007.setup], true);
    expect(session?.state).to.equal('closed');
    expect(session?.seen).to.include('proactive-command');
    expect(session?.exchangedData).to.equal(true);
  });
});
