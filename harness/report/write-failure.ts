// Report files on a folder that may fail under the run (a full disk, a folder made read-only): each
// file is written whole or not at all, and a file that cannot be written is named to whoever ends
// the run, so the run finishes safely instead of crashing, keeping what it wrote before.
import { rename, rm, writeFile } from 'node:fs/promises';

export class ReportWriteError extends Error {
  constructor(readonly path: string, cause: Error) {
    super(`cannot write ${path}: ${cause.message}`);
    this.name = 'ReportWriteError';
  }
}

type Listener = (error: ReportWriteError) => void;
const listeners = new Set<Listener>();

/** Hears of every report file that could not be written while the run goes on; returns the unsubscribe. */
export function onReportWriteFailure(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the listeners that `path` could not be written. */
export function reportWriteFailure(path: string, cause: Error): ReportWriteError {
  const error = cause instanceof ReportWriteError ? cause : new ReportWriteError(path, cause);
  for (const listener of listeners) listener(error);
  return error;
}

/** Writes a file beside its place and renames it there: a failed write leaves the earlier file, never part of one. */
export async function writeWhole(path: string, content: string): Promise<void> {
  const draft = `${path}.tmp`;
  try {
    await writeFile(draft, content);
    await rename(draft, path);
  } catch (error) {
    await rm(draft, { force: true }).catch(() => {});
    throw new ReportWriteError(path, error as Error);
  }
}
