// Nightly history kept in a folder across runs: allure's own history (for the HTML report's trends)
// and one line per run with its figures (for the certificate's table of recent nights).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../record/index.ts';
import { figuresOf, type Figure } from './figures.ts';
import { writeWhole } from './write-failure.ts';

export const NIGHTS_FILE = 'nights.jsonl';
const ALLURE_HISTORY_FILE = 'allure-history.jsonl';
/** Runs the HTML report's trends reach back over. */
export const ALLURE_HISTORY_LIMIT = 60;

export interface Night {
  runId: string;
  date: string;
  status: RunSummary['status'];
  figures: Figure[];
}

export function allureHistoryPath(dir: string): string {
  return join(dir, ALLURE_HISTORY_FILE);
}

async function readNights(path: string): Promise<Night[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Night);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export interface RecordedNight {
  /** The last nights, oldest first, this one included. */
  recent: Night[];
  /** The run was in the history already (its reports are being written again). */
  again: boolean;
}

/** Adds a run to the history, replacing an earlier record of the same run, so reporting a run twice counts it once. */
export async function recordNight(dir: string, summary: RunSummary, count: number): Promise<RecordedNight> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, NIGHTS_FILE);
  const night: Night = { runId: summary.runId, date: summary.startedAt, status: summary.status, figures: figuresOf(summary) };
  const earlier = await readNights(path);
  const nights = [...earlier.filter((n) => n.runId !== night.runId), night].sort((a, b) => a.date.localeCompare(b.date));
  // Written whole and renamed into place: a crash leaves the old history, never half a line.
  await writeWhole(path, nights.map((n) => `${JSON.stringify(n)}\n`).join(''));
  return { recent: nights.slice(-count), again: earlier.length !== nights.length - 1 };
}
