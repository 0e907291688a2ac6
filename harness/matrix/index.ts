// The qualification matrix from report folders: found under a root or given one by one (a lab job's
// report folder, say), read, checked and built into a matrix for one night.
import { buildMatrix, type Matrix, type MatrixOptions } from './matrix.ts';
import { checkFolder, findReportFolders, readRun } from './runs.ts';
import { UsageError } from '../output/errors.ts';

export { renderMatrixHtml } from './html.ts';
export { readRun, type MatrixRun } from './runs.ts';
export { buildMatrix, MATRIX_FORMAT, TREND_NIGHTS, type Matrix, type MatrixCell, type MatrixModule } from './matrix.ts';

export interface MatrixSources {
  /** Report folders, each of one finished run. */
  reportDirs: string[];
  /** Folders searched for report folders. */
  roots: string[];
  /** Told of each folder under a root passed over (events, no summary: a run under way or cut short). */
  skipped?: (dir: string) => void;
}

export async function matrixFromReports(sources: MatrixSources, options: MatrixOptions = {}): Promise<Matrix> {
  const found: string[] = [];
  for (const root of sources.roots) {
    const dirs = await findReportFolders(await checkFolder(root), sources.skipped ?? (() => {}));
    if (dirs.length === 0) throw new UsageError(`hil matrix: --reports ${root}: no report folder (a folder with summary.json) under it`);
    found.push(...dirs);
  }
  for (const dir of sources.reportDirs) found.push(await checkFolder(dir));
  const dirs = [...new Set(found)];
  if (dirs.length === 0) throw new UsageError('hil matrix: no report folder given: name report folders, or a root with --reports');
  const runs = await Promise.all(dirs.map(readRun));
  try {
    return buildMatrix(runs, options);
  } catch (error) {
    throw new UsageError(`hil matrix: ${(error as Error).message}`);
  }
}
