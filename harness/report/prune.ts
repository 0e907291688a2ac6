// Retention of report folders: whole run folders beyond the newest N, or older than a duration,
// removed from a folder of them. Only a run's report folder goes: a folder with a summary.json
// (which a run writes as it ends, so a run under way is never one) and no history files in it.
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../record/index.ts';
import { allureHistoryPath, NIGHTS_FILE } from './history.ts';
import { REPORT_FILES } from './paths.ts';

export interface PruneOptions {
  /** Keep at least the newest `keep` runs, whatever their age. */
  keep?: number;
  /** Remove only runs that started longer ago than this, in ms. */
  olderThan?: number;
  /** Say what would be removed, and remove nothing. */
  dryRun?: boolean;
  /** Now, in ms since the epoch: what `olderThan` counts back from. */
  now?: number;
}

export interface PrunedRun {
  dir: string;
  runId: string;
  startedAt: string;
}

export interface PruneResult {
  /** Newest first; with `dryRun`, what would have been removed. */
  removed: PrunedRun[];
  kept: PrunedRun[];
  /** Entries of the folder that are no run's report folder, left alone, and why. */
  ignored: { path: string; why: string }[];
}

const exists = (path: string) => lstat(path).then(() => true, () => false);

/** The run whose report folder `dir` is, or why it is none. */
async function runIn(dir: string): Promise<PrunedRun | string> {
  const stats = await lstat(dir);
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (!stats.isDirectory()) return 'not a folder';
  if ((await exists(join(dir, NIGHTS_FILE))) || (await exists(allureHistoryPath(dir)))) return 'a history folder';
  let summary: Partial<RunSummary>;
  try {
    summary = JSON.parse(await readFile(join(dir, REPORT_FILES.summary), 'utf8')) as Partial<RunSummary>;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no ${REPORT_FILES.summary}` : `${REPORT_FILES.summary} unreadable: ${(error as Error).message}`;
  }
  if (typeof summary.runId !== 'string' || typeof summary.startedAt !== 'string' || Number.isNaN(Date.parse(summary.startedAt))) {
    return `${REPORT_FILES.summary} names no run and start`;
  }
  return { dir, runId: summary.runId, startedAt: summary.startedAt };
}

/**
 * Removes from `root` the run report folders beyond the newest `keep` (by their start) that also
 * started longer than `olderThan` ago; with only one of the two, that one decides. Anything in `root`
 * that is no run's report folder stays.
 */
export async function pruneReports(root: string, options: PruneOptions): Promise<PruneResult> {
  const { keep, olderThan, dryRun = false, now = Date.now() } = options;
  if (keep === undefined && olderThan === undefined) throw new Error('expected a number of runs to keep, an age, or both');
  if (await exists(join(root, REPORT_FILES.summary))) throw new Error(`${root} is a run's report folder, not a folder of them`);
  const runs: PrunedRun[] = [];
  const ignored: PruneResult['ignored'] = [];
  for (const name of (await readdir(root)).sort()) {
    const found = await runIn(join(root, name));
    if (typeof found === 'string') ignored.push({ path: join(root, name), why: found });
    else runs.push(found);
  }
  runs.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.dir.localeCompare(a.dir));
  const removed: PrunedRun[] = [];
  const kept: PrunedRun[] = [];
  runs.forEach((run, i) => {
    const beyondNewest = keep === undefined || i >= keep;
    const old = olderThan === undefined || now - Date.parse(run.startedAt) > olderThan;
    (beyondNewest && old ? removed : kept).push(run);
  });
  if (!dryRun) for (const run of removed) await rm(run.dir, { recursive: true });
  return { removed, kept, ignored };
}
