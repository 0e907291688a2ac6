// The report folder of a new run, made and proved writable before anything on the bench is touched.
// An unwritable folder is the bench's infrastructure failing (exit 3); one that holds a run already is
// a usage error.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchError, UsageError } from '../output/errors.ts';
import { EVENTS_FILE } from '../results/event-log.ts';

/** Resolves with the first folder it had to create (for removal if the run never starts), if any. */
export async function prepareReportFolder(dir: string): Promise<string | undefined> {
  if (existsSync(join(dir, EVENTS_FILE))) throw new UsageError(`hil run: ${dir} already holds the events of a run; give another --report-dir`);
  const probe = join(dir, `.hil-write-check-${process.pid}`);
  try {
    const created = await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe);
    return created;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new BenchError(`hil run: cannot write to the report folder ${dir} (${code ?? message}); give a writable --report-dir`);
  }
}
