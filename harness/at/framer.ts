// Splits the module's byte stream into lines, `>` prompts and noise.
// Any CR or LF ends a line, so `\r\n`, `\r\r\n`, bare `\r` and bare `\n` all work and empty lines vanish.
// How the stream happens to be chunked never changes the result: a line that ends inside the chunk
// it started in is decoded straight from that chunk, and only a line split across chunks is copied
// into the line buffer. Frames go to a sink's methods, not as objects: a line costs its string
// alone, and a line the module said recently (most of them) not even that.

// Imported, not the global: Node's global `Buffer` is a getter, run on every push otherwise.
import { Buffer, isUtf8 } from 'node:buffer';
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

/** Lines remembered for their text (a power of two), and the longest remembered. */
const RECENT_SLOTS = 1024;
const RECENT_MAX_LENGTH = 128;

/**
 * What a byte tells the scan of a line: CR and LF end it, `>` may be a prompt; the bits of the others
 * say how the line must be decoded. Every byte but a blank is TEXT, so a line of blanks alone has no
 * other bit. The scan stops only at a byte with a STOP bit: any other just adds its bits.
 */
const LINE_END = 64;
const MAYBE_PROMPT = 128;
const STOP = LINE_END | MAYBE_PROMPT;
const BLANK = 1;
const NON_ASCII = 2;
const CONTROL = 4;
const TEXT = 8;
const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  if (b === CR || b === LF) CLASS[b] = LINE_END;
  else if (b === SPACE || b === TAB) CLASS[b] = BLANK;
  else if (b > DEL) CLASS[b] = TEXT | NON_ASCII;
  else if ((b < SPACE && b !== SUB) || b === DEL) CLASS[b] = TEXT | CONTROL;
  else CLASS[b] = TEXT;
}
CLASS[GT] = MAYBE_PROMPT;

const BACKSLASH = 0x5c;
const X = 0x78;
const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');

export class LineFramer {
  private readonly buf: Buffer;
  /** Bytes of the current line held in `buf`. */
  private length = 0;
  /** The CLASS bits of the current line's bytes so far. */
  private seen = 0;
  /** The current line overflowed: its bytes are dropped up to its end. */
  private discarding = false;
  /** The line in progress at the end of the latest push began in an earlier one. */
  private startedEarlier = false;
  /** The text of recent lines, by a hash of their bytes (see lineHash()): see decodeAscii(). */
  private readonly recent: Array<string | undefined> = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);
  /**
   * The bytes of each remembered line, RECENT_MAX_LENGTH apart. A line is compared with these rather
   * than with its text: reading a string's characters costs V8 a look at its layout for each one.
   */
  private readonly recentBytes = new Uint8Array(RECENT_SLOTS * RECENT_MAX_LENGTH);

  constructor(
    private readonly sink: FrameSink,
    private readonly options: FramerOptions,
  ) {
    if (!(options.maxLineLength >= 1) || !Number.isInteger(options.maxLineLength)) {
      throw new RangeError(`maxLineLength must be a positive integer, got ${options.maxLineLength}`);
    }
    this.buf = Buffer.alloc(options.maxLineLength);
  }

  /**
   * One pass over the bytes: each is classed (see CLASS) on the way to its line's end, so a line is
   * decoded without a second look at what it holds.
   */
  push(input: Uint8Array): void {
    // A Buffer over the same memory (no copy), for Buffer#toString and #copy.
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const size = bytes.length;
    let carried = this.length > 0 || this.discarding;
    let start = 0;
    let seen = this.seen;
    // A local: through the module's binding, V8 would look the table up again for every byte.
    const classOf = CLASS;
    for (let i = 0; i < size; i++) {
      // The bytes up to the next line end or `>`, in a loop of their own: most bytes take this short
      // path, past none of the line-end handling below.
      let kind = classOf[bytes[i]!]!;
      while ((kind & STOP) === 0) {
        seen |= kind;
        if (++i === size) break;
        kind = classOf[bytes[i]!]!;
      }
      if (i === size) break;
      if (kind === LINE_END) {
        if (!this.discarding && (seen & ~BLANK) !== 0) this.endLine(bytes, start, i, seen, carried);
        this.length = 0;
        this.discarding = false;
        // The LF of a CR LF would only end an empty line: stepped over rather than looked at again.
        if (bytes[i] === CR && i + 1 < size && bytes[i + 1] === LF) i++;
        start = i + 1;
        seen = 0;
        carried = false;
      } else if ((seen & ~BLANK) === 0 && this.isPrompt(i - start)) {
        // A `>` after nothing but blanks, while one is awaited: the prompt has no line end after it,
        // so it is seen as it comes, and the blanks before it go with it.
        this.length = 0;
        start = i + 1;
        seen = 0;
        carried = false;
        this.sink.prompt(false);
      } else {
        seen |= TEXT; // a `>` that is text
      }
    }
    this.seen = seen;
    this.startedEarlier = carried;
    if (start < size && !this.discarding) this.hold(bytes, start, size, carried);
  }

  /** Whether a `>` at `column` of this push's part of the line is a prompt. */
  private isPrompt(column: number): boolean {
    return !this.discarding && this.length + column < this.buf.length && this.options.promptArmed();
  }

  /** Keeps bytes[from, end) of a line that is not complete yet, or drops the line if it overflows. */
  private hold(bytes: Buffer, from: number, end: number, carried: boolean): void {
    if (this.length + (end - from) > this.buf.length) return this.overflow(bytes, from, end, carried);
    copyInto(this.buf, this.length, bytes, from, end);
    this.length += end - from;
  }

  /** The line ending at bytes[end] is longer than the buffer: reported once, then dropped to its end. */
  private overflow(bytes: Buffer, from: number, end: number, carried: boolean): void {
    bytes.copy(this.buf, this.length, from, Math.min(end, from + this.buf.length - this.length));
    this.sink.noise(
      escapeBytes(this.buf.subarray(0, PREVIEW_BYTES), '...'),
      `line longer than ${this.buf.length} bytes; dropped up to the next line end`,
      carried,
    );
    this.length = 0;
    this.discarding = true;
  }

  /** The line whose rest is bytes[start, end) is complete: decoded from the push, or from the buffer if part of it was held. */
  private endLine(bytes: Buffer, start: number, end: number, seen: number, carried: boolean): void {
    const held = this.length;
    if (held + (end - start) > this.buf.length) {
      this.overflow(bytes, start, end, carried);
      return;
    }
    if (held === 0) return this.decodeLine(bytes, start, end, seen, carried);
    copyInto(this.buf, held, bytes, start, end);
    this.decodeLine(this.buf, 0, held + (end - start), seen, carried);
  }

  /**
   * A line is text unless it holds bytes that never occur in AT text (C0 controls, DEL, broken UTF-8).
   * `seen` is the CLASS bits of its bytes.
   */
  private decodeLine(bytes: Buffer, start: number, end: number, seen: number, carried: boolean): void {
    if (seen & CONTROL) return this.noise(bytes, start, end, 'control bytes in line', carried);
    if (seen & NON_ASCII) {
      if (!validUtf8(bytes, start, end)) return this.noise(bytes, start, end, 'invalid UTF-8', carried);
      const text = bytes.toString('utf8', start, end).trim();
      if (text !== '') this.sink.line(text, carried);
      return;
    }
    if (!(seen & BLANK) || (bytes[start] !== SPACE && bytes[start] !== TAB && bytes[end - 1] !== SPACE && bytes[end - 1] !== TAB)) {
      return this.sink.line(this.decodeAscii(bytes, start, end), carried);
    }
    // ASCII text holds no blanks but spaces and tabs: trimmed by moving its ends, not by a trimmed copy.
    while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
    while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
    if (start < end) this.sink.line(bytes.toString('latin1', start, end), carried);
  }

  /**
   * An ASCII line with no blanks at its ends, as text. A module repeats itself (`OK`, echoes,
   * `+CEREG: 2,5`, the same `+CGEV` events), so the text of a recent line with the same bytes is
   * handed on again: no new string to build and, once a transcript keeps it, none to collect.
   */
  private decodeAscii(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > RECENT_MAX_LENGTH) return bytes.toString('latin1', start, end);
    const slot = lineHash(bytes, start, end) & (RECENT_SLOTS - 1);
    const kept = slot * RECENT_MAX_LENGTH;
    const known = this.recent[slot];
    if (known !== undefined && known.length === length && sameBytes(bytes, start, end, this.recentBytes, kept)) return known;
    const text = bytes.toString('latin1', start, end);
    this.recent[slot] = text;
    copyInto(this.recentBytes, kept, bytes, start, end);
    return text;
  }

  /** The noise line bytes[start, end) escaped, its first NOISE_BYTES only, with a marker saying how many more there were. */
  private noise(bytes: Uint8Array, start: number, end: number, reason: string, carried: boolean): void {
    const length = end - start;
    const text = length <= NOISE_BYTES ? escapeRange(bytes, start, end, '') : escapeRange(bytes, start, start + NOISE_BYTES, cutMarker(length - NOISE_BYTES));
    this.sink.noise(text, reason, carried);
  }

  /** A line is in progress whose first byte came in the latest push: its stamp is needed later. */
  get holdsLineOfLastPush(): boolean {
    return (this.length > 0 || this.discarding) && !this.startedEarlier;
  }
}

/** Spans shorter than this are copied byte by byte: Buffer#copy builds a view of its source for each call. */
const SHORT_COPY = 64;

/** bytes[start, end) into `target` at `at`. */
function copyInto(target: Uint8Array, at: number, bytes: Buffer, start: number, end: number): void {
  if (end - start >= SHORT_COPY) {
    bytes.copy(target, at, start, end);
    return;
  }
  for (let i = start; i < end; i++) target[at++] = bytes[i]!;
}

/** Lines longer than this are checked by Node's validator, shorter ones in place (no view to build). */
const SHORT_UTF8 = 64;

/**
 * Whether bytes[start, end) are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at
 * most U+10FFFF), as isUtf8() would say of them.
 */
function validUtf8(bytes: Buffer, start: number, end: number): boolean {
  if (end - start >= SHORT_UTF8) return isUtf8(bytes.subarray(start, end));
  for (let i = start; i < end; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // The sequence length, and the range of its second byte (the rest are 0x80–0xBF), per RFC 3629 §4.
    let size: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) size = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      size = 3;
      if (b === 0xe0) low = 0xa0;
      else if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      size = 4;
      if (b === 0xf0) low = 0x90;
      else if (b === 0xf4) high = 0x8f;
    } else return false;
    if (i + size > end) return false;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return false;
    for (let k = 2; k < size; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
    i += size;
  }
  return true;
}

/**
 * A hash of a line's length and of its first, middle and last bytes, worked out once at its end
 * rather than byte by byte. Lines that it cannot tell apart only share a slot of the recent lines,
 * whose text is always compared in full before it is handed on again.
 */
function lineHash(bytes: Buffer, start: number, end: number): number {
  const last = end - 1;
  // Positions clamped to the line by comparisons, not Math.min/max, which V8 works out in floating point.
  const second = start < last ? start + 1 : last;
  const thirdLast = last - 2 > start ? last - 2 : start;
  const secondLast = last - 1 > start ? last - 1 : start;
  let hash = end - start;
  hash = (Math.imul(hash, 31) + bytes[start]!) | 0;
  hash = (Math.imul(hash, 31) + bytes[second]!) | 0;
  hash = (Math.imul(hash, 31) + bytes[(start + end) >> 1]!) | 0;
  hash = (Math.imul(hash, 31) + bytes[thirdLast]!) | 0;
  hash = (Math.imul(hash, 31) + bytes[secondLast]!) | 0;
  hash = (Math.imul(hash, 31) + bytes[last]!) | 0;
  return hash ^ (hash >>> 13);
}

/** Whether bytes[start, end) equal the bytes of `kept` from `at` on. */
function sameBytes(bytes: Buffer, start: number, end: number, kept: Uint8Array, at: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== kept[at++]) return false;
  return true;
}

/** Where escapeBytes() writes before decoding; reused, as the string is a copy of it. */
let escapeScratch = Buffer.allocUnsafe(4096);

/**
 * Printable ASCII as is, every other byte as `\xHH`, then the ASCII `suffix`. Written into a buffer
 * and decoded once: a string built with += is a rope of one node per byte, eight times its text.
 */
export function escapeBytes(bytes: Uint8Array, suffix = ''): string {
  return escapeRange(bytes, 0, bytes.length, suffix);
}

/** escapeBytes() of bytes[start, end), without a view of them to build. */
function escapeRange(bytes: Uint8Array, start: number, end: number, suffix: string): string {
  const size = 4 * (end - start) + suffix.length;
  if (escapeScratch.length < size) escapeScratch = Buffer.allocUnsafe(Math.max(size, 2 * escapeScratch.length));
  const out = escapeScratch;
  let at = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
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
