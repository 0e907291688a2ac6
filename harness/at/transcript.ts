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
  /** A ring of the newest entries: `next` is where the next one goes once the ring is full. */
  private readonly ring: TranscriptEntry[] = [];
  private next = 0;
  private dropped = 0;
  private readonly listeners = new Listeners<TranscriptEntry>();

  /** @param limit entries kept in memory (the oldest go first); subscribers see every entry. */
  constructor(private readonly limit = 20_000) {}

  record(entry: TranscriptEntry): void {
    // Entries are built by the engine alone, so freezing them is enough to hand them out safely.
    const frozen = Object.freeze(entry);
    if (this.ring.length < this.limit) {
      this.ring.push(frozen);
    } else {
      this.ring[this.next] = frozen;
      this.next = (this.next + 1) % this.limit;
      this.dropped++;
    }
    this.listeners.emit(frozen);
  }

  /** The kept entries, oldest first. */
  entries(): TranscriptEntry[] {
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  subscribe(listener: (entry: TranscriptEntry) => void): () => void {
    return this.listeners.add(listener);
  }

  toText(): string {
    const lines = this.entries().map(formatEntry);
    if (this.dropped > 0) lines.unshift(`(${this.dropped} earlier entries not kept)`);
    return lines.join('\n');
  }
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
