// `hil matrix`: the qualification matrix (module × firmware × suite) of a night, from report folders,
// as offline HTML and JSON, or printed.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { listCompletedResults } from '../lab/queue.ts';
import { matrixFromReports, renderMatrixHtml, TREND_NIGHTS, type Matrix } from '../matrix/index.ts';
import { UsageError } from '../output/errors.ts';
import { printable } from '../output/printable.ts';
import type { CliOutput } from '../output/streams.ts';
import { writeWhole } from '../report/write-failure.ts';
import { parseDuration } from '../time/duration.ts';
import { defined, flagValue } from './flags.ts';

export const MATRIX_USAGE = `usage: hil matrix <report-dir>... | --reports <root> | --queue redis://… [options]

Builds the qualification matrix of a night: one row per module and firmware (as the module named
itself), one column per suite, in each cell the verdict of the night's last run, its figures, its
evidence level, why it did not pass, and the verdicts of the ${TREND_NIGHTS} nights before. A night
is the UTC date a run started. Exits 0 whatever the verdicts; 2 for a folder that is no finished
run's report folder, naming the file.
  --reports DIR       find the report folders (folders with summary.json) under DIR (repeatable)
  --queue URL         the report folders of the lab's completed jobs (hil agent keeps them)
  --lab NAME          the lab whose jobs --queue reads (default: default)
  --since DUR         with --queue, only jobs that finished in the last DUR (24 h, 7 d)
  --night YYYY-MM-DD  the night to show (default: the latest night of the runs read)
  --out DIR           write matrix.html (offline, one file) and matrix.json to DIR
  --json              print the matrix as JSON instead of a table`;

function lines(matrix: Matrix): string[] {
  const rows = matrix.cells.flatMap((c) => {
    const module = matrix.modules.find((m) => m.key === c.module)!;
    const figures = c.figures.map((f) => `${f.name} ${f.value}${f.uncertainty !== undefined ? ` ± ${f.uncertainty}` : ''} ${f.unit}`).join(', ');
    const trend = c.trend.map((t) => t.verdict ?? '-').join(' ');
    return [
      `${module.manufacturer} ${module.model} ${module.firmware}  ${c.suiteId}: ${c.verdict.toUpperCase()}${c.evidence === 'limited' ? ' (limited evidence)' : ''}`,
      ...(figures ? [`    ${figures}`] : []),
      ...(c.reason ? [`    ${c.reason}`] : []),
      ...(trend ? [`    earlier nights: ${trend}`] : []),
    ];
  });
  return [`qualification matrix, night of ${matrix.night}: ${matrix.modules.length} module(s) × ${matrix.suites.length} suite(s)`, ...rows];
}

export async function matrixCommand(args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      reports: { type: 'string', multiple: true }, queue: { type: 'string' }, lab: { type: 'string' }, since: { type: 'string' },
      night: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  const sinceMs = flagValue('hil matrix', '--since', values.since, (text) => parseDuration(text));
  if ((values.lab !== undefined || sinceMs !== undefined) && values.queue === undefined) throw new UsageError('hil matrix: --lab and --since read the lab queue: give --queue too');
  const jobs = values.queue === undefined ? [] : await listCompletedResults(values.queue, defined({ lab: values.lab, since: sinceMs === undefined ? undefined : new Date(Date.now() - sinceMs) }));
  if (values.queue !== undefined && jobs.length === 0) throw new UsageError(`hil matrix: no completed job in the lab queue at ${values.queue}${values.since ? ` in the last ${values.since}` : ''}`);
  if (values.night !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.night)) throw new UsageError(`hil matrix: --night takes a date as YYYY-MM-DD, got "${values.night}"`);
  const matrix = await matrixFromReports(
    { reportDirs: [...positionals.map((d) => resolve(d)), ...jobs.map((job) => job.reportDir)], roots: (values.reports ?? []).map((d) => resolve(d)), skipped: (dir) => out.stderr(printable(`hil matrix: passed over ${dir}: events but no summary.json (a run under way or cut short)`)) },
    values.night === undefined ? {} : { night: values.night },
  );
  if (values.out !== undefined) {
    const dir = resolve(values.out);
    await mkdir(dir, { recursive: true });
    await writeWhole(join(dir, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
    await writeWhole(join(dir, 'matrix.html'), renderMatrixHtml(matrix, dir));
    if (!values.json) out.stdout(`matrix: ${join(dir, 'matrix.html')}`);
  }
  if (values.json) out.stdout(JSON.stringify(matrix, null, 2));
  else for (const line of lines(matrix)) out.stdout(printable(line));
  return 0;
}
