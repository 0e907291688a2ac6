// The report folder of a new run, made and proved writable before anything on the bench is touched.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../output/errors.ts';
import { EVENTS_FILE } from '../results/event-log.ts';

export async function prepareReportFolder(dir: string): Promise<void> {
  if (existsSync(join(dir, EVENTS_FILE))) throw new UsageError(`hil run: ${dir} already holds the events of a run; give another --report-dir`);
  const probe = join(dir, `.hil-write-check-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(`hil run: cannot write to the report folder ${dir} (${code ?? message}); give a writable --report-dir`);
  }
}
