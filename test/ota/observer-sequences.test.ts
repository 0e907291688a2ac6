// The OTA observer on interleaved contexts and layers: a data context beside the OTA session,
// repeated events, events without a cid, PDN and BIP events of one session, sessions found by a
// poll of the context list; then random sequences checked against a reference model of sessions.
import { expect } from 'chai';
import fc from 'fast-check';
import type { OtaSession } from '../../harness/ota/observer.ts';
import {
  APNS, BIP_DOWN, BIP_UP, CLOSE_CHANNEL, OPEN_CHANNEL_ACCEPTED, RECEIVE_DATA, SEND_DATA, SESSION_END, SET_UP_EVENT_LIST, observerOf, openChannelLine, pdnDown, pdnUp,
  settle,
} from './module-lines.ts';

/** An observer of every layer; `say` feeds it a line at a rig time and lets its APN look-ups settle. */
function watching() {
  const { urcs, contexts, observer } = observerOf();
  const announced: string[] = [];
  for (const event of ['opened', 'closed', 'refused', 'identified'] as const) {
    observer.on(event, (session) => announced.push(`${event} ${session.index}`));
  }
  const say = async (at: number, line: string) => {
    urcs.say(line, at);
    await settle();
  };
  const brief = () => observer.sessions.map((s) => ({ apn: s.apn, cid: s.cid, openedAt: s.openedAt, closedAt: s.closedAt, state: s.state }));
  return { observer, contexts, announced, say, brief };
}

const active = (...cids: number[]) => new Map(cids.map((cid) => [cid, APNS.get(cid)]));

describe('OTA observer: a data context beside the OTA session', () => {
  it('a data context going down while the OTA session is open closes only its own session', async () => {
    const { say, brief, announced } = watching();
    await say(1_000, pdnUp(1));
    await say(90_000, pdnUp(2));
    await say(91_000, pdnDown(1));
    await say(95_000, pdnDown(2));
    expect(brief()).to.deep.equal([
      { apn: 'super', cid: 1, openedAt: 1_000, closedAt: 91_000, state: 'closed' },
      { apn: 'ota.super', cid: 2, openedAt: 90_000, closedAt: 95_000, state: 'closed' },
    ]);
    expect(announced).to.deep.equal(['opened 0', 'opened 1', 'closed 0', 'closed 1']);
  });

  it('a data context coming up during the OTA session is a session of its own, and takes none of its channel commands', async () => {
    const { observer, say, brief } = watching();
    await say(89_900, openChannelLine('ota.super'));
    await say(90_000, pdnUp(2));
    await say(91_000, pdnUp(1)); // within the PDN/BIP pairing time, but a context of its own
    await say(92_000, SEND_DATA);
    await say(93_000, RECEIVE_DATA);
    await say(94_000, CLOSE_CHANNEL);
    await say(95_000, pdnDown(2));
    expect(brief()).to.deep.equal([
      { apn: 'ota.super', cid: 2, openedAt: 90_000, closedAt: 95_000, state: 'closed' },
      { apn: 'super', cid: 1, openedAt: 91_000, closedAt: undefined, state: 'open' },
    ]);
    expect(observer.sessions.map((s) => s.exchangedData)).to.deep.equal([true, false]);
    expect(observer.sessions[0]!.seen).to.deep.equal(['proactive-command', 'pdn-event']);
    expect(observer.sessions[0]!.evidence.map((e) => e.rig)).to.deep.equal([89_900, 90_000, 92_000, 93_000, 94_000, 95_000]);
    expect(observer.sessions[1]!.seen).to.deep.equal(['pdn-event']);
  });

  it('a channel command with no OPEN CHANNEL seen goes to the newest open session, and none to no session', async () => {
    const { observer, say } = watching();
    await say(500, SEND_DATA); // nothing open: proves nothing
    await say(1_000, pdnUp(1));
    await say(2_000, pdnUp(2));
    await say(3_000, RECEIVE_DATA);
    expect(observer.sessions.map((s) => [s.exchangedData, s.seen])).to.deep.equal([
      [false, ['pdn-event']],
      [true, ['pdn-event', 'proactive-command']],
    ]);
    expect(observer.sessions[1]!.evidence.map((e) => e.line)).to.deep.equal([pdnUp(2), RECEIVE_DATA]);
  });

  it('a proactive command not about a channel is no evidence of any session', async () => {
    const { observer, say } = watching();
    await say(1_000, pdnUp(2));
    await say(2_000, SET_UP_EVENT_LIST);
    expect(observer.sessions[0]!.seen).to.deep.equal(['pdn-event']);
    expect(observer.sessions[0]!.evidence).to.have.length(1);
  });

  it('a refused OPEN CHANNEL is no open session: later channel commands go to the session that is open', async () => {
    const { observer, say } = watching();
    await say(1_000, openChannelLine('ota.super'));
    await say(1_200, SESSION_END);
    await say(5_000, pdnUp(2));
    await say(6_000, SEND_DATA);
    expect(observer.sessions.map((s) => [s.state, s.exchangedData])).to.deep.equal([['refused', false], ['open', true]]);
  });

  it('the APN an OPEN CHANNEL named stands for its context, whatever the list says of the cid', async () => {
    const { observer, say, contexts } = watching();
    await say(1_000, openChannelLine('ota.super'));
    await say(1_100, pdnUp(3));
    expect(observer.sessions[0]).to.include({ apn: 'ota.super', cid: 3, requestedAt: 1_000 });
    expect(contexts.lookups).to.deep.equal([]);
  });

  it('a CLOSE CHANNEL is evidence of the session, not data', async () => {
    const { observer, say } = watching();
    await say(1_000, openChannelLine('ota.super'));
    await say(1_100, pdnUp(2));
    await say(2_000, CLOSE_CHANNEL);
    expect(observer.sessions[0]).to.include({ exchangedData: false, requestedAt: 1_000 });
    expect(observer.sessions[0]!.evidence.at(-1)!.line).to.equal(CLOSE_CHANNEL);
  });
});

describe('OTA observer: repeated events and events without a cid', () => {
  it('a context reported up twice is one session; a second down event is nobody\'s', async () => {
    const { observer, say, brief, announced } = watching();
    await say(1_000, pdnUp(2));
    await say(1_500, pdnUp(2));
    await say(9_000, pdnUp(2)); // long after: still the same context, never seen going down
    await say(10_000, pdnDown(2));
    await say(10_100, pdnDown(2));
    expect(brief()).to.deep.equal([{ apn: 'ota.super', cid: 2, openedAt: 1_000, closedAt: 10_000, state: 'closed' }]);
    expect(observer.sessions[0]!.evidence.map((e) => e.rig)).to.deep.equal([1_000, 1_500, 9_000, 10_000]);
    expect(announced).to.deep.equal(['opened 0', 'closed 0']);
    await say(20_000, pdnUp(2));
    expect(brief().map((s) => s.openedAt)).to.deep.equal([1_000, 20_000]);
  });

  it('a BIP link alone opens a session with no cid, its APN from the OPEN CHANNEL or unknown', async () => {
    const { observer, say, brief, contexts } = watching();
    await say(1_000, BIP_UP);
    await say(2_000, BIP_DOWN);
    await say(10_000, openChannelLine('ota.super'));
    await say(10_200, BIP_UP);
    await say(12_000, BIP_DOWN);
    await say(12_100, BIP_DOWN); // its link is down already: nobody's
    expect(brief()).to.deep.equal([
      { apn: undefined, cid: undefined, openedAt: 1_000, closedAt: 2_000, state: 'closed' },
      { apn: 'ota.super', cid: undefined, openedAt: 10_200, closedAt: 12_000, state: 'closed' },
    ]);
    expect(observer.sessions[1]).to.include({ requestedAt: 10_000 });
    expect(observer.sessions[1]!.seen).to.deep.equal(['proactive-command', 'bip-event']);
    expect(observer.sessions[1]!.evidence).to.have.length(3);
    expect(contexts.lookups).to.deep.equal([]);
  });

  it('a BIP link down event closes the newest session its link was up for, past a newer PDN-only one', async () => {
    const { say, brief } = watching();
    await say(1_000, BIP_UP);
    await say(8_000, pdnUp(1));
    await say(9_000, BIP_DOWN);
    expect(brief().map((s) => [s.cid, s.state])).to.deep.equal([[undefined, 'closed'], [1, 'open']]);
  });

  it('a BIP link up first, then its context: one session, announced again once its APN is known', async () => {
    const { observer, say, announced, contexts } = watching();
    await say(1_000, BIP_UP);
    await say(1_400, pdnUp(2));
    await say(5_000, pdnDown(2));
    await say(5_050, BIP_DOWN);
    expect(observer.sessions).to.have.length(1);
    expect(observer.sessions[0]).to.include({ apn: 'ota.super', cid: 2, openedAt: 1_000, closedAt: 5_000 });
    expect(observer.sessions[0]!.seen).to.deep.equal(['bip-event', 'pdn-event']);
    expect(announced).to.deep.equal(['opened 0', 'identified 0', 'closed 0']);
    expect(contexts.lookups).to.deep.equal([2]);
  });

  it('a context coming up again right after its session closed is a new session, though the BIP link was never seen down', async () => {
    const { say, brief } = watching();
    await say(1_000, pdnUp(2));
    await say(1_100, BIP_UP);
    await say(2_000, pdnDown(2));
    await say(3_000, pdnUp(2));
    expect(brief().map((s) => [s.openedAt, s.state])).to.deep.equal([[1_000, 'closed'], [3_000, 'open']]);
  });

  it('a second BIP link up with the first still up is a second channel: a session of its own', async () => {
    const { say, brief } = watching();
    await say(1_000, BIP_UP);
    await say(20_000, BIP_UP);
    expect(brief().map((s) => s.openedAt)).to.deep.equal([1_000, 20_000]);
  });

  it('pairs a BIP link with its context up to 5 s apart, and not 1 ms more', async () => {
    const paired = watching();
    await paired.say(1_000, pdnUp(2));
    await paired.say(6_000, BIP_UP);
    expect(paired.observer.sessions).to.have.length(1);
    const apart = watching();
    await apart.say(1_000, pdnUp(2));
    await apart.say(6_001, BIP_UP);
    expect(apart.brief().map((s) => s.openedAt)).to.deep.equal([1_000, 6_001]);
  });

  it('a context learned from an OPEN CHANNEL keeps that APN, and asks the context list nothing', async () => {
    const { observer, say, contexts, announced } = watching();
    await say(1_000, openChannelLine('ota.super'));
    await say(1_100, BIP_UP);
    await say(1_200, pdnUp(2));
    expect(observer.sessions[0]).to.include({ apn: 'ota.super', cid: 2 });
    expect(contexts.lookups).to.deep.equal([]);
    expect(announced).to.deep.equal(['opened 0']);
  });

  it('a context whose APN the list no longer has stays unidentified', async () => {
    const { observer, urcs, contexts } = observerOf(undefined, new Map());
    const identified: OtaSession[] = [];
    observer.on('identified', (s) => identified.push(s));
    urcs.say(BIP_UP, 1_000);
    urcs.say(pdnUp(2), 1_100);
    await settle();
    expect(observer.sessions[0]).to.include({ apn: undefined, cid: 2 });
    expect(identified).to.deep.equal([]);
    expect(contexts.lookups).to.deep.equal([2]);
  });

  it('a garbled +CUSATP and a terminal response prove nothing', async () => {
    const { observer, say } = watching();
    await say(1_000, '+CUSATP: "D0FF"');
    await say(1_100, OPEN_CHANNEL_ACCEPTED);
    await say(1_200, SESSION_END);
    await say(2_000, pdnUp(2));
    expect(observer.sessions).to.have.length(1);
    expect(observer.sessions[0]).to.include({ requestedAt: undefined, state: 'open' });
    expect(observer.sessions[0]!.evidence).to.have.length(1);
  });

  it('a context that goes down while its APN is looked up is announced opened, then closed', async () => {
    const { observer, urcs } = observerOf();
    const events: string[] = [];
    observer.on('opened', (s) => events.push(`opened ${s.apn}`)).on('closed', (s) => events.push(`closed ${s.closedAt}`));
    urcs.say(pdnUp(2), 1_000);
    urcs.say(pdnDown(2), 1_001);
    await settle();
    expect(events).to.deep.equal(['opened ota.super', 'closed 1001']);
  });

  it('power lost: open sessions close with no date, a pending OPEN CHANNEL and the links are forgotten', async () => {
    const { observer, say, brief, announced } = watching();
    await say(1_000, pdnUp(2));
    await say(2_000, BIP_UP);
    await say(3_000, openChannelLine('ota.super'));
    observer.powerLost();
    await say(4_000, pdnDown(2)); // late, from before the power went
    await say(10_000, pdnUp(2));
    await say(10_500, BIP_UP);
    expect(brief()).to.deep.equal([
      { apn: 'ota.super', cid: 2, openedAt: 1_000, closedAt: undefined, state: 'closed' },
      { apn: 'ota.super', cid: 2, openedAt: 10_000, closedAt: undefined, state: 'open' },
    ]);
    expect(observer.sessions[0]!.evidence).to.have.length(2);
    expect(observer.sessions[1]).to.include({ requestedAt: undefined });
    expect(announced).to.deep.equal(['opened 0', 'closed 0', 'opened 1']);
  });

  it('stop() ends the observation', async () => {
    const { observer, say } = watching();
    observer.stop();
    await say(1_000, pdnUp(2));
    expect(observer.sessions).to.deep.equal([]);
  });
});

describe('OTA observer: sessions found by polling the context list', () => {
  it('dates a polled session to the middle of each interval, ± half of the longer one', async () => {
    const { observer, announced } = watching();
    observer.polled(active(2), 10_000, 4_000);
    observer.polled(active(2), 15_000, 5_000);
    observer.polled(active(), 21_000, 6_000);
    expect(observer.sessions).to.deep.equal([
      {
        index: 0, apn: 'ota.super', cid: 2, requestedAt: undefined, openedAt: 8_000, closedAt: 18_000, state: 'closed', exchangedData: false,
        // The opening is ± 2 s (a 4 s interval), the closing ± 3 s (a 6 s one): one bound, the larger.
        seen: ['context-poll'], timingUncertainty: 3_000, stampLateBy: 0,
        evidence: [
          { rig: 8_000, line: '(context 2 on ota.super active in a poll at 10000 rig ms)' },
          { rig: 18_000, line: '(context 2 no longer active in a poll at 21000 rig ms)' },
        ],
      } satisfies OtaSession,
    ]);
    expect(announced).to.deep.equal(['opened 0', 'closed 0']);
  });

  it('a poll opens nothing for a context an event showed, and closes nothing it did not open', async () => {
    const { observer, say, brief } = watching();
    await say(1_000, pdnUp(2));
    observer.polled(active(2), 3_000, 2_000);
    observer.polled(active(), 5_000, 2_000); // the poll missed the context's down event: the event closes it
    expect(brief()).to.deep.equal([{ apn: 'ota.super', cid: 2, openedAt: 1_000, closedAt: undefined, state: 'open' }]);
    await say(6_000, pdnDown(2));
    expect(brief()[0]).to.include({ closedAt: 6_000, state: 'closed' });
  });

  it('names an APN the context list does not know as unknown', () => {
    const { observer } = watching();
    observer.polled(new Map([[5, undefined]]), 2_000, 2_000);
    expect(observer.sessions[0]).to.include({ apn: undefined, cid: 5 });
    expect(observer.sessions[0]!.evidence[0]!.line).to.equal('(context 5 on an unknown APN active in a poll at 2000 rig ms)');
  });

  it('a polled session joined by a later event of its context is one session, closed by that context\'s down event', async () => {
    const { observer, say, brief } = watching();
    observer.polled(active(2), 10_000, 4_000);
    await say(30_000, pdnUp(2)); // an event long after the poll: the same context, up all along
    expect(observer.sessions).to.have.length(1);
    expect(observer.sessions[0]!.seen).to.deep.equal(['context-poll', 'pdn-event']);
    await say(40_000, pdnDown(2));
    observer.polled(active(), 42_000, 2_000);
    expect(brief()[0]).to.deep.equal({ apn: 'ota.super', cid: 2, openedAt: 8_000, closedAt: 40_000, state: 'closed' });
  });

  it('a polled session whose context the next poll still lists stays open; a context coming back later is a new session', () => {
    const { observer } = watching();
    observer.polled(active(3), 5_000, 5_000);
    observer.polled(active(2, 3), 10_000, 5_000);
    observer.polled(active(2), 15_000, 5_000);
    observer.polled(active(2, 3), 20_000, 5_000);
    expect(observer.sessions.map((s) => [s.cid, s.openedAt, s.closedAt ?? null])).to.deep.equal([
      [3, 2_500, 12_500],
      [2, 7_500, null],
      [3, 17_500, null],
    ]);
  });
});

/**
 * Random histories of three contexts checked against what the observer should make of them. Context
 * 1 (the data context) and 2 (the OTA context) raise PDN events, 2 optionally with its OPEN CHANNEL,
 * its BIP link and SEND DATA; context 3 raises none and is seen only by polls. The model knows each
 * context's true state and says, from it alone, which sessions the observer must report.
 */
describe('OTA observer: random histories against a model of sessions', () => {
  type Move =
    | { kind: 'toggle'; cid: 1 | 2 | 3; command: boolean; bip: boolean; bipClosesFirst: boolean; repeat: boolean }
    | { kind: 'poll' | 'data' | 'refused' | 'power-lost' };
  const move: fc.Arbitrary<Move> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('toggle' as const), cid: fc.constantFrom(1 as const, 2 as const, 3 as const), command: fc.boolean(), bip: fc.boolean(), bipClosesFirst: fc.boolean(), repeat: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('poll' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('data' as const, 'refused' as const, 'power-lost' as const) }) },
  );
  const history = fc.array(fc.tuple(fc.integer({ min: 10, max: 20_000 }), move), { maxLength: 40 });

  type Expected = Omit<OtaSession, 'index' | 'evidence'>;

  it('reports one session per context activation an event or a poll showed, dated as they showed it', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (moves) => {
        const { observer, urcs } = observerOf();
        const announced = new Map<OtaSession, string[]>();
        for (const event of ['opened', 'closed', 'refused'] as const) {
          observer.on(event, (s) => announced.set(s, [...(announced.get(s) ?? []), event]));
        }
        const say = async (line: string, at: number) => {
          urcs.say(line, at);
          await settle();
        };
        const expected: Expected[] = [];
        /** The expected session of each context that is up, if the observer should know of it. */
        const up = new Map<number, Expected | undefined>();
        let t = 0;
        let lastPoll = 0;
        for (const [gap, m] of moves) {
          t += gap;
          if (m.kind === 'toggle' && !up.has(m.cid)) {
            if (m.cid === 3) {
              up.set(3, undefined); // silent: only a poll will see it
              continue;
            }
            const command = m.cid === 2 && m.command;
            const bip = m.cid === 2 && m.bip;
            if (command) await say(openChannelLine('ota.super'), t);
            await say(pdnUp(m.cid), t + 1);
            if (bip) await say(BIP_UP, t + 2);
            if (m.repeat) await say(pdnUp(m.cid), t + 3);
            const session: Expected = {
              apn: APNS.get(m.cid), cid: m.cid, requestedAt: command ? t : undefined, openedAt: t + 1, closedAt: undefined, state: 'open', exchangedData: false,
              seen: [...(command ? (['proactive-command'] as const) : []), 'pdn-event', ...(bip ? (['bip-event'] as const) : [])], timingUncertainty: 0, stampLateBy: 0,
            };
            expected.push(session);
            up.set(m.cid, session);
          } else if (m.kind === 'toggle') {
            const session = up.get(m.cid);
            up.delete(m.cid);
            if (m.cid === 3) continue; // its polled session closes at the next poll
            const bip = session!.seen.includes('bip-event');
            if (bip && m.bipClosesFirst) await say(BIP_DOWN, t);
            await say(pdnDown(m.cid), t + (bip && m.bipClosesFirst ? 1 : 0));
            if (bip && !m.bipClosesFirst) await say(BIP_DOWN, t + 1);
            if (m.repeat) await say(pdnDown(m.cid), t + 2);
            Object.assign(session!, { state: 'closed', closedAt: t });
          } else if (m.kind === 'poll') {
            const interval = t - lastPoll;
            lastPoll = t;
            observer.polled(new Map([...up.keys()].map((cid) => [cid, APNS.get(cid)])), t, interval);
            const polled = expected.find((s) => s.cid === 3 && s.state === 'open');
            // Both edges were found by polls: the bound is the larger half-interval.
            if (polled && !up.has(3)) Object.assign(polled, { state: 'closed', closedAt: t - interval / 2, timingUncertainty: Math.max(polled.timingUncertainty, interval / 2) });
            if (!polled && up.has(3)) {
              const session: Expected = {
                apn: 'other.apn', cid: 3, requestedAt: undefined, openedAt: t - interval / 2, closedAt: undefined, state: 'open', exchangedData: false,
                seen: ['context-poll'], timingUncertainty: interval / 2, stampLateBy: 0,
              };
              expected.push(session);
              up.set(3, session);
            }
          } else if (m.kind === 'data') {
            const session = up.get(2);
            if (session?.requestedAt === undefined) continue; // no OPEN CHANNEL seen: no session is known to be the channel's
            await say(SEND_DATA, t);
            session.exchangedData = true;
          } else if (m.kind === 'refused') {
            if (up.has(2)) continue;
            await say(openChannelLine('ota.super'), t);
            await say(SESSION_END, t + 1);
            expected.push({
              apn: 'ota.super', cid: undefined, requestedAt: t, openedAt: t + 1, closedAt: undefined, state: 'refused', exchangedData: false,
              seen: ['proactive-command'], timingUncertainty: 0, stampLateBy: 0,
            });
          } else {
            observer.powerLost();
            for (const session of expected) if (session.state === 'open') session.state = 'closed';
            up.clear();
          }
        }
        expect(observer.sessions.map((s) => s.index)).to.deep.equal(observer.sessions.map((_, i) => i));
        expect(observer.sessions.map(({ index, evidence, ...session }) => session)).to.deep.equal(expected);
        for (const session of observer.sessions) {
          const events = session.state === 'refused' ? ['refused'] : session.state === 'closed' ? ['opened', 'closed'] : ['opened'];
          expect(announced.get(session), `events of session ${session.index}`).to.deep.equal(events);
        }
      }),
      { numRuns: 150 },
    );
  });
});
