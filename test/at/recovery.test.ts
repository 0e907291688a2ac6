import { expect } from 'chai';
import { AtTimeoutError, type Urc } from '../../harness/at/index.ts';
import { fakeRig, flush, framed, track, type Script } from './fake-module.ts';

const COPS_LIST = '+COPS: (2,"Vodafone","Vodafone","26202",7),(1,"Telekom","Telekom","26201",7)';

/** AT+COPS=? is slow (answered after `copsMs`); everything else answers at once. */
function slowScan(copsMs: number | undefined): Script {
  return (input) => {
    if (input === 'AT+COPS=?') return copsMs === undefined ? undefined : [{ text: framed(COPS_LIST, 'OK'), afterMs: copsMs }];
    if (input === 'AT+CGMR') return framed('BG95M3LAR02A03', 'OK');
    return framed('OK');
  };
}

/** When each command was written, in rig ms. */
function writeTimes(engine: { transcript: { entries(): Array<{ dir: string; kind: string; text: string; rig: number }> } }) {
  return engine.transcript
    .entries()
    .filter((e) => e.dir === 'tx' && e.kind === 'command')
    .map((e) => [e.text, e.rig]);
}

describe('AtEngine timeouts and recovery', () => {
  it('rejects with AtTimeoutError naming the command and the timeout, after exactly that rig time', async () => {
    const { clock, engine } = fakeRig(slowScan(undefined));
    const scan = track(engine.send('AT+COPS=?', { timeoutMs: 3000 }));
    clock.advance(2999);
    await flush();
    expect(scan.settled).to.equal(false);
    clock.advance(1);
    await flush();
    expect(scan.error).to.be.instanceOf(AtTimeoutError);
    expect((scan.error as Error).message).to.equal('AT+COPS=? timed out: no final result code within 3000 rig ms');
    expect(scan.error).to.deep.include({ command: 'AT+COPS=?', timeoutMs: 3000 });
  });

  it('uses defaultTimeoutMs when the command names none', async () => {
    const { clock, engine } = fakeRig(slowScan(undefined), { defaultTimeoutMs: 1200 });
    const scan = track(engine.send('AT+COPS=?'));
    clock.advance(1199);
    await flush();
    expect(scan.settled).to.equal(false);
    clock.advance(1);
    await flush();
    expect(scan.error).to.be.instanceOf(AtTimeoutError);
  });

  it('writes the next queued command once the port has been quiet, and it gets its own answer', async () => {
    const { clock, engine } = fakeRig(slowScan(undefined));
    const scan = track(engine.send('AT+COPS=?'));
    const version = track(engine.send('AT+CGMR'));
    clock.advance(5000);
    await flush();
    expect(scan.error).to.be.instanceOf(AtTimeoutError);
    expect(version.settled).to.equal(false);
    clock.advance(500);
    await flush();
    expect(version.value).to.deep.include({ lines: ['BG95M3LAR02A03'], ok: true });
    expect(writeTimes(engine)).to.deep.equal([['AT+COPS=?', 0], ['AT+CGMR', 5500]]);
  });

  it('echo off: a late answer during the quiet period is noise and delays the next command', async () => {
    const { clock, engine, module } = fakeRig(slowScan(5200));
    module.echo = false;
    const scan = track(engine.send('AT+COPS=?'));
    const version = track(engine.send('AT+CGMR'));
    clock.advance(5000);
    await flush();
    expect(scan.error).to.be.instanceOf(AtTimeoutError);
    clock.advance(699); // the module answers the scan at 5200, restarting the quiet period
    await flush();
    expect(writeTimes(engine)).to.have.length(1);
    clock.advance(1);
    await flush();
    expect(writeTimes(engine)).to.deep.equal([['AT+COPS=?', 0], ['AT+CGMR', 5700]]);
    expect(version.value).to.deep.include({ lines: ['BG95M3LAR02A03'], final: 'OK' });
    const late = engine.transcript.entries().filter((e) => e.note === 'late output after a timeout');
    expect(late.map((e) => e.text)).to.deep.equal([COPS_LIST, 'OK']);
  });

  it('echo on: a late answer that comes after the next command was written is dropped by the echo gate', async () => {
    // The module finishes the scan at 8000, only then reads AT+CGMR (written at 5500) and echoes it.
    const { clock, engine } = fakeRig(slowScan(8000));
    const scan = track(engine.send('AT+COPS=?'));
    const version = track(engine.send('AT+CGMR'));
    clock.advance(5500);
    await flush();
    expect(scan.error).to.be.instanceOf(AtTimeoutError);
    expect(writeTimes(engine)).to.deep.equal([['AT+COPS=?', 0], ['AT+CGMR', 5500]]);
    clock.advance(2500);
    await flush();
    expect(version.value).to.deep.include({ command: 'AT+CGMR', lines: ['BG95M3LAR02A03'], final: 'OK', startedAt: 5500, endedAt: 8000 });
    const dropped = engine.transcript.entries().filter((e) => e.kind === 'noise').map((e) => [e.text, e.note]);
    expect(dropped).to.deep.equal([
      [COPS_LIST, 'late output of the timed-out command'],
      ['OK', 'late result of the timed-out command'],
    ]);
  });

  it('echo gate costs at most one command when echo was switched off behind the engine', async () => {
    // The module echoed AT+COPS=? and then turned echo off: the gated AT+CGMI loses its OK and times
    // out; the command after it is not gated and works.
    const { clock, engine, module } = fakeRig((input) => {
      if (input === 'AT+COPS=?') {
        module.echo = false;
        return undefined;
      }
      return framed('OK');
    });
    const results = [engine.send('AT+COPS=?'), engine.send('AT+CGMI'), engine.send('AT')].map(track);
    clock.advance(5000 + 500 + 5000 + 500);
    await flush();
    expect(results.map((r) => (r.error as Error | undefined)?.name ?? (r.value as { final: string }).final)).to.deep.equal([
      'AtTimeoutError',
      'AtTimeoutError',
      'OK',
    ]);
  });

  it('ends the recovery after recoveryMaxMs even if the module never falls silent', async () => {
    const { clock, engine, module } = fakeRig(slowScan(undefined), { recoveryQuietMs: 500, recoveryMaxMs: 3000 });
    const scan = track(engine.send('AT+COPS=?'));
    const version = track(engine.send('AT+CGMR'));
    clock.advance(5000);
    for (let t = 0; t < 3000; t += 100) {
      module.say('\x00\xff\r\n');
      clock.advance(100);
    }
    await flush();
    expect(scan.error).to.be.instanceOf(AtTimeoutError);
    expect(writeTimes(engine)).to.deep.equal([['AT+COPS=?', 0], ['AT+CGMR', 8000]]);
    expect(version.value).to.deep.include({ lines: ['BG95M3LAR02A03'], ok: true });
  });

  it('still delivers URCs during the recovery, and URC-prefixed lines held by the timed-out command', async () => {
    const { clock, engine, module } = fakeRig(() => undefined);
    module.echo = false;
    const urcs: Urc[] = [];
    engine.onUrc((urc) => urcs.push(urc));
    const pin = track(engine.send('AT+CPIN?', { timeoutMs: 1000 }));
    module.say(framed('+CPIN: READY')); // held: echo is off, so it may be the response
    clock.advance(1000);
    module.say(framed('+CGEV: ME PDN ACT 1'));
    await flush();
    expect(pin.error).to.be.instanceOf(AtTimeoutError);
    expect(urcs.map((u) => [u.line, u.rig])).to.deep.equal([
      ['+CPIN: READY', 0],
      ['+CGEV: ME PDN ACT 1', 1000],
    ]);
  });

  it('records the timeout in the transcript', async () => {
    const { clock, engine } = fakeRig(slowScan(undefined));
    const scan = engine.send('AT+COPS=?', { timeoutMs: 100 }).catch((e: unknown) => e);
    clock.advance(100);
    await scan;
    expect(engine.transcript.entries().at(-1)).to.deep.include({ kind: 'timeout', text: 'AT+COPS=?: no final result code within 100 rig ms', rig: 100 });
  });
});
