// From what `hil run` was asked (its flags, read by cli/run.ts) to a run session: the rig and suite
// files loaded and checked, the results' destination and secrets settled, the bench taken and opened.
// Problems with what was asked are usage errors (exit 2); a bench that cannot be taken or opened is
// the bench's (exit 3). Nothing is written before both are settled, and no report folder for a run
// whose bench never opened.
import { join, resolve } from 'node:path';
import { ConfigError } from '../config/index.ts';
import { asBenchError, UsageError } from '../output/errors.ts';
import { MIN_SECRET_LENGTH, redaction } from '../output/redaction.ts';
import type { CliOutput } from '../output/streams.ts';
import { runResults, type RunResultsFlags } from '../results/run-options.ts';
import { vendorApiSettings } from '../results/vendor-settings.ts';
import { RigController, type RigOverrides } from '../rig/controller.ts';
import { waitForBench } from '../rig/lock.ts';
import { loadRigFile } from '../rig/rig-file.ts';
import { requestedFaults } from '../rig/fault-request.ts';
import { unfitStep } from '../suite/rig-fit.ts';
import { selectSuites, type SuiteFilters } from '../suite/selection.ts';
import { failedSuites } from './rerun.ts';
import { runSession, type SessionOptions } from './session.ts';

export { STANDARD_TAG } from '../suite/selection.ts';

export interface RunRequest {
  rigFile: string;
  suitesDir: string;
  /** Suites named by id or suite file path; with `tags` empty too, the standard suites. */
  suiteIds: string[];
  tags: string[];
  /** How the rig is opened beyond its file: time scale, seed, faults, the declared update. */
  rig: Omit<RigOverrides, 'vendorApi'>;
  reportDir: string | undefined;
  html: boolean;
  history: string | undefined;
  /** Wall time to wait for a busy bench; 0 refuses at once. */
  waitLockMs: number;
  results: RunResultsFlags;
  transcriptEvents: boolean;
  /** --grep, --exclude-tag: what narrows the suites selected. */
  filters?: SuiteFilters;
  /** --rerun-failed: a report folder whose failed suites are the selection. */
  rerunFailed?: string | undefined;
  control?: SessionOptions['control'];
  maxTime?: SessionOptions['maxTime'];
  keep?: number | undefined;
}

export async function startRun(request: RunRequest, out: CliOutput): Promise<number> {
  const config = await asUsage(() => loadRigFile(resolve(request.rigFile)));
  const suiteIds = request.rerunFailed === undefined ? request.suiteIds : await failedSuites(resolve(request.rerunFailed));
  const { suites, skipped } = await selectSuites(resolve(request.suitesDir), suiteIds, request.tags, request.filters);
  await asUsage(async () => requestedFaults(config, request.rig.faults ?? []));
  const unfit = suites.flatMap((suite) => {
    const step = unfitStep(suite, config);
    return step ? [`${suite.file}: ${step.path}: ${step.message}`] : [];
  });
  if (unfit.length > 0) throw new UsageError(`hil run: a selected suite cannot run on this rig:\n  ${unfit.join('\n  ')}`);
  const results = await runResults(request.results, config.name);
  if (redaction.add(results.secrets).length > 0) {
    throw new UsageError(`hil run: a secret named in the lab file is shorter than ${MIN_SECRET_LENGTH} characters: redacting it would garble the reports`);
  }
  const vendorApi = await asUsage(() => vendorApiSettings(request.results['lab-file']));
  const open = () => RigController.open(config, { ...request.rig, ...(vendorApi ? { vendorApi } : {}) });
  const runId = newRunId();
  return runSession({
    runId,
    reportDir: resolve(request.reportDir ?? join('reports', runId)),
    rigFile: resolve(request.rigFile),
    config,
    suites,
    skippedSuiteFiles: skipped,
    openRig: () => (request.waitLockMs > 0 ? waitForBench(open, request.waitLockMs, (text) => out.stdout(`hil run: ${text}`)) : open()).catch((error) => {
      throw asBenchError(new Error(`hil run: ${(error as Error).message}`, { cause: error }));
    }),
    results,
    transcriptEvents: request.transcriptEvents,
    html: request.html,
    history: request.history ? resolve(request.history) : undefined,
    control: request.control ?? {},
    maxTime: request.maxTime,
    keep: request.keep,
    out,
  });
}

async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw new UsageError(`hil run: ${(error as Error).message}`);
  }
}

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

