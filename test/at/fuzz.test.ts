// Thousands of random and hostile chunks interleaved with commands, clock steps and failing writes:
// feed() never throws, every send() settles once the clock moves on, nothing grows without bound,
// and the engine still answers a clean exchange afterwards.

import { expect } from 'chai';
import { AtEngine } from '../../harness/at/index.ts';
import { seededRandom } from '../../harness/sim/random.ts';
import { ManualClock } from '../../harness/time/clock.ts';
import { flush, track } from './fake-module.ts';

/** A seeded generator, so a failure can be replayed from its seed. */
function random(seed: number) {
  const { next } = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]! };
}

const COMMANDS: ReadonlyArray<[string, { payload?: string }]> = [
  ['AT', {}],
  ['ATI', {}],
  ['AT+CEREG?', {}],
  ['AT+CPIN?', {}],
  ['AT+CSIM=10,"0070000001"', {}],
  ['AT+CGDCONT?', {}],
  ['ATE0', {}],
  ['AT+CMGS=5', { payload: 'hello' }],
];

const FRAGMENTS = [
  'OK\r\n', '\r\nOK\r\n', 'ERROR\r\n', '\r\n+CME ERROR: 10\r\n', '+CME ERROR: SIM busy\r\n', '+CMS ERROR: 500\r\n',
  'NO CARRIER\r\n', 'CONNECT 9600\r\n', 'ABORTED\r\n', '> ', '>', '\r', '\n', '\r\r\n', '+CEREG: 5\r\n',
  '+CEREG: 2,1\r\n', '+CPIN: READY\r\n', '+CGEV: ME PDN ACT 1\r\n', '+CUSATP: D009810301410082028121\r\n',
  '+CUSATEND\r\n', 'RING\r\n', '+CSIM: 4,"9000"\r\n', 'Quectel\r\n', 'hello\x1a', 'RDY\r\n',
];

const MAX_LINE = 4096;
const MAX_TIMEOUT_MS = 3000;
const RECOVERY_MAX_MS = 2000;

function hostileChunk(rng: ReturnType<typeof random>, sent: string[]): Buffer {
  const parts: Buffer[] = [];
  for (let n = 1 + rng.int(4); n > 0; n--) {
    const roll = rng.next();
    if (roll < 0.45) parts.push(Buffer.from(rng.pick(FRAGMENTS)));
    else if (roll < 0.6 && sent.length > 0) parts.push(Buffer.from(`${rng.pick(sent.slice(-3))}\r`));
    else if (roll < 0.97) parts.push(Buffer.from(Array.from({ length: 1 + rng.int(32) }, () => rng.int(256))));
    else parts.push(Buffer.alloc(MAX_LINE + rng.int(3 * MAX_LINE), rng.pick([0x41, 0x00, 0xff])));
  }
  return Buffer.concat(parts);
}

describe('AtEngine fuzz', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: feed never throws and every command settles`, async () => {
      const rng = random(seed);
      const clock = new ManualClock();
      const sent: string[] = [];
      let hostileWrites = true;
      const engine = new AtEngine({
        clock,
        recoveryMaxMs: RECOVERY_MAX_MS,
        write: (bytes) => {
          const roll = hostileWrites ? rng.next() : 1;
          if (roll < 0.02) throw new Error('write failed');
          if (roll < 0.04) return Promise.reject(new Error('write rejected'));
          sent.push(bytes.toString('latin1').replace(/[\r\x1a]$/, ''));
        },
      });
      const outcomes: Array<ReturnType<typeof track>> = [];
      engine.onUrc(() => {
        if (rng.next() < 0.05) outcomes.push(track(engine.send('AT+CEREG?')));
      }, 'RING');

      for (let step = 0; step < 3000; step++) {
        const roll = rng.next();
        if (roll < 0.2) {
          const [command, opts] = rng.pick(COMMANDS);
          outcomes.push(track(engine.send(command, { ...opts, timeoutMs: 1 + rng.int(MAX_TIMEOUT_MS) })));
        } else if (roll < 0.8) {
          const chunk = hostileChunk(rng, sent);
          for (let at = 0; at < chunk.length; ) {
            const size = 1 + rng.int(chunk.length - at);
            expect(() => engine.feed(chunk.subarray(at, at + size)), `seed ${seed} step ${step}`).not.to.throw();
            at += size;
          }
        } else {
          clock.advance(rng.int(1500));
          await flush();
        }
      }

      // Worst case, each command waits out its timeout and then a full recovery.
      const budgetMs = outcomes.length * (MAX_TIMEOUT_MS + RECOVERY_MAX_MS);
      for (let spent = 0; spent < budgetMs && outcomes.some((o) => !o.settled); spent += 1000) {
        clock.advance(1000);
        await flush();
      }
      expect(outcomes.filter((o) => !o.settled), 'unsettled commands').to.have.length(0);
      const longest = Math.max(...engine.transcript.entries().map((e) => e.text.length));
      expect(longest, 'longest transcript text').to.be.at.most(4 * MAX_LINE);

      // Still usable: a clean exchange after all that.
      hostileWrites = false;
      const last = track(engine.send('AT'));
      clock.advance(RECOVERY_MAX_MS); // past any recovery
      await flush();
      expect(sent.at(-1)).to.equal('AT');
      engine.feed(Buffer.from('\r\nAT\r\r\nOK\r\n'));
      await flush();
      expect(last.value).to.deep.include({ lines: [], final: 'OK', ok: true });
    });
  }
});
