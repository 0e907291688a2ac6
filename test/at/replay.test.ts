// Each fixture is replayed whole, split in two at every byte position, and byte by byte:
// the engine must reach the same responses, URCs, writes and transcript every time.

import { expect } from 'chai';
import { AtEngine } from '../../harness/at/index.ts';
import { ManualClock } from '../../harness/time/clock.ts';
import { FIXTURES, fixtureBytes, type Fixture } from './fixtures.ts';

async function replay(fixture: Fixture, chunks: Uint8Array[]) {
  const clock = new ManualClock();
  const writes: string[] = [];
  const engine = new AtEngine({ clock, write: (bytes) => void writes.push(bytes.toString('utf8')), ...fixture.options });
  const urcs: string[] = [];
  engine.onUrc((urc) => urcs.push(urc.line));
  const outcomes = Promise.allSettled(fixture.sends.map(({ command, opts }) => engine.send(command, opts)));
  for (const chunk of chunks) engine.feed(chunk);
  engine.close(); // anything still unanswered now rejects and shows up in the outcome
  const responses = (await outcomes).map((outcome) =>
    outcome.status === 'rejected'
      ? { rejected: String(outcome.reason) }
      : { lines: outcome.value.lines, final: outcome.value.final, ok: outcome.value.ok, ...(outcome.value.error && { error: outcome.value.error }) },
  );
  const transcript = engine.transcript.entries().map((e) => `${e.dir} ${e.kind} ${e.text} ${e.note ?? ''}`);
  return { responses, urcs, writes, transcript };
}

function* splits(bytes: Buffer): Generator<[string, Uint8Array[]]> {
  for (let at = 1; at < bytes.length; at++) yield [`split at ${at}`, [bytes.subarray(0, at), bytes.subarray(at)]];
  yield ['byte by byte', [...bytes].map((b) => Uint8Array.of(b))];
}

describe('AT engine fixtures', () => {
  for (const fixture of FIXTURES) {
    describe(fixture.name, () => {
      const bytes = fixtureBytes(fixture);

      it('gives the expected responses, URCs and writes', async () => {
        const result = await replay(fixture, [bytes]);
        expect(result.responses).to.deep.equal(fixture.expected.responses);
        expect(result.urcs).to.deep.equal(fixture.expected.urcs);
        expect(result.writes).to.deep.equal(fixture.expected.writes);
        expect(result.transcript.filter((line) => line.startsWith('rx noise'))).to.have.length(fixture.expected.noise);
      });

      it(`gives identical results split at each of ${bytes.length - 1} positions and byte by byte`, async () => {
        const whole = await replay(fixture, [bytes]);
        for (const [how, chunks] of splits(bytes)) {
          expect(await replay(fixture, chunks), how).to.deep.equal(whole);
        }
      });
    });
  }
});
