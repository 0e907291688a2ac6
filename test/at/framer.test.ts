import { expect } from 'chai';
import { isUtf8 } from 'node:buffer';
import { escapeBytes, LineFramer, type FrameSink } from '../../harness/at/index.ts';
import { seededRandom } from '../../harness/sim/random.ts';

type Frame = { kind: 'line'; text: string } | { kind: 'prompt' } | { kind: 'noise'; text: string; reason: string };

/** A sink that hands each frame on as an object. */
function sink(push: (frame: Frame) => void): FrameSink {
  return {
    line: (text) => push({ kind: 'line', text }),
    prompt: () => push({ kind: 'prompt' }),
    noise: (text, reason) => push({ kind: 'noise', text, reason }),
  };
}

function frames(input: Array<string | number[]>, options: { maxLineLength?: number; armed?: boolean } = {}): Frame[] {
  const out: Frame[] = [];
  const framer = new LineFramer(sink((frame) => out.push(frame)), {
    maxLineLength: options.maxLineLength ?? 4096,
    promptArmed: () => options.armed ?? false,
  });
  for (const part of input) framer.push(typeof part === 'string' ? Buffer.from(part, 'utf8') : Uint8Array.from(part));
  return out;
}

const line = (text: string): Frame => ({ kind: 'line', text });

describe('LineFramer', () => {
  it('ends lines at \\r\\n, \\r\\r\\n, bare \\r and bare \\n, ignoring empty lines', () => {
    expect(frames(['a\r\nb\r\r\nc\rd\ne\r\n\r\n\n\r'])).to.deep.equal(['a', 'b', 'c', 'd', 'e'].map(line));
  });

  it('holds a partial line until its end arrives', () => {
    expect(frames(['+CSIM: 4,"90'])).to.deep.equal([]);
    expect(frames(['+CSIM: 4,"90', '00"', '\r\n'])).to.deep.equal([line('+CSIM: 4,"9000"')]);
  });

  it('trims lines and drops blank ones', () => {
    expect(frames(['  OK \t\r\n   \r\n'])).to.deep.equal([line('OK')]);
  });

  it('decodes UTF-8 split across chunks', () => {
    const bytes = Buffer.from('+COPS: 0,0,"Telefónica"\r\n', 'utf8');
    const at = bytes.indexOf(0xc3) + 1; // between the two bytes of ó
    expect(frames([[...bytes.subarray(0, at)], [...bytes.subarray(at)]])).to.deep.equal([line('+COPS: 0,0,"Telefónica"')]);
  });

  it('sees a prompt, with or without its space, only when armed', () => {
    expect(frames(['\r\n> '], { armed: true })).to.deep.equal([{ kind: 'prompt' }]);
    expect(frames(['\r\n>'], { armed: true })).to.deep.equal([{ kind: 'prompt' }]);
    expect(frames(['\r\n> \r\n'], { armed: false })).to.deep.equal([line('>')]);
  });

  it('takes a > inside a line for text even when armed', () => {
    expect(frames(['a>b\r\n'], { armed: true })).to.deep.equal([line('a>b')]);
  });

  it('reports lines with control bytes or invalid UTF-8 as noise, escaped', () => {
    expect(frames([[0x00, 0x4f, 0x4b, 0x0d]])).to.deep.equal([{ kind: 'noise', text: '\\x00OK', reason: 'control bytes in line' }]);
    expect(frames([[0xff, 0xfe, 0x0a]])).to.deep.equal([{ kind: 'noise', text: '\\xFF\\xFE', reason: 'invalid UTF-8' }]);
  });

  it('tells valid UTF-8 from invalid as Node does, in short lines and long ones', () => {
    // Lines of text bytes and of sequences at each edge RFC 3629 §4 draws: overlong forms, surrogates,
    // above U+10FFFF, cut short, stray continuation bytes.
    const edges = [
      [0xc2, 0x80], [0xc1, 0xbf], [0xdf, 0xbf], [0xe0, 0xa0, 0x80], [0xe0, 0x9f, 0xbf], [0xed, 0x9f, 0xbf], [0xed, 0xa0, 0x80],
      [0xef, 0xbf, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80], [0x80], [0xbf], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xe2, 0x28, 0xa1], [0xfe], [0xff],
    ];
    const { next } = seededRandom(11);
    const int = (n: number) => Math.floor(next() * n);
    for (let i = 0; i < 3000; i++) {
      const bytes: number[] = [];
      const parts = 1 + int(i % 2 === 0 ? 6 : 40); // some lines past the length checked in place
      for (let k = 0; k < parts; k++) bytes.push(...(next() < 0.5 ? edges[int(edges.length)]! : [0x21 + int(0x5e)]));
      if (bytes[0] === 0x3e) bytes[0] = 0x41; // not a prompt
      const line = Buffer.from(bytes);
      const expected = isUtf8(line)
        ? [{ kind: 'line', text: line.toString('utf8') }]
        : [{ kind: 'noise', text: escapeBytes(line), reason: 'invalid UTF-8' }];
      expect(frames([[...bytes, 0x0d, 0x0a]]), line.toString('hex')).to.deep.equal(expected);
    }
  });

  it('keeps Ctrl-Z and TAB in a line (payload echoes carry them)', () => {
    expect(frames(['hello\x1a\tx\r\n'])).to.deep.equal([line('hello\x1a\tx')]);
  });

  it('drops an overlong line once, then frames the next line normally', () => {
    const out = frames(['x'.repeat(1_000_000), '\r\nOK\r\n'], { maxLineLength: 16 });
    expect(out).to.have.length(2);
    expect(out[0]).to.deep.include({ kind: 'noise', reason: 'line longer than 16 bytes; dropped up to the next line end' });
    expect(out[1]).to.deep.equal(line('OK'));
  });

  it('accepts a line of exactly the maximum length', () => {
    expect(frames(['y'.repeat(16) + '\r'], { maxLineLength: 16 })).to.deep.equal([line('y'.repeat(16))]);
  });

  it('gives each line its own text when lines of the same length come back in any order', () => {
    // Far more distinct lines than the framer remembers, each said twice: many share where the
    // framer keeps a recent line's text, and a repeat must never be handed another line's.
    const random = seededRandom(7);
    const texts = Array.from({ length: 5000 }, (_, i) => `+CGEV: ME PDN ACT ${String(i).padStart(4, '0')}${'ABCDEFGH'[Math.floor(random.next() * 8)]}`);
    const said = [...texts, ...texts].sort(() => random.next() - 0.5);
    const out = frames([said.map((t) => `${t}\r\n`).join('')]);
    expect(out).to.deep.equal(said.map(line));
  });

  it('frames a hostile stream the same however it is chunked, in Buffers or plain Uint8Arrays', () => {
    // Lines that end in the chunk they began in are decoded from it, others from the line buffer:
    // both paths, prompts and overflows must give the same frames at every cut.
    const pieces = ['OK\r\n', '\r\r\n', '> ', ' >', '\t>>', '+CEREG: 2,5\n', 'Telefónica', '\ufeff', 'y'.repeat(20), '\r', ' '];
    for (let seed = 1; seed <= 200; seed++) {
      const { next } = seededRandom(seed);
      const int = (n: number) => Math.floor(next() * n);
      const parts = Array.from({ length: 5 + int(30) }, () =>
        next() < 0.85 ? Buffer.from(pieces[int(pieces.length)]!) : Buffer.from(Array.from({ length: 1 + int(6) }, () => int(256))),
      );
      const bytes = Buffer.concat(parts);
      const maxLineLength = 8 + int(24);
      const run = (chunks: Uint8Array[]): Frame[] => {
        const out: Frame[] = [];
        let armed = true; // like the engine: armed until the prompt, again after each OK
        const framer = new LineFramer(
          sink((frame) => {
            out.push(frame);
            if (frame.kind === 'prompt') armed = false;
            if (frame.kind === 'line' && frame.text === 'OK') armed = true;
          }),
          { maxLineLength, promptArmed: () => armed },
        );
        for (const chunk of chunks) framer.push(chunk);
        return out;
      };
      const whole = run([bytes]);
      const cuts: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + int(12);
        const piece = bytes.subarray(at, at + size);
        cuts.push(next() < 0.5 ? piece : Uint8Array.from(piece));
        at += size;
      }
      expect(run(cuts), `seed ${seed}`).to.deep.equal(whole);
      expect(run([...bytes].map((b) => Uint8Array.of(b))), `seed ${seed} byte by byte`).to.deep.equal(whole);
    }
  });

  it('rejects a maximum line length that is not a positive integer', () => {
    expect(() => frames([], { maxLineLength: 0 })).to.throw(RangeError);
  });
});
