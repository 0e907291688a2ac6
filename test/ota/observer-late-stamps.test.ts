// The OTA observer states how late the stamps dating a session may be as the session's timing uncertainty.
import { expect } from 'chai';
import type { Urc } from '../../harness/at/index.ts';
import { OtaObserver } from '../../harness/ota/observer.ts';
import { ALL_LAYERS, contextList, pdnDown, pdnUp } from './module-lines.ts';

/** URCs whose stamps say how late they may be. */
function lateSource() {
  const listeners: ((urc: Urc) => void)[] = [];
  return {
    onUrc: (listener: (urc: Urc) => void) => (listeners.push(listener), () => {}),
    say: (line: string, rig: number, lateBy: number) => listeners.forEach((l) => l({ line, prefix: line.split(':')[0]!, rig, wall: rig, lateBy })),
  };
}

describe('OTA observer on late stamps', () => {
  it('dates a session between its late stamps and the stamps less their lateness: never after a stamp', async () => {
    const urcs = lateSource();
    const observer = new OtaObserver(urcs, ALL_LAYERS, contextList());
    urcs.say(pdnUp(2), 1_000, 4);
    await Promise.resolve();
    expect(observer.sessions[0]).to.deep.include({ openedAt: 998, timingUncertainty: 2 });
    urcs.say(pdnDown(2), 2_000, 35);
    expect(observer.sessions[0]).to.deep.include({ closedAt: 1_982.5, timingUncertainty: 17.5 });
  });

  it('keeps the lateness of the URC it was handling to that URC: a poll later states only its own', () => {
    const urcs = lateSource();
    const observer = new OtaObserver(urcs, ALL_LAYERS, contextList());
    observer.polled(new Map([[2, 'ota.super']]), 1_000, 2);
    urcs.say(pdnUp(1), 1_500, 50);
    observer.polled(new Map([[1, 'super']]), 1_502, 2);
    expect(observer.sessions.map((s) => [s.cid, s.state, s.timingUncertainty])).to.deep.equal([[2, 'closed', 1], [1, 'open', 25]]);
  });
});
