import { expect } from 'chai';
import { LineFramer, type Frame } from '../../harness/at/index.ts';

function frames(input: Array<string | number[]>, options: { maxLineLength?: number; armed?: boolean } = {}): Frame[] {
  const out: Frame[] = [];
  const framer = new LineFramer((frame) => out.push(frame), {
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

  it('rejects a maximum line length that is not a positive integer', () => {
    expect(() => frames([], { maxLineLength: 0 })).to.throw(RangeError);
  });
});
