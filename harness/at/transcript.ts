// Timestamped record of everything that crossed the AT port, in both directions.

import { Listeners } from './listeners.ts';

export type Direction = 'tx' | 'rx';

/** `timeout` marks where a command gave up waiting; `noise` is anything that was not AT text or was out of place. */
export type EntryKind = 'command' | 'payload' | 'echo' | 'info' | 'final' | 'urc' | 'prompt' | 'noise' | 'timeout';

export interface Stamp {
  /** performance.now() milliseconds. */
  mono: number;
  /** Epoch milliseconds. */
  wall: number;
  /** Rig milliseconds. */
  rig: number;
}

export interface TranscriptEntry extends Stamp {
  dir: Direction;
  kind: EntryKind;
  text: string;
  /** Why a line was classified the way it was, where that is not obvious. */
  note?: string;
}

export class Transcript {
  /**
   * The newest entries in a ring of columns, one per field, not of entry objects: a kept entry then
   * costs the garbage collector its text alone, where an entry object and its three boxed numbers
   * were four more objects to copy, promote and mark (and 60 % more memory).
   * `next` is the slot the next entry goes to once the ring is full.
   */
  private readonly mono: number[] = [];
  private readonly wall: number[] = [];
  private readonly rig: number[] = [];
  private readonly dir: Direction[] = [];
  private readonly kind: EntryKind[] = [];
  private readonly text: string[] = [];
  private readonly note: Array<string | undefined> = [];
  private next = 0;
  private dropped = 0;
  private readonly listeners = new Listeners<TranscriptEntry>();

  /** @param limit entries kept in memory (the oldest go first); subscribers see every entry. */
  constructor(private readonly limit = 20_000) {}

  record(entry: TranscriptEntry): void {
    let slot = this.text.length;
    if (slot === this.limit) {
      slot = this.next;
      this.next = (this.next + 1) % this.limit;
      this.dropped++;
    }
    this.mono[slot] = entry.mono;
    this.wall[slot] = entry.wall;
    this.rig[slot] = entry.rig;
    this.dir[slot] = entry.dir;
    this.kind[slot] = entry.kind;
    this.text[slot] = entry.text;
    this.note[slot] = entry.note;
    // Entries are built by the engine alone, so freezing them is enough to hand them out safely.
    this.listeners.emit(Object.freeze(entry));
  }

  /** The kept entries, oldest first. */
  entries(): TranscriptEntry[] {
    const kept = this.text.length;
    return Array.from({ length: kept }, (_, i) => this.entry((this.next + i) % kept));
  }

  subscribe(listener: (entry: TranscriptEntry) => void): () => void {
    return this.listeners.add(listener);
  }

  private entry(slot: number): TranscriptEntry {
    const stamp = { mono: this.mono[slot]!, wall: this.wall[slot]!, rig: this.rig[slot]! };
    return Object.freeze(transcriptEntry(stamp, this.dir[slot]!, this.kind[slot]!, this.text[slot]!, this.note[slot]));
  }

  toText(): string {
    const lines = this.entries().map(formatEntry);
    if (this.dropped > 0) lines.unshift(`(${this.dropped} earlier entries not kept)`);
    return lines.join('\n');
  }
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
