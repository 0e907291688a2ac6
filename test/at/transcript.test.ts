// What the transcript keeps of garbage: flat text, cut at the line cap with a marker, and a ring
// bounded in bytes as well as entries.
import { expect } from 'chai';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AtEngine, Transcript, escapeBytes } from '../../harness/at/index.ts';
import { ManualClock } from '../../harness/time/clock.ts';

/** A 4096-byte line of control bytes, the longest the framer passes, and its line end. */
const GARBAGE = Buffer.concat([Buffer.alloc(4096, 0x01), Buffer.from('\r\n')]);
const MIB = 2 ** 20;

function engine(options: { transcriptBytes?: number; transcriptLimit?: number } = {}) {
  return new AtEngine({ clock: new ManualClock(), write: () => {}, ...options });
}

/** Heap in use after a full collection; --expose-gc is set for this one call. */
function heapUsed(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return getHeapStatistics().used_heap_size;
}

describe('AT transcript bounds', () => {
  it('keeps a 4 KB control-byte line cut to its first 1000 bytes, saying how many bytes were cut', () => {
    const at = engine();
    at.feed(GARBAGE);
    const [entry] = at.transcript.entries();
    expect(entry).to.deep.include({ kind: 'noise', note: 'control bytes in line' });
    // Escaped in full, the line would be 16 384 characters.
    expect(entry!.text).to.equal(`${'\\x01'.repeat(1000)}... (3096 more bytes cut)`);
  });

  it('keeps such lines flat: a thousand of them take a few MiB, not the 128 MiB of a rope each', () => {
    const at = engine({ transcriptLimit: 1000 });
    const before = heapUsed();
    for (let i = 0; i < 1000; i++) at.feed(GARBAGE);
    const perEntry = (heapUsed() - before) / 1000;
    expect(at.transcript.entries()).to.have.length(1000);
    // A kept entry is its 4 KiB of one-byte text and a little more; a rope of 4096 nodes was 128 KiB.
    expect(perEntry).to.be.below(16 * 1024);
  });

  it('stays within its 16 MiB default byte budget fed 100 000 such lines, dropping the oldest', function () {
    this.timeout(60_000);
    const at = engine();
    const batch = Buffer.concat(Array.from({ length: 100 }, () => GARBAGE));
    const before = heapUsed();
    for (let fed = 0; fed < 100_000; fed += 100) {
      at.feed(batch);
      expect(at.transcript.bytes).to.be.at.most(16 * MIB);
    }
    const kept = at.transcript.entries();
    // The budget, not the 20 000-entry limit, decides: about 8 KiB an entry at two bytes a character.
    expect(kept.length).to.be.within(2000, 2200);
    expect(at.transcript.bytes).to.be.above(16 * MIB - 9 * 1024);
    expect(at.transcript.toText().split('\n', 1)[0]).to.equal(`(${100_000 - kept.length} earlier entries not kept)`);
    // Counted at two bytes a character, the one-byte text really takes about half the budget.
    expect(heapUsed() - before).to.be.below(16 * MIB);
  });

  it('takes its byte budget from the engine option, and an over-budget entry alone replaces the rest', () => {
    const at = engine({ transcriptBytes: 64 * 1024 });
    for (let i = 0; i < 100; i++) at.feed(Buffer.from(`+CEREG: ${i}\r\n`));
    const small = at.transcript.entries();
    expect(small).to.have.length(100);
    for (let i = 0; i < 20; i++) at.feed(GARBAGE);
    expect(at.transcript.bytes).to.be.at.most(64 * 1024);
    // 8172 bytes each: 80, and two a character of the 4025-character text and its note.
    expect(at.transcript.entries().map((e) => e.kind)).to.deep.equal(Array(8).fill('noise'));

    const tiny = new Transcript({ bytes: 100 });
    tiny.record({ mono: 0, wall: 0, rig: 0, dir: 'rx', kind: 'urc', text: 'RDY' });
    tiny.record({ mono: 0, wall: 0, rig: 1, dir: 'rx', kind: 'noise', text: 'x'.repeat(50) });
    expect(tiny.entries().map((e) => e.rig)).to.deep.equal([1]);
  });

  it('never cuts a line the framer passes whole: a 4096-byte +CUSATP URC is kept as it came', () => {
    const at = engine();
    const line = `+CUSATP: ${'D0'.repeat(2043)}`;
    expect(line).to.have.length(4095);
    at.feed(Buffer.from(`${line}\r\n`));
    expect(at.transcript.entries()[0]!.text).to.equal(line);
  });

  it('cuts a long text between characters, never inside a surrogate pair, counting UTF-8 bytes', () => {
    const transcript = new Transcript({ textLength: 4 });
    transcript.record({ mono: 0, wall: 0, rig: 0, dir: 'tx', kind: 'payload', text: 'abc😀def' });
    expect(transcript.entries()[0]!.text).to.equal('abc... (7 more bytes cut)');
  });

  it('keeps the newest entries with their own notes when the ring wraps over pages of unequal size', () => {
    // 40 000 entries fill whole pages and a shorter last one; 100 000 wrap the ring twice.
    const transcript = new Transcript({ entries: 40_000 });
    const noted = (i: number) => i % 7 === 0;
    for (let i = 0; i < 100_000; i++) {
      transcript.record({ mono: i, wall: i, rig: i, dir: 'rx', kind: 'info', text: `line ${i}`, ...(noted(i) && { note: `note ${i}` }) });
    }
    const kept = transcript.entries();
    expect(kept).to.have.length(40_000);
    expect(transcript.size).to.equal(40_000);
    const wrong = kept.filter((entry, k) => {
      const i = 60_000 + k;
      return entry.rig !== i || entry.text !== `line ${i}` || entry.note !== (noted(i) ? `note ${i}` : undefined);
    });
    expect(wrong.slice(0, 3)).to.deep.equal([]);
  });

  it('gives back each entry with the kind and direction it was recorded with', () => {
    const kinds = ['command', 'payload', 'echo', 'info', 'final', 'urc', 'prompt', 'noise', 'timeout'] as const;
    const recorded = kinds.flatMap((kind, i) => (['tx', 'rx'] as const).map((dir, d) => ({ mono: i, wall: d, rig: 2 * i + d, dir, kind, text: `${dir} ${kind}` })));
    const transcript = new Transcript();
    for (const entry of recorded) transcript.record(entry);
    expect(transcript.entries()).to.deep.equal(recorded);
    expect(transcript.size).to.equal(recorded.length);
  });

  it('escapes bytes as before', () => {
    expect(escapeBytes(Uint8Array.of(0x00, 0x41, 0x7f, 0xff, 0x20))).to.equal('\\x00A\\x7F\\xFF ');
  });
});
