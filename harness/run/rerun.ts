// `--rerun-failed <report-dir>`: the suites whose tests failed or broke in an earlier run, read from
// that report folder's summary.json. A repeated suite with one failed cycle is run again whole.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../output/errors.ts';
import type { RunSummary } from '../record/index.ts';
import { REPORT_FILES } from '../report/paths.ts';

/** The ids of the suites that failed or broke in the run reported in `dir`, in the order they ran. */
export async function failedSuites(dir: string): Promise<string[]> {
  const path = join(dir, REPORT_FILES.summary);
  const problem = (text: string) => new UsageError(`hil run: --rerun-failed ${dir}: ${text}`);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw problem(error.code === 'ENOENT' ? `not a report folder: it has no ${REPORT_FILES.summary}` : (error as Error).message);
  });
  let summary: Pick<RunSummary, 'runId' | 'tests'>;
  try {
    summary = JSON.parse(text) as RunSummary;
  } catch {
    throw problem(`${path}: not JSON`);
  }
  if (typeof summary?.runId !== 'string' || !Array.isArray(summary.tests)) throw problem(`${path}: expected a run summary with runId and tests`);
  const failed = summary.tests.filter((t) => t.status === 'failed' || t.status === 'broken').map((t) => t.suiteId);
  if (failed.length === 0) throw problem(`no test failed or broke in run ${summary.runId} (${summary.tests.length} test(s)); nothing to rerun`);
  return [...new Set(failed)];
}
