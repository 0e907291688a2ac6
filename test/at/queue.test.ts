// The queue's bounds: how many commands may wait, identical read commands waiting there sent once,
// and a deadline counted from send() that holds even for a command that never left the queue.
import { expect } from 'chai';
import { AtQueueFullError, AtTimeoutError } from '../../harness/at/index.ts';
import { fakeRig, flush, framed, track } from './fake-module.ts';

const CONTEXTS = framed('+CGDCONT: 1,"IP","super"', 'OK');

/** A module that never answers AT+COPS=? and answers everything else after `answerMs`. */
function busyRig(answerMs: number, options: Parameters<typeof fakeRig>[1] = {}) {
  return fakeRig((input) => {
    if (input === 'AT+COPS=?') return undefined;
    return [{ text: input === 'AT+CGDCONT?' ? CONTEXTS : framed('OK'), afterMs: answerMs }];
  }, options);
}

describe('AT queue bounds', () => {
  it('refuses a command past maxQueued, naming it and the limit, and keeps the ones it holds', async () => {
    const { clock, engine, module } = busyRig(10, { maxQueued: 2 });
    const first = track(engine.send('AT+CGMI'));
    const queued = [engine.send('AT+CGMM'), engine.send('AT+CGMR')].map(track);
    const refused = track(engine.send('AT+CGSN'));
    await flush();
    expect(refused.error).to.be.instanceOf(AtQueueFullError);
    expect((refused.error as Error).message).to.equal('AT+CGSN not queued: 2 commands are already waiting for the port (maxQueued)');
    expect(engine.queued).to.equal(2);
    clock.advance(30);
    await flush();
    expect([first, ...queued].map((r) => (r.value as { final: string }).final)).to.deep.equal(['OK', 'OK', 'OK']);
    expect(module.read).to.deep.equal(['AT+CGMI', 'AT+CGMM', 'AT+CGMR']);
  });

  it('sends a read command once for every caller that asked while it was queued, each with its own lines', async () => {
    const { clock, engine, module } = busyRig(100);
    const inFlight = track(engine.send('AT+CGDCONT?'));
    const waiting = [1, 2, 3].map(() => track(engine.send('AT+CGDCONT?')));
    clock.advance(200);
    await flush();
    expect(module.read).to.deep.equal(['AT+CGDCONT?', 'AT+CGDCONT?']);
    const answers = [inFlight, ...waiting].map((r) => r.value as { lines: string[] });
    for (const answer of answers) expect(answer.lines).to.deep.equal(['+CGDCONT: 1,"IP","super"']);
    expect(answers[1]!.lines).to.not.equal(answers[2]!.lines);
  });

  it('never joins the command in flight, whose answer may predate the question', async () => {
    const { clock, engine, module } = busyRig(100);
    void engine.send('AT+CEREG?');
    clock.advance(50);
    void engine.send('AT+CEREG?');
    clock.advance(200);
    await flush();
    expect(module.read).to.deep.equal(['AT+CEREG?', 'AT+CEREG?']);
  });

  it('queues set commands and `shared: false` read commands one by one', async () => {
    const { clock, engine, module } = busyRig(100);
    void engine.send('AT+CGMI');
    for (const command of ['AT+CFUN=1', 'AT+CFUN=1', 'AT+CGDCONT?', 'AT+CGDCONT?']) void engine.send(command, { shared: false });
    clock.advance(500);
    expect(module.read).to.deep.equal(['AT+CGMI', 'AT+CFUN=1', 'AT+CFUN=1', 'AT+CGDCONT?', 'AT+CGDCONT?']);
    const payload = track(engine.send('AT+CMGS="+1555"', { payload: 'hi', shared: true }));
    await flush();
    expect((payload.error as Error).message).to.equal('AT+CMGS="+1555" cannot be shared: a command with a payload is not a read-only lookup');
  });

  it('shares only a queued command that settles by the caller\'s own deadline', () => {
    const { clock, engine, module } = busyRig(100);
    void engine.send('AT+CGMI');
    void engine.send('AT+CGDCONT?', { deadlineMs: 9_000 });
    void engine.send('AT+CGDCONT?', { deadlineMs: 2_000 });
    void engine.send('AT+CGDCONT?', { deadlineMs: 9_000 });
    clock.advance(500);
    expect(module.read).to.deep.equal(['AT+CGMI', 'AT+CGDCONT?', 'AT+CGDCONT?']);
  });

  it('rejects a queued command at its deadline counted from send(), never writing it', async () => {
    const { clock, engine, module } = busyRig(10);
    void engine.send('AT+COPS=?', { timeoutMs: 60_000 }).catch(() => {});
    clock.advance(300);
    const probe = track(engine.send('AT', { timeoutMs: 500, deadlineMs: 1_000 }));
    clock.advance(999);
    await flush();
    expect(probe.settled).to.equal(false);
    clock.advance(1);
    await flush();
    expect(probe.error).to.be.instanceOf(AtTimeoutError);
    expect(probe.error).to.deep.include({ command: 'AT', timeoutMs: 1_000, queued: true });
    expect((probe.error as Error).message).to.equal('AT timed out: still queued when its deadline of 1000 rig ms passed');
    expect(engine.transcript.entries().at(-1)).to.deep.include({
      kind: 'timeout', rig: 1_300, text: 'AT: not written within its deadline of 1000 rig ms (0 queued ahead and one in flight)',
    });
    expect(engine.queued).to.equal(0);
    expect(module.read).to.deep.equal(['AT+COPS=?']);
  });

  it('gives a command with no deadline of its own its timeout plus queueWaitMs from send()', async () => {
    const { clock, engine } = busyRig(10, { queueWaitMs: 2_000 });
    void engine.send('AT+COPS=?', { timeoutMs: 60_000 }).catch(() => {});
    const waiting = track(engine.send('AT+CGMI', { timeoutMs: 1_000 }));
    clock.advance(2_999);
    await flush();
    expect(waiting.settled).to.equal(false);
    clock.advance(1);
    await flush();
    expect(waiting.error).to.deep.include({ name: 'AtTimeoutError', timeoutMs: 3_000, queued: true });
  });

  it('cuts the timeout of a command written close to its deadline', async () => {
    const { clock, engine, module } = fakeRig((input) => (input === 'AT+COPS=?' ? [{ text: framed('OK'), afterMs: 800 }] : undefined));
    void engine.send('AT+COPS=?');
    const late = track(engine.send('AT+CPIN?', { timeoutMs: 5_000, deadlineMs: 1_000 }));
    clock.advance(999);
    await flush();
    expect(module.read).to.deep.equal(['AT+COPS=?', 'AT+CPIN?']);
    expect(late.settled).to.equal(false);
    clock.advance(1);
    await flush();
    expect(late.error).to.deep.include({ name: 'AtTimeoutError', timeoutMs: 200, queued: false });
  });

  it('refuses a deadline that is not a positive number of rig ms', async () => {
    const { engine } = busyRig(10);
    const refused = track(engine.send('AT', { deadlineMs: 0 }));
    await flush();
    expect((refused.error as Error).message).to.equal('invalid deadline for AT: 0');
  });
});
