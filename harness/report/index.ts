// The reports people read, written from a finished run's folder: JUnit XML, the certification
// summary (JSON and HTML) and the allure report as one offline HTML file, with nightly trends when
// the run keeps a history folder. Per-test timelines are written while the tests run (mocha-run).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../record/index.ts';
import { generateAllureHtml } from './allure-html.ts';
import { writeAllureMetrics } from './allure-metrics.ts';
import { buildCertificate, isVirtualRig, type OverallVerdict } from './certificate.ts';
import { renderCertificateHtml } from './certificate-html.ts';
import { hashEvidence } from './evidence.ts';
import { allureHistoryPath, recordNight } from './history.ts';
import { renderJunit } from './junit.ts';
import { REPORT_FILES } from './paths.ts';
import { imsiReadings } from './transcript-file.ts';
import { writeWhole } from './write-failure.ts';

export { REPORT_FILES } from './paths.ts';
export { verifyEvidence } from './evidence.ts';
export { keepRunInputs } from './run-inputs.ts';

/** Nights the certificate's trend table shows. */
export const TREND_NIGHTS = 14;

export interface RunReportOptions {
  reportDir: string;
  summary: RunSummary;
  /** Also generate report.html (the allure report, one file); takes a second or two. */
  html: boolean;
  /** A folder kept from run to run: allure's history and each run's figures, for the trends. */
  history?: string;
}

export interface RunReports {
  verdict: OverallVerdict;
  /** Paths written, in the report folder. */
  files: string[];
}

function variables(summary: RunSummary): Record<string, string> {
  const { module: m, rig } = summary;
  const entries: [string, string | undefined][] = [
    ['Module', [m.manufacturer, m.model].filter(Boolean).join(' ') || undefined],
    ['Firmware', m.firmware],
    ['IMEI', m.imei],
    ['ICCID', m.iccid],
    ['Rig', `${rig.name} (${isVirtualRig(rig) ? 'virtual module' : rig.serial}, time scale ${rig.timeScale})`],
    ['Faults', rig.faults.join(', ') || undefined],
    ['Run', summary.runId],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined));
}

export async function writeRunReports(options: RunReportOptions): Promise<RunReports> {
  const { reportDir, summary } = options;
  const path = (name: string) => join(reportDir, name);
  const resultsDir = path(REPORT_FILES.allureResults);
  const hasResults = existsSync(resultsDir);
  const files: string[] = [];
  const write = async (name: string, content: string) => {
    await writeWhole(path(name), content);
    files.push(path(name));
  };

  if (hasResults) await writeAllureMetrics(resultsDir, summary);
  await write(REPORT_FILES.junit, renderJunit(summary));
  const historyDir = options.history;
  const history = historyDir ? await recordNight(historyDir, summary, TREND_NIGHTS) : undefined;
  // Hashed after everything the certificate vouches for is written, before the certificate itself.
  const evidence = await hashEvidence(reportDir);
  const imsiAfter = (await imsiReadings(path(REPORT_FILES.transcript))).at(-1)?.imsi;
  const certificate = await buildCertificate({ summary, evidence, reportDir, ...(imsiAfter ? { imsiAfter } : {}), ...(history ? { recentNights: history.recent } : {}) });
  await write(REPORT_FILES.certificateJson, `${JSON.stringify(certificate, null, 2)}\n`);
  await write(REPORT_FILES.certificateHtml, renderCertificateHtml(certificate));
  if (options.html && hasResults) {
    await generateAllureHtml({
      resultsDir,
      output: path(REPORT_FILES.html),
      reportName: `sim-ota-hil ${summary.runId}`,
      variables: variables(summary),
      // A run reported again reads the history but adds no second point for itself.
      ...(historyDir && history ? { history: { path: allureHistoryPath(historyDir), append: !history.again } } : {}),
    });
    files.push(path(REPORT_FILES.html));
  }
  return { verdict: certificate.verdict, files };
}
