// Reading the module's PDP contexts: +CGDCONT? for each context's APN, +CGACT? for the active ones,
// and a read that fails or times out taken as an empty answer, so that observation never breaks.
import { expect } from 'chai';
import { AtContextReader, parseActiveContexts, parseContextApns } from '../../harness/module/contexts.ts';
import { fakeRig, flush, framed, track } from '../at/fake-module.ts';

describe('context list parsing', () => {
  it('+CGDCONT: maps each cid to its APN, an empty APN included, and skips other lines', () => {
    const apns = parseContextApns([
      '+CGDCONT: 1,"IP","super","0.0.0.0",0,0',
      '+CGDCONT: 12,"IPV4V6","","",0,0',
      '+CGDCONT: 3,"IP"',
      'x+CGDCONT: 4,"IP","not.a.line"',
      '+CGDCONT: 5,"IP","ota.super"',
    ]);
    expect([...apns]).to.deep.equal([[1, 'super'], [12, ''], [5, 'ota.super']]);
  });

  it('+CGACT: the cids in state 1, with or without a space, and no other state', () => {
    expect(parseActiveContexts(['+CGACT: 1,1', '+CGACT: 2,0', '+CGACT: 3, 1', '+CGACT: 4,10', '+CGACT: 15,1', 'x+CGACT: 6,1'])).to.deep.equal([1, 3, 15]);
  });
});

describe('AtContextReader', () => {
  function reader(answers: Record<string, string | undefined>) {
    const rig = fakeRig((input) => answers[input]);
    rig.module.echo = false;
    return { contexts: new AtContextReader(rig.engine), rig };
  }
  const LIST = framed('+CGDCONT: 1,"IP","super"', '+CGDCONT: 2,"IP","ota.super"', 'OK');

  it('reads a context\'s APN, and undefined for a cid the list does not have', async () => {
    const { contexts } = reader({ 'AT+CGDCONT?': LIST });
    expect(await contexts.apnOf(2)).to.equal('ota.super');
    expect(await contexts.apnOf(7)).to.equal(undefined);
  });

  it('the active contexts with their APNs; a cid without one has undefined', async () => {
    const { contexts, rig } = reader({ 'AT+CGACT?': framed('+CGACT: 1,1', '+CGACT: 2,1', '+CGACT: 3,1', 'OK'), 'AT+CGDCONT?': LIST });
    expect([...(await contexts.active())]).to.deep.equal([[1, 'super'], [2, 'ota.super'], [3, undefined]]);
    expect(rig.module.read).to.deep.equal(['AT+CGACT?', 'AT+CGDCONT?']);
  });

  it('no active context: the APNs are not read', async () => {
    const { contexts, rig } = reader({ 'AT+CGACT?': framed('+CGACT: 1,0', 'OK'), 'AT+CGDCONT?': LIST });
    expect([...(await contexts.active())]).to.deep.equal([]);
    expect(rig.module.read).to.deep.equal(['AT+CGACT?']);
  });

  it('an ERROR answer is an empty list, whatever lines came with it', async () => {
    const { contexts } = reader({ 'AT+CGACT?': framed('+CGACT: 1,1', 'ERROR'), 'AT+CGDCONT?': framed('+CGDCONT: 2,"IP","ota.super"', 'ERROR') });
    expect([...(await contexts.active())]).to.deep.equal([]);
    expect(await contexts.apnOf(2)).to.equal(undefined);
  });

  it('a read that times out is an empty answer, not an error', async () => {
    const { contexts, rig } = reader({});
    const answer = track(contexts.apnOf(2));
    for (let i = 0; i < 20 && !answer.settled; i++) {
      rig.clock.advance(1_000);
      await flush();
    }
    expect(answer).to.deep.equal({ settled: true, value: undefined });
  });
});
