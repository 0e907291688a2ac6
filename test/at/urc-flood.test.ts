// A broken module floods +CGEV: ME PDN ACT and DEACT and answers slowly: each activation makes the
// OTA observer look up the context's APN with AT+CGDCONT?. The queue must stay bounded and a readiness probe queued
// behind the lookups must still time out at its deadline.
import { expect } from 'chai';
import { AtTimeoutError, type TranscriptEntry } from '../../harness/at/index.ts';
import { AtContextReader } from '../../harness/module/contexts.ts';
import { OtaObserver } from '../../harness/ota/observer.ts';
import { moduleProfile } from '../../harness/module/profiles.ts';
import { fakeRig, flush, framed, track } from './fake-module.ts';

const URCS = 100_000;
const URCS_PER_SECOND = 1_000;
/** Rig ms the module takes over every answer. */
const ANSWER_MS = 3_000;

describe('AT engine under a URC flood', () => {
  it('keeps the queue bounded through 100 000 +CGEV URCs, and a readiness probe times out at its deadline', async function () {
    this.timeout(60_000);
    const profile = moduleProfile('generic-27007');
    const { clock, engine, module } = fakeRig(
      (input) => [{ text: input === 'AT+CGDCONT?' ? framed('+CGDCONT: 5,"IP","ota.super"', 'OK') : framed('OK'), afterMs: ANSWER_MS }],
      { urcPrefixes: profile.urcPrefixes },
    );
    const observer = new OtaObserver(engine, profile.evidence, new AtContextReader(engine));
    const second = framed(...Array.from({ length: URCS_PER_SECOND }, (_, i) => `+CGEV: ME PDN ${i % 2 === 0 ? 'ACT' : 'DEACT'} 5`));
    const timeouts: TranscriptEntry[] = [];
    engine.transcript.subscribe((entry) => entry.kind === 'timeout' && timeouts.push(entry));
    let mostQueued = 0;
    let probe: ReturnType<typeof track<unknown>> | undefined;
    let probeSentAt = 0;
    for (let fed = 0; fed < URCS; fed += URCS_PER_SECOND) {
      module.say(second);
      mostQueued = Math.max(mostQueued, engine.queued);
      if (fed === 10 * URCS_PER_SECOND) {
        // What RigController.waitAnswering sends, with 2 s left to its readiness deadline.
        probeSentAt = clock.now();
        probe = track(engine.send('AT', { timeoutMs: 1_000, deadlineMs: 2_000 }));
      }
      clock.advance(1_000);
      await flush();
    }
    const seconds = URCS / URCS_PER_SECOND;
    // One lookup in flight and one queued that every URC since shares, and the probe for a while.
    expect(mostQueued).to.be.at.most(2);
    expect(module.read.length).to.be.at.most(seconds * 1_000 / ANSWER_MS + 1);
    expect(module.read).to.not.include('AT');
    expect(probe?.error).to.be.instanceOf(AtTimeoutError);
    expect(probe?.error).to.deep.include({ queued: true, timeoutMs: 2_000 });
    expect(timeouts.find((e) => e.text.startsWith('AT:'))?.rig).to.equal(probeSentAt + 2_000);
    // The lookups' shared answers reached the observer.
    expect(observer.sessions.some((session) => session.apn === 'ota.super')).to.equal(true);
  });
});
