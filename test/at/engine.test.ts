import { expect } from 'chai';
import { AtClosedError, AtCommandError, AtEngine, AtWriteError, type Urc } from '../../harness/at/index.ts';
import { ManualClock } from '../../harness/time/clock.ts';
import { fakeRig, flush, framed, track } from './fake-module.ts';

/** An engine whose writes are only recorded: the test feeds the module's side by hand. */
function manualRig(options: { write?: (bytes: Buffer) => void | Promise<void> } = {}) {
  const clock = new ManualClock();
  const writes: string[] = [];
  const engine = new AtEngine({ clock, write: options.write ?? ((bytes) => void writes.push(bytes.toString('utf8'))) });
  const urcs: Urc[] = [];
  engine.onUrc((urc) => urcs.push(urc));
  const say = (text: string) => engine.feed(Buffer.from(text, 'utf8'));
  return { clock, engine, writes, urcs, say };
}

describe('AtEngine', () => {
  describe('queue', () => {
    it('writes one command at a time, in order, each after the previous final result', async () => {
      const { engine, writes, say } = manualRig();
      const first = track(engine.send('AT+CGMI'));
      const second = track(engine.send('AT+CGMM'));
      expect(writes).to.deep.equal(['AT+CGMI\r']);
      say('AT+CGMI\r\r\nQuectel\r\n\r\nOK\r\n');
      expect(writes).to.deep.equal(['AT+CGMI\r', 'AT+CGMM\r']);
      say('AT+CGMM\r\r\nBG95-M3\r\n\r\nOK\r\n');
      await flush();
      expect(first.value).to.deep.include({ command: 'AT+CGMI', lines: ['Quectel'], final: 'OK', ok: true });
      expect(second.value).to.deep.include({ command: 'AT+CGMM', lines: ['BG95-M3'], final: 'OK', ok: true });
    });

    it('works with a module that answers synchronously from inside write', async () => {
      const { engine, module } = fakeRig((input) => (input === 'AT+CGSN' ? framed('867730050000001', 'OK') : framed('OK')));
      const responses = await Promise.all([engine.send('AT'), engine.send('AT+CGSN'), engine.send('ATE0'), engine.send('AT+CGSN')]);
      expect(responses.map((r) => r.lines)).to.deep.equal([[], ['867730050000001'], [], ['867730050000001']]);
      expect(module.read).to.deep.equal(['AT', 'AT+CGSN', 'ATE0', 'AT+CGSN']);
    });

    it('stamps responses with the rig time they were written and answered', async () => {
      const { clock, engine, say } = manualRig();
      clock.advance(1000);
      const pending = track(engine.send('AT'));
      clock.advance(250);
      say('\r\nOK\r\n');
      await flush();
      expect(pending.value).to.deep.include({ startedAt: 1000, endedAt: 1250 });
    });
  });

  describe('submit', () => {
    it('answers through callbacks exactly what send() resolves and rejects with, once each', async () => {
      const { engine, say } = manualRig();
      const answers: unknown[] = [];
      const onResponse = (response: unknown) => answers.push({ response });
      const onError = (error: Error) => answers.push({ error: error.message });
      engine.submit('AT+CGMI', onResponse, onError);
      engine.submit('AT+CPIN?', onResponse, onError);
      const viaSend = engine.send('AT+CGMI');
      say('AT+CGMI\r\r\nQuectel\r\n\r\nOK\r\n');
      say('AT+CPIN?\r' + framed('+CME ERROR: 10'));
      say('AT+CGMI\r\r\nQuectel\r\n\r\nOK\r\n');
      expect(answers).to.have.length(2);
      expect(answers[0]).to.deep.include({ response: { ...(await viaSend), startedAt: 0, endedAt: 0 } });
      expect((answers[1] as { response: { error: unknown } }).response.error).to.deep.equal({ kind: 'CME ERROR', code: 10, name: 'SIM not inserted' });

      engine.submit('AT\rAT', onResponse, onError);
      engine.close();
      engine.submit('AT', onResponse, onError);
      await flush();
      expect(answers.slice(2)).to.deep.equal([
        { error: 'invalid AT command "AT\\rAT": must be non-empty, without CR, LF, Ctrl-Z or ESC' },
        { error: 'AT did not complete: the AT engine is closed' },
      ]);
    });
  });

  describe('URCs', () => {
    it('delivers lines seen while idle as URCs, with unknown prefixes named by their head', () => {
      const { clock, urcs, say } = manualRig();
      clock.advance(42);
      say(framed('+CGEV: ME PDN ACT 1', '+QIURC: "recv",0', 'Call Ready'));
      expect(urcs.map((u) => [u.prefix, u.line, u.rig])).to.deep.equal([
        ['+CGEV:', '+CGEV: ME PDN ACT 1', 42],
        ['+QIURC:', '+QIURC: "recv",0', 42],
        ['Call Ready', 'Call Ready', 42],
      ]);
    });

    it('records a stray final result code while idle as noise, not as a URC', () => {
      const { engine, urcs, say } = manualRig();
      say(framed('OK', 'ERROR', '+CME ERROR: 3'));
      expect(urcs).to.deep.equal([]);
      expect(engine.transcript.entries().map((e) => e.kind)).to.deep.equal(['noise', 'noise', 'noise']);
    });

    it('filters by prefix and stops after unsubscribe', () => {
      const { engine, say } = manualRig();
      const seen: string[] = [];
      const stop = engine.onUrc((urc) => seen.push(urc.line), '+CGEV:');
      say(framed('+CGEV: ME PDN ACT 1', '+CEREG: 1'));
      stop();
      say(framed('+CGEV: ME PDN DEACT 1'));
      expect(seen).to.deep.equal(['+CGEV: ME PDN ACT 1']);
    });

    it('accepts extra URC prefixes, which then leave responses alone', async () => {
      const clock = new ManualClock();
      const writes: string[] = [];
      const engine = new AtEngine({ clock, write: (b) => void writes.push(b.toString()), urcPrefixes: ['+QIURC:'] });
      const urcs: string[] = [];
      engine.onUrc((urc) => urcs.push(urc.line));
      const pending = track(engine.send('AT+QIRD=0'));
      engine.feed(Buffer.from('AT+QIRD=0\r' + framed('+QIURC: "recv",0', '+QIRD: 0', 'OK')));
      await flush();
      expect(urcs).to.deep.equal(['+QIURC: "recv",0']);
      expect(pending.value).to.deep.include({ lines: ['+QIRD: 0'] });
    });
  });

  describe('shared-prefix rule', () => {
    it('gives a same-prefix line after the echo to the response (the documented ambiguity)', async () => {
      const { engine, urcs, say } = manualRig();
      const pending = track(engine.send('AT+CEREG?'));
      say('AT+CEREG?\r' + framed('+CEREG: 5', '+CEREG: 2,5', 'OK'));
      await flush();
      expect(pending.value?.lines).to.deep.equal(['+CEREG: 5', '+CEREG: 2,5']);
      expect(urcs).to.deep.equal([]);
    });

    it('keeps the order of URCs that arrive behind a held line', async () => {
      const { engine, urcs, say } = manualRig();
      const pending = track(engine.send('AT+CPIN?'));
      say(framed('+CPIN: READY', '+QUSIM: 1') + 'AT+CPIN?\r' + framed('+CPIN: READY', 'OK'));
      await flush();
      expect(urcs.map((u) => u.line)).to.deep.equal(['+CPIN: READY', '+QUSIM: 1']);
      expect(pending.value?.lines).to.deep.equal(['+CPIN: READY']);
    });

    it('records an unprefixed line before the echo as noise once the echo shows it predates the command', async () => {
      const { engine, urcs, say } = manualRig();
      const pending = track(engine.send('AT+CGSN'));
      say(framed('stale') + 'AT+CGSN\r' + framed('867730050000001', 'OK'));
      await flush();
      expect(pending.value?.lines).to.deep.equal(['867730050000001']);
      expect(urcs).to.deep.equal([]);
      expect(engine.transcript.entries().find((e) => e.text === 'stale')).to.deep.include({ kind: 'noise', note: 'arrived before the echo of AT+CGSN' });
    });

    it('lets expect override the derived prefix; "" means none', async () => {
      const { engine, urcs, say } = manualRig();
      const pending = track(engine.send('AT+CPIN?', { expect: '' }));
      say('AT+CPIN?\r' + framed('+CPIN: READY', 'OK'));
      await flush();
      expect(pending.value?.lines).to.deep.equal([]);
      expect(urcs.map((u) => u.line)).to.deep.equal(['+CPIN: READY']);
    });
  });

  describe('errors', () => {
    it('expectOk rejects with the command, the final code and the CME name', async () => {
      const { engine, say } = manualRig();
      const numeric = engine.expectOk('AT+CPIN?');
      say('AT+CPIN?\r' + framed('+CME ERROR: 10'));
      const err = await numeric.then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(AtCommandError);
      expect((err as Error).message).to.equal('AT+CPIN? failed: +CME ERROR: 10 (SIM not inserted)');
      expect((err as AtCommandError).response.error).to.deep.equal({ kind: 'CME ERROR', code: 10, name: 'SIM not inserted' });

      const verbose = engine.expectOk('AT+CPIN?');
      say('AT+CPIN?\r' + framed('+CME ERROR: SIM not inserted'));
      await verbose.then(
        () => expect.fail('resolved'),
        (e: Error) => expect(e.message).to.equal('AT+CPIN? failed: +CME ERROR: SIM not inserted'),
      );
    });

    it('expectOk resolves on OK and on CONNECT', async () => {
      const { engine, say } = manualRig();
      const ok = engine.expectOk('AT');
      say(framed('OK'));
      const dial = engine.expectOk('ATD*99***1#');
      say(framed('CONNECT 150000000'));
      expect((await ok).final).to.equal('OK');
      expect((await dial).final).to.equal('CONNECT 150000000');
    });

    it('rejects malformed requests without writing anything', async () => {
      const { engine, writes } = manualRig();
      for (const [command, opts, reason] of [
        ['', {}, 'invalid AT command "": must be non-empty, without CR, LF, Ctrl-Z or ESC'],
        ['AT\rAT', {}, 'invalid AT command "AT\\rAT": must be non-empty, without CR, LF, Ctrl-Z or ESC'],
        ['AT+CMGS=1', { payload: 'a\x1ab' }, 'invalid payload for AT+CMGS=1: must be a string without Ctrl-Z or ESC'],
        ['AT', { timeoutMs: 0 }, 'invalid timeout for AT: 0'],
        ['AT', { timeoutMs: Number.NaN }, 'invalid timeout for AT: NaN'],
      ] as const) {
        const error = await engine.send(command, opts).then(() => expect.fail(`accepted ${JSON.stringify(command)}`), (e: unknown) => e as Error);
        expect(error.message, JSON.stringify(command)).to.equal(reason);
      }
      expect(writes).to.deep.equal([]);
    });

    it('rejects a command whose write throws or rejects, and carries on with the next', async () => {
      let attempt = 0;
      const written: string[] = [];
      const { engine, say } = manualRig({
        write: (bytes) => {
          attempt++;
          if (attempt === 1) throw new Error('port gone');
          if (attempt === 2) return Promise.reject(new Error('EIO'));
          written.push(bytes.toString());
        },
      });
      const first = engine.send('AT+CGMI');
      const second = engine.send('AT+CGMM');
      await first.then(() => expect.fail('resolved'), (e: Error) => {
        expect(e).to.be.instanceOf(AtWriteError);
        expect(e.message).to.contain('AT+CGMI').and.contain('port gone');
      });
      await second.then(() => expect.fail('resolved'), (e: Error) => expect(e.message).to.contain('EIO'));
      const third = engine.send('AT');
      say(framed('OK'));
      expect((await third).ok).to.equal(true);
      expect(written).to.deep.equal(['AT\r']);
    });
  });

  describe('prompt', () => {
    it('writes the payload only after the prompt, and only once', () => {
      const { engine, writes, say } = manualRig();
      void engine.send('AT+CMGS=5', { payload: 'hello' });
      say('AT+CMGS=5\r');
      expect(writes).to.deep.equal(['AT+CMGS=5\r']);
      say('\r\n> ');
      expect(writes).to.deep.equal(['AT+CMGS=5\r', 'hello\x1a']);
      say('\r\n> \r\n');
      expect(writes).to.have.length(2);
    });

    it('does not treat > as a prompt for a command without payload', async () => {
      const { engine, writes, say } = manualRig();
      const pending = track(engine.send('AT+CGMR'));
      say(framed('> ', 'OK'));
      await flush();
      expect(writes).to.deep.equal(['AT+CGMR\r']);
      expect(pending.value?.lines).to.deep.equal(['>']);
    });
  });

  describe('close', () => {
    it('rejects the command in flight and the queued ones, and stops their timers', async () => {
      const { clock, engine, writes } = manualRig();
      const results = [engine.send('AT+COPS=?'), engine.send('AT'), engine.send('ATI')].map((p) => p.then(() => 'resolved', (e: unknown) => e));
      engine.close();
      for (const result of await Promise.all(results)) expect(result).to.be.instanceOf(AtClosedError);
      clock.advance(60_000);
      expect(writes).to.deep.equal(['AT+COPS=?\r']);
      await engine.send('AT').then(() => expect.fail('resolved'), (e: unknown) => expect(e).to.be.instanceOf(AtClosedError));
    });

    it('ignores input after close and can be closed from a URC listener mid-chunk', async () => {
      const { engine, say } = manualRig();
      const pending = engine.send('AT').then(() => 'resolved', (e: unknown) => e);
      engine.onUrc(() => engine.close());
      say(framed('+CGEV: ME PDN ACT 1', 'OK'));
      expect(await pending).to.be.instanceOf(AtClosedError);
      say(framed('+CGEV: ME PDN DEACT 1'));
      expect(engine.transcript.entries().map((e) => e.text)).to.deep.equal(['AT', '+CGEV: ME PDN ACT 1']);
    });
  });

  describe('listeners', () => {
    it('keeps going when a URC listener throws, and reports the error as uncaught', async () => {
      const previous = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      const caught: unknown[] = [];
      process.on('uncaughtException', (err) => caught.push(err));
      try {
        const { engine, say } = manualRig();
        const seen: string[] = [];
        engine.onUrc(() => {
          throw new Error('listener bug');
        });
        engine.onUrc((urc) => seen.push(urc.line));
        const pending = track(engine.send('AT'));
        expect(() => say(framed('+CGEV: ME PDN ACT 1', 'OK'))).not.to.throw();
        await flush();
        expect(seen).to.deep.equal(['+CGEV: ME PDN ACT 1']);
        expect(pending.value?.ok).to.equal(true);
        expect(caught.map((e) => (e as Error).message)).to.deep.equal(['listener bug']);
      } finally {
        process.removeAllListeners('uncaughtException');
        for (const listener of previous) process.on('uncaughtException', listener);
      }
    });

    it('lets a URC listener send a command from inside feed', async () => {
      const { engine, module } = fakeRig((input) => (input === 'AT+CGDCONT?' ? framed('+CGDCONT: 1,"IP","super"', 'OK') : undefined));
      const answers: string[][] = [];
      engine.onUrc(async () => answers.push((await engine.send('AT+CGDCONT?')).lines), '+CGEV:');
      module.say(framed('+CGEV: ME PDN ACT 1'));
      await flush();
      expect(answers).to.deep.equal([['+CGDCONT: 1,"IP","super"']]);
    });
  });

  describe('transcript', () => {
    it('records both directions with kinds, and renders a readable text', async () => {
      const { clock, engine, say } = manualRig();
      const seen: string[] = [];
      engine.transcript.subscribe((entry) => seen.push(entry.kind));
      clock.advance(1500);
      const pending = engine.send('AT+CMGS=5', { payload: 'hi' });
      say('AT+CMGS=5\r\r\n> ');
      say('hi\x1a\r\n+CMGS: 7\r\n\r\n+CMTI: "SM",1\r\n\r\nOK\r\n');
      await pending;
      const entries = engine.transcript.entries();
      expect(entries.map((e) => [e.dir, e.kind, e.text])).to.deep.equal([
        ['tx', 'command', 'AT+CMGS=5'],
        ['rx', 'echo', 'AT+CMGS=5'],
        ['rx', 'prompt', '>'],
        ['tx', 'payload', 'hi\x1a'],
        ['rx', 'echo', 'hi\x1a'],
        ['rx', 'info', '+CMGS: 7'],
        ['rx', 'urc', '+CMTI: "SM",1'],
        ['rx', 'final', 'OK'],
      ]);
      expect(seen).to.deep.equal(entries.map((e) => e.kind));
      expect(entries.every((e) => e.rig === 1500 && e.wall === 1500 && e.mono > 0)).to.equal(true);
      const text = engine.transcript.toText().split('\n');
      expect(text[0]).to.equal('1970-01-01T00:00:01.500Z      1.500s tx command AT+CMGS=5');
      expect(text[3]).to.equal('1970-01-01T00:00:01.500Z      1.500s tx payload hi\\x1A');
    });

    it('keeps at most transcriptLimit entries, the newest in order, and says how many went', () => {
      const engine = new AtEngine({ clock: new ManualClock(), write: () => {}, transcriptLimit: 2 });
      engine.feed(Buffer.from(framed('RING', '+CEREG: 1', '+CEREG: 5', '+CEREG: 2')));
      expect(engine.transcript.entries().map((e) => e.text)).to.deep.equal(['+CEREG: 5', '+CEREG: 2']);
      expect(engine.transcript.toText().split('\n')[0]).to.equal('(2 earlier entries not kept)');
    });
  });
});
