// The evidence of one test kept beside its allure result: its slice of the AT transcript and its
// timeline picture on disk.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatEntry, type TranscriptEntry } from '../at/index.ts';
import type { TestResult } from '../record/index.ts';
import { timelineFile } from './paths.ts';
import { reportWriteFailure, writeWhole } from './write-failure.ts';

/** The transcript lines between two rig times, as transcript.log writes them. */
export function transcriptSlice(entries: readonly TranscriptEntry[], start: number, end: number): string {
  const lines = entries.filter((e) => e.rig >= start && e.rig <= end).map(formatEntry);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '(no AT traffic during this test)\n';
}

/**
 * Writes a test's timeline into the report folder. A timeline that cannot be written says nothing
 * of the module: the test keeps its verdict and the run hears of the file (write-failure.ts).
 */
export async function saveTimeline(reportDir: string, test: Pick<TestResult, 'suiteId' | 'cycle'>, svg: string): Promise<void> {
  const path = join(reportDir, timelineFile(test));
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeWhole(path, svg);
  } catch (error) {
    reportWriteFailure(path, error as Error);
  }
}
