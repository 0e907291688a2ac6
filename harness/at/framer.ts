// Splits the module's byte stream into lines, `>` prompts and noise.
// Any CR or LF ends a line, so `\r\n`, `\r\r\n`, bare `\r` and bare `\n` all work and empty lines vanish.
// How the stream happens to be chunked never changes the result: a line that ends inside the chunk
// it started in is decoded straight from that chunk, and only a line split across chunks is copied
// into the line buffer. Frames go to a sink's methods, not as objects: one line costs its string
// alone, and the lines the engine expects (`OK`, the command's echo) not even that.

import { isUtf8 } from 'node:buffer';
import { cutMarker } from './transcript.ts';

/** Where frames go. `carried`: the frame's first byte came in an earlier push, so it is dated by that push's stamp. */
export interface FrameSink {
  line(text: string, carried: boolean): void;
  prompt(carried: boolean): void;
  noise(text: string, reason: string, carried: boolean): void;
}

export interface FramerOptions {
  /** Bytes a line may hold; the rest of a longer line is dropped as noise. */
  maxLineLength: number;
  /** Whether a `>` opening a line is a prompt right now (a command with a payload is waiting for one). */
  promptArmed: () => boolean;
}

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;
const GT = 0x3e;
const SUB = 0x1a; // Ctrl-Z ends a payload; modules may echo it
const DEL = 0x7f;
const PREVIEW_BYTES = 48;
/** Bytes of a noise line kept, escaped: at most 4000 characters, under the transcript's 4096. */
const NOISE_BYTES = 1000;

const BACKSLASH = 0x5c;
const X = 0x78;
const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');

export class LineFramer {
  private readonly buf: Buffer;
  /** Bytes of the current line held in `buf`. */
  private length = 0;
  /** The current line held only blanks so far, so a `>` would open it. */
  private blank = true;
  /** The current line overflowed: its bytes are dropped up to its end. */
  private discarding = false;
  /** The current line's first byte came in an earlier push. */
  private startedEarlier = false;

  /**
   * A line the reader expects next (a command's echo): one equal to it, byte for byte, is handed on
   * as this very string instead of a decoded copy. `OK` always is.
   */
  expected = '';

  constructor(
    private readonly sink: FrameSink,
    private readonly options: FramerOptions,
  ) {
    if (!(options.maxLineLength >= 1) || !Number.isInteger(options.maxLineLength)) {
      throw new RangeError(`maxLineLength must be a positive integer, got ${options.maxLineLength}`);
    }
    this.buf = Buffer.alloc(options.maxLineLength);
  }

  push(input: Uint8Array): void {
    // A Buffer over the same memory (no copy), for Buffer#toString: see decodeLine().
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.startedEarlier = this.length > 0 || this.discarding;
    for (let from = 0; from < bytes.length; ) {
      const end = lineEnd(bytes, from);
      const start = this.discarding ? end : this.afterPrompts(bytes, from, end);
      if (end === bytes.length) {
        this.hold(bytes, start, end);
        return;
      }
      if (this.length === 0 && end - start <= this.buf.length) {
        this.endLine(bytes, start, end);
      } else {
        this.hold(bytes, start, end);
        this.endLine(this.buf, 0, this.length);
      }
      from = end + 1;
    }
  }

  /**
   * Where the line's text starts in bytes[from, end): past any prompts. A `>` after nothing but
   * blanks is a prompt while one is awaited; the prompt has no line end after it, so it has to be
   * seen before the line completes, and the blanks before it go with it.
   */
  private afterPrompts(bytes: Uint8Array, from: number, end: number): number {
    let at = from;
    while (this.blank && at < end) {
      while (at < end && (bytes[at] === SPACE || bytes[at] === TAB)) at++;
      if (at === end) break;
      const column = this.length + (at - from);
      if (bytes[at] === GT && column < this.buf.length && this.options.promptArmed()) {
        this.length = 0;
        from = ++at;
        this.startedEarlier = false; // what follows the prompt came in this push
        this.sink.prompt(false);
      } else {
        this.blank = false;
      }
    }
    return from;
  }

  /** Keeps bytes[from, end) of a line that is not complete yet, dropping what overflows the buffer. */
  private hold(bytes: Uint8Array, from: number, end: number): void {
    if (this.discarding || from === end) return;
    if (this.length + (end - from) > this.buf.length) {
      this.buf.set(bytes.subarray(from, from + this.buf.length - this.length), this.length);
      this.sink.noise(
        escapeBytes(this.buf.subarray(0, PREVIEW_BYTES), '...'),
        `line longer than ${this.buf.length} bytes; dropped up to the next line end`,
        this.startedEarlier,
      );
      this.length = 0;
      this.discarding = true;
      return;
    }
    this.buf.set(bytes.subarray(from, end), this.length);
    this.length += end - from;
  }

  /** The line in bytes[start, end) is complete. */
  private endLine(bytes: Buffer, start: number, end: number): void {
    const skip = this.discarding || start === end;
    this.length = 0;
    this.blank = true;
    this.discarding = false;
    const carried = this.startedEarlier;
    this.startedEarlier = false; // the next line starts in this push
    if (!skip) this.decodeLine(bytes, start, end, carried);
  }

  /**
   * A line is text unless it holds bytes that never occur in AT text (C0 controls, DEL, broken UTF-8).
   * Nearly every line is ASCII, which needs no UTF-8 check and is trimmed (of spaces and tabs, the
   * only blanks ASCII text can hold) by moving its ends, not by building a trimmed copy.
   */
  private decodeLine(bytes: Buffer, start: number, end: number, carried: boolean): void {
    let ascii = true;
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= SPACE && b < DEL) continue;
      if (b > DEL) ascii = false;
      else if (b !== TAB && b !== SUB) return this.noise(bytes.subarray(start, end), 'control bytes in line', carried);
    }
    if (!ascii) {
      if (!isUtf8(bytes.subarray(start, end))) return this.noise(bytes.subarray(start, end), 'invalid UTF-8', carried);
      const text = bytes.toString('utf8', start, end).trim();
      if (text !== '') this.sink.line(text, carried);
      return;
    }
    while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
    while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
    if (start === end) return;
    this.sink.line(sameText(bytes, start, end, OK) ?? sameText(bytes, start, end, this.expected) ?? bytes.toString('latin1', start, end), carried);
  }

  /** A noise line escaped, its first NOISE_BYTES only, with a marker saying how many more there were. */
  private noise(line: Uint8Array, reason: string, carried: boolean): void {
    const text = line.length <= NOISE_BYTES ? escapeBytes(line) : escapeBytes(line.subarray(0, NOISE_BYTES), cutMarker(line.length - NOISE_BYTES));
    this.sink.noise(text, reason, carried);
  }

  /** A line is in progress whose first byte came in the latest push: its stamp is needed later. */
  get holdsLineOfLastPush(): boolean {
    return (this.length > 0 || this.discarding) && !this.startedEarlier;
  }
}

const OK = 'OK';

/** `text` if bytes[start, end) are its characters (ASCII), else undefined. */
function sameText(bytes: Buffer, start: number, end: number, text: string): string | undefined {
  if (text.length !== end - start) return undefined;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return undefined;
  return text;
}

/** The index of the first CR or LF in bytes[from...], or bytes.length. */
function lineEnd(bytes: Uint8Array, from: number): number {
  let at = from;
  while (at < bytes.length && bytes[at] !== CR && bytes[at] !== LF) at++;
  return at;
}

/** Where escapeBytes() writes before decoding; reused, as the string is a copy of it. */
let escapeScratch = Buffer.allocUnsafe(4096);

/**
 * Printable ASCII as is, every other byte as `\xHH`, then the ASCII `suffix`. Written into a buffer
 * and decoded once: a string built with += is a rope of one node per byte, eight times its text.
 */
export function escapeBytes(bytes: Uint8Array, suffix = ''): string {
  const size = 4 * bytes.length + suffix.length;
  if (escapeScratch.length < size) escapeScratch = Buffer.allocUnsafe(Math.max(size, 2 * escapeScratch.length));
  const out = escapeScratch;
  let at = 0;
  for (const b of bytes) {
    if (b >= SPACE && b < DEL) {
      out[at++] = b;
    } else {
      out[at++] = BACKSLASH;
      out[at++] = X;
      out[at++] = HEX_DIGITS[b >> 4]!;
      out[at++] = HEX_DIGITS[b & 15]!;
    }
  }
  for (let i = 0; i < suffix.length; i++) out[at++] = suffix.charCodeAt(i);
  return out.toString('latin1', 0, at);
}
