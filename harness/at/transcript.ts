// Timestamped record of everything that crossed the AT port, in both directions.

import type { ClockReading } from '../time/clock.ts';
import { Listeners } from './listeners.ts';

export type Direction = 'tx' | 'rx';

/** `timeout` marks where a command gave up waiting; `noise` is anything that was not AT text or was out of place. */
export type EntryKind = 'command' | 'payload' | 'echo' | 'info' | 'final' | 'urc' | 'prompt' | 'noise' | 'timeout';

/** When an entry crossed the port: performance.now(), epoch and rig milliseconds. */
export type Stamp = ClockReading;

export interface TranscriptEntry extends Stamp {
  dir: Direction;
  kind: EntryKind;
  text: string;
  /** Why a line was classified the way it was, where that is not obvious. */
  note?: string;
}

export interface TranscriptLimits {
  /** Entries kept in memory. Default 20 000. */
  entries?: number | undefined;
  /** Estimated heap bytes the kept entries may take (see entryBytes). Default 16 MiB. */
  bytes?: number | undefined;
  /** Characters of an entry's text kept; the rest is cut, and a marker says how many bytes. Default 4096. */
  textLength?: number | undefined;
}

/** What a kept entry costs besides its strings: its column slots and a string's header. */
const ENTRY_OVERHEAD_BYTES = 80;
/** Entries a page of columns holds: 2 ** PAGE_BITS, worked out by a shift, since V8 keeps the result of `**` as a boxed double. */
const PAGE_BITS = 12;
const PAGE_SLOTS = 1 << PAGE_BITS;

/** The kinds by their index in a page's codes (see kindIndex()). */
const KINDS: readonly EntryKind[] = ['command', 'payload', 'echo', 'info', 'final', 'urc', 'prompt', 'noise', 'timeout'];

/** A kind's index in KINDS: a switch, since comparing interned strings costs less than a Map's lookup on every entry. */
function kindIndex(kind: EntryKind): number {
  switch (kind) {
    case 'command': return 0;
    case 'payload': return 1;
    case 'echo': return 2;
    case 'info': return 3;
    case 'final': return 4;
    case 'urc': return 5;
    case 'prompt': return 6;
    case 'noise': return 7;
    case 'timeout': return 8;
  }
}

/**
 * The columns of PAGE_SLOTS consecutive slots. Pages are added as the ring fills and never copied:
 * a growing transcript costs its entries, not the copies of ever larger arrays.
 */
class Page {
  /** mono, wall and rig of each slot. */
  readonly times: Float64Array;
  /** Direction and kind of each slot: 2 × the index in KINDS, + 1 for rx. */
  readonly codes: Uint8Array;
  readonly text: string[];
  /** Allocated with the page's first note: most entries have none. */
  notes: Array<string | undefined> | undefined;

  /** `slots`: PAGE_SLOTS, or what the entry limit leaves for the last page (see addPage()). */
  constructor(readonly slots: number) {
    this.times = new Float64Array(3 * slots);
    this.codes = new Uint8Array(slots);
    // Left unfilled: a slot is written before it is read, and Array#fill takes a slow generic path.
    this.text = new Array<string>(slots);
  }
}

export class Transcript {
  /**
   * The newest entries in a ring of columns, one per field, not of entry objects: a kept entry then
   * costs the garbage collector its text alone, where an entry object and its three boxed numbers
   * were four more objects to copy, promote and mark (and 60 % more memory).
   * The kept entries are the `count` slots from `head` on, wrapping at the entry limit.
   */
  private readonly pages: Page[] = [];
  private head = 0;
  private count = 0;
  private keptBytes = 0;
  private dropped = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly maxTextLength: number;
  private readonly listeners = new Listeners<TranscriptEntry>();

  /** The oldest entries go first when either limit is reached; subscribers see every entry. */
  constructor(limits: TranscriptLimits = {}) {
    this.maxEntries = wholePositive('transcript entry limit', limits.entries ?? 20_000);
    this.maxBytes = wholePositive('transcript byte budget', limits.bytes ?? 16 * 2 ** 20);
    this.maxTextLength = wholePositive('transcript text length', limits.textLength ?? 4096);
  }

  /** Estimated heap bytes of the kept entries: never above the budget, unless one entry alone is. */
  get bytes(): number {
    return this.keptBytes;
  }

  /** Entries kept: entries().length, without building them. */
  get size(): number {
    return this.count;
  }

  record(entry: TranscriptEntry): void {
    this.add(entry, entry.dir, entry.kind, entry.text, entry.note);
  }

  /**
   * record() without an entry object: the columns take the fields, and an entry is only built (and
   * frozen) when someone subscribed, since most engines record far more than anyone reads.
   */
  add(stamp: Stamp, dir: Direction, kind: EntryKind, text: string, note: string | undefined): void {
    if (text.length > this.maxTextLength) text = cut(text, this.maxTextLength);
    const size = entryBytes(text, note);
    while (this.count > 0 && (this.count === this.maxEntries || this.keptBytes + size > this.maxBytes)) this.dropOldest();
    let slot = this.head + this.count;
    if (slot >= this.maxEntries) slot -= this.maxEntries;
    this.count++;
    this.keptBytes += size;
    const page = this.pages[slot >> PAGE_BITS] ?? this.addPage();
    const at = slot & (PAGE_SLOTS - 1);
    page.times[3 * at] = stamp.mono;
    page.times[3 * at + 1] = stamp.wall;
    page.times[3 * at + 2] = stamp.rig;
    page.codes[at] = 2 * kindIndex(kind) + (dir === 'rx' ? 1 : 0);
    page.text[at] = text;
    // A slot is only written while free, and dropOldest() left a freed one without a note.
    if (note !== undefined) (page.notes ??= new Array<string | undefined>(page.slots))[at] = note;
    // Entries are built here alone, so freezing them is enough to hand them out safely.
    if (this.listeners.active) this.listeners.emit(Object.freeze(transcriptEntry(stamp, dir, kind, text, note)));
  }

  /** The kept entries, oldest first. */
  entries(): TranscriptEntry[] {
    return Array.from({ length: this.count }, (_, i) => this.entry((this.head + i) % this.maxEntries));
  }

  /**
   * Slots are only ever appended until the ring is full, so a missing page is always the next one;
   * the last is only as long as the entry limit leaves.
   */
  private addPage(): Page {
    const page = new Page(Math.min(PAGE_SLOTS, this.maxEntries - this.pages.length * PAGE_SLOTS));
    this.pages.push(page);
    return page;
  }

  /** Its slot keeps no text: a ring short of its entry limit must not hold on to what it dropped. */
  private dropOldest(): void {
    const slot = this.head;
    const page = this.pages[slot >> PAGE_BITS]!;
    const at = slot & (PAGE_SLOTS - 1);
    this.keptBytes -= entryBytes(page.text[at]!, page.notes?.[at]);
    page.text[at] = '';
    if (page.notes) page.notes[at] = undefined;
    this.head = (slot + 1) % this.maxEntries;
    this.count--;
    this.dropped++;
  }

  subscribe(listener: (entry: TranscriptEntry) => void): () => void {
    return this.listeners.add(listener);
  }

  private entry(slot: number): TranscriptEntry {
    const page = this.pages[slot >> PAGE_BITS]!;
    const at = slot & (PAGE_SLOTS - 1);
    const stamp = { mono: page.times[3 * at]!, wall: page.times[3 * at + 1]!, rig: page.times[3 * at + 2]! };
    const code = page.codes[at]!;
    return Object.freeze(transcriptEntry(stamp, code & 1 ? 'rx' : 'tx', KINDS[code >> 1]!, page.text[at]!, page.notes?.[at]));
  }

  toText(): string {
    const lines = this.entries().map(formatEntry);
    if (this.dropped > 0) lines.unshift(`(${this.dropped} earlier entries not kept)`);
    return lines.join('\n');
  }
}

/** Strings counted at two bytes a character, what V8 needs at most; one-byte text takes half. */
function entryBytes(text: string, note: string | undefined): number {
  return ENTRY_OVERHEAD_BYTES + 2 * (text.length + (note?.length ?? 0));
}

/** The first `length` characters, and a marker saying how many bytes (UTF-8) were cut. */
function cut(text: string, length: number): string {
  const last = text.charCodeAt(length - 1);
  const kept = text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length); // not inside a surrogate pair
  const marker = cutMarker(Buffer.byteLength(text, 'utf8') - Buffer.byteLength(kept, 'utf8'));
  // Copied through a Buffer: one flat string, free of the whole text a slice would keep alive.
  return Buffer.from(kept + marker, 'utf8').toString('utf8');
}

/** Ends a text that was cut short. */
export function cutMarker(cutBytes: number): string {
  return `... (${cutBytes} more bytes cut)`;
}

function wholePositive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive whole number, got ${value}`);
  return value;
}

/** An entry, `note` only where there is one; the transcript freezes what it hands out. */
export function transcriptEntry(stamp: Stamp, dir: Direction, kind: EntryKind, text: string, note: string | undefined): TranscriptEntry {
  const { mono, wall, rig } = stamp;
  // Literals, not a spread: V8 gives a spread object a property store three times the size.
  return note === undefined ? { mono, wall, rig, dir, kind, text } : { mono, wall, rig, dir, kind, text, note };
}

/** `2024-05-01T10:00:00.123Z     12.345s rx info    +CEREG: 2,5  (note)` with control characters escaped. */
export function formatEntry(entry: TranscriptEntry): string {
  const note = entry.note ? `  (${entry.note})` : '';
  return formatLine(entry.wall, entry.rig, entry.dir, entry.kind, `${entry.text}${note}`);
}

/**
 * One transcript line; the rig's own events (`--` in the direction column) share the layout
 * so that readers of transcript.log parse a single format. Control characters are escaped.
 */
export function formatLine(wall: number, rig: number, dir: Direction | '--', kind: string, text: string): string {
  const rigSeconds = `${(rig / 1000).toFixed(3)}s`.padStart(11);
  return `${new Date(wall).toISOString()} ${rigSeconds} ${dir} ${kind.padEnd(7)} ${escapeControls(text)}`;
}

function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}
