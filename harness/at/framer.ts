// Splits the module's byte stream into lines, `>` prompts and noise.
// Any CR or LF ends a line, so `\r\n`, `\r\r\n`, bare `\r` and bare `\n` all work and empty lines vanish.
// Every decision is taken byte by byte, so how the stream happens to be chunked never changes the result.

export type Frame =
  | { kind: 'line'; text: string }
  | { kind: 'prompt' }
  | { kind: 'noise'; text: string; reason: string };

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

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class LineFramer {
  private readonly buf: Uint8Array;
  private length = 0;
  private discarding = false;

  constructor(
    private readonly emit: (frame: Frame) => void,
    private readonly options: FramerOptions,
  ) {
    if (!(options.maxLineLength >= 1) || !Number.isInteger(options.maxLineLength)) {
      throw new RangeError(`maxLineLength must be a positive integer, got ${options.maxLineLength}`);
    }
    this.buf = new Uint8Array(options.maxLineLength);
  }

  push(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (byte === CR || byte === LF) {
        this.endLine();
      } else if (this.discarding) {
        continue;
      } else if (this.length === this.buf.length) {
        this.emit({
          kind: 'noise',
          text: `${escapeBytes(this.buf.subarray(0, PREVIEW_BYTES))}...`,
          reason: `line longer than ${this.buf.length} bytes; dropped up to the next line end`,
        });
        this.length = 0;
        this.discarding = true;
      } else if (byte === GT && this.onlyBlanksSoFar() && this.options.promptArmed()) {
        // The prompt is `> ` with no line end after it: it has to be seen before the line completes.
        this.length = 0;
        this.emit({ kind: 'prompt' });
      } else {
        this.buf[this.length++] = byte;
      }
    }
  }

  private onlyBlanksSoFar(): boolean {
    for (let i = 0; i < this.length; i++) {
      if (this.buf[i] !== SPACE && this.buf[i] !== TAB) return false;
    }
    return true;
  }

  private endLine(): void {
    const frame = this.discarding || this.length === 0 ? undefined : decodeLine(this.buf.subarray(0, this.length));
    this.length = 0;
    this.discarding = false;
    if (frame) this.emit(frame);
  }
}

/** A line is text unless it holds bytes that never occur in AT text (C0 controls, DEL, broken UTF-8). */
function decodeLine(bytes: Uint8Array): Frame | undefined {
  if (bytes.some((b) => (b < SPACE && b !== TAB && b !== SUB) || b === DEL)) {
    return { kind: 'noise', text: escapeBytes(bytes), reason: 'control bytes in line' };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { kind: 'noise', text: escapeBytes(bytes), reason: 'invalid UTF-8' };
  }
  text = text.trim();
  return text === '' ? undefined : { kind: 'line', text };
}

/** Printable ASCII as is, every other byte as `\xHH`. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += b >= SPACE && b < DEL ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out;
}
