// `hil report <report-dir>`: writes a finished run's reports from its folder, or checks the folder
// against its certificate.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunSummary } from '../record/index.ts';
import { verifyCertificate, type Certificate } from '../report/certificate.ts';
import { REPORT_FILES, TREND_NIGHTS, writeRunReports } from '../report/index.ts';
import { UsageError } from '../output/errors.ts';
import { type CliOutput } from '../output/streams.ts';

export const REPORT_USAGE = `usage: hil report <report-dir> [options]

Writes the reports of the run in <report-dir>, a folder hil run wrote:
  ${REPORT_FILES.junit.padEnd(20)}JUnit XML for CI systems
  ${REPORT_FILES.certificateHtml.padEnd(20)}the certification summary; ${REPORT_FILES.certificateJson} holds it with the
                      hashes of the evidence files it rests on
  ${REPORT_FILES.html.padEnd(20)}the allure report as one file that opens from disk, offline

  --no-html           skip ${REPORT_FILES.html}
  --history DIR       keep allure's history and each run's figures in DIR (the same DIR every night):
                      ${REPORT_FILES.html} then shows trends, the certificate the last ${TREND_NIGHTS} nights
  --verify            write nothing; check the evidence files against ${REPORT_FILES.certificateJson}
                      and its verdicts against ${REPORT_FILES.summary}, and exit 1 if a file was
                      changed, removed or added, or a verdict does not follow from the evidence`;

async function readJson<T>(path: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(`hil report: ${missing ? `no ${what} in ${resolve(path, '..')}` : `${path}: ${(error as Error).message}`}`);
  }
}

async function verify(dir: string, out: CliOutput): Promise<number> {
  const certificate = await readJson<Certificate>(join(dir, REPORT_FILES.certificateJson), REPORT_FILES.certificateJson);
  const problems = await verifyCertificate(dir, certificate);
  if (problems.length > 0) {
    for (const problem of problems) out.stderr(`hil report: ${problem}`);
    out.stderr(`hil report: ${dir} does not match its certificate (digest ${certificate.evidence.digest})`);
    return 1;
  }
  out.stdout(`all ${certificate.evidence.files.length} evidence files match the certificate of run ${certificate.runId} (digest ${certificate.evidence.digest})`);
  return 0;
}

/** A path relative to the working directory when it lies under it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export async function reportCommand(args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'no-html': { type: 'boolean', default: false }, history: { type: 'string' }, verify: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError(`hil report: expected one report folder, got ${positionals.length}\n${REPORT_USAGE}`);
  const dir = resolve(positionals[0]!);
  if (values.verify) return verify(dir, out);
  const summary = await readJson<RunSummary>(join(dir, REPORT_FILES.summary), REPORT_FILES.summary);
  const reports = await writeRunReports({
    reportDir: dir,
    summary,
    html: !values['no-html'],
    ...(values.history ? { history: resolve(values.history) } : {}),
  });
  for (const file of reports.files) out.stdout(`wrote ${shortPath(file)}`);
  out.stdout(`certificate verdict: ${reports.verdict}`);
  return 0;
}
