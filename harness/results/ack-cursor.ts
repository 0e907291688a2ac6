// events.acked.json, beside events.jsonl: for each broker, the sequence number up to which that
// broker has acknowledged every event of the run. Whatever lies beyond it is sent again.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWhole } from '../report/write-failure.ts';

export const CURSOR_FILE = 'events.acked.json';

export class AckCursor {
  /** Acknowledged sequence numbers beyond the cursor (acks can come back out of order). */
  private readonly ahead = new Set<number>();
  private saving = Promise.resolve();
  private saveQueued = false;
  private saveFailure: Error | undefined;

  private constructor(
    private readonly dir: string,
    /** The broker, as BrokerTarget.key names it. */
    readonly broker: string,
    private readonly byBroker: Record<string, number>,
  ) {}

  static async load(dir: string, broker: string): Promise<AckCursor> {
    return new AckCursor(dir, broker, await readCursors(dir));
  }

  /** Every event up to this sequence number has been acknowledged (0: none). */
  get acked(): number {
    return this.byBroker[this.broker] ?? 0;
  }

  ack(seq: number): void {
    if (seq <= this.acked) return;
    this.ahead.add(seq);
    let cursor = this.acked;
    while (this.ahead.delete(cursor + 1)) cursor++;
    if (cursor === this.acked) return;
    this.byBroker[this.broker] = cursor;
    // Saved in the background; a failure shows at the next awaited save().
    this.save().catch(() => {});
  }

  /** Writes the cursor (coalescing calls made while a write is under way); resolves once it is on disk. */
  save(): Promise<void> {
    if (!this.saveQueued) {
      this.saveQueued = true;
      this.saving = this.saving.then(async () => {
        this.saveQueued = false;
        try {
          this.byBroker[this.broker] = this.acked;
          // Whole or not at all, so a kill mid-write leaves the previous cursor, never half a file.
          await writeWhole(join(this.dir, CURSOR_FILE), `${JSON.stringify(this.byBroker, null, 2)}\n`);
          this.saveFailure = undefined;
        } catch (error) {
          this.saveFailure = error as Error;
        }
      });
    }
    return this.saving.then(() => {
      if (this.saveFailure) throw this.saveFailure;
    });
  }
}

/** The cursors of a report folder by broker; {} when it has none yet. */
export async function readCursors(dir: string): Promise<Record<string, number>> {
  const path = join(dir, CURSOR_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const valid = typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.values(value).every((seq) => Number.isInteger(seq) && (seq as number) >= 0);
  if (!valid) throw new Error(`${path}: expected a map of broker to acknowledged sequence number`);
  return value as Record<string, number>;
}
