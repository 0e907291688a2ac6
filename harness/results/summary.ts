// summary.json: what ran, on which rig and module, and each test's verdict and measurements.
import { join } from 'node:path';
import { writeWhole } from '../report/write-failure.ts';
import type { RunSummary, TestResult } from '../record/index.ts';

export function totals(tests: TestResult[]): RunSummary['totals'] {
  const count = (status: TestResult['status']) => tests.filter((t) => t.status === status).length;
  return { passed: count('passed'), failed: count('failed'), broken: count('broken'), skipped: count('skipped') };
}

/** Writes summary.json whole or not at all; throws a ReportWriteError naming it. */
export async function writeSummary(reportDir: string, summary: RunSummary): Promise<string> {
  const path = join(reportDir, 'summary.json');
  await writeWhole(path, `${JSON.stringify(summary, null, 2)}\n`);
  return path;
}
