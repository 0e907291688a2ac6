// `hil run`: runs suites on a rig, live on the console, into a report folder.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/index.ts';
import { MIN_SECRET_LENGTH, redaction } from '../output/redaction.ts';
import { RigController } from '../rig/controller.ts';
import { loadRigFile } from '../rig/rig-file.ts';
import { parseUpdateDeclaration, type UpdateDeclaration } from '../rig/update-source.ts';
import { waitForBench } from '../rig/lock.ts';
import { runSession } from '../run/session.ts';
import { parseDuration } from '../time/duration.ts';
import { loadSuites, type Suite } from '../suite/suite-file.ts';
import { UsageError } from '../output/errors.ts';
import { type CliOutput } from '../output/streams.ts';
import { vendorApiSettings } from './vendor-options.ts';
import { RUN_RESULTS_OPTIONS, RUN_RESULTS_USAGE, runResults } from '../results/run-options.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STANDARD_TAG = 'standard';

export const RUN_USAGE = `usage: hil run [options]

Runs suites on a rig (default: the built-in virtual rig) and writes reports/<run-id>/.
  --rig FILE          rig file (default rigs/virtual.yaml)
  --suite ID          run this suite (repeatable); default: every suite tagged "${STANDARD_TAG}"
  --tag TAG           run the suites with this tag (repeatable)
  --suites-dir DIR    where suite files are (default suites/)
  --time-scale N      override the rig's time scale
  --fault NAME        virtual rig only: inject a simulator fault (repeatable)
  --seed N            virtual rig only: seed for the simulator's drawn delays
  --update-pending blocks=N[,imsi=DIGITS]
                      an OTA update is staged for this SIM (in N blocks, switching the IMSI): the suites
                      judge its delivery; on the virtual rig nothing is staged by the suites then
  --no-update-pending no OTA update is staged for this SIM: the parts of suites that need one are skipped
  --report-dir DIR    report folder (default reports/<run-id>)
  --no-html           skip report.html (the allure report as one offline file)
  --history DIR       keep allure's history and each run's figures in DIR (the same DIR every night) for trends
  --wait-lock DUR     if another run holds the bench, wait for it up to DUR of wall time ("10 min") instead of refusing
${RUN_RESULTS_USAGE}`;

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

function selectSuites(all: Suite[], ids: string[], tags: string[]): Suite[] {
  for (const id of ids) {
    if (!all.some((s) => s.id === id)) throw new UsageError(`hil run: no suite "${id}"; known: ${all.map((s) => s.id).join(', ')}`);
  }
  if (ids.length === 0 && tags.length === 0) tags = [STANDARD_TAG];
  return all.filter((s) => ids.includes(s.id) || s.tags.some((t) => tags.includes(t)));
}

function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`hil run: ${flag} takes a positive number, got "${text}"`);
  return value;
}

export async function runCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rig: { type: 'string', default: join(PROJECT_ROOT, 'rigs', 'virtual.yaml') },
      suite: { type: 'string', multiple: true, default: [] },
      tag: { type: 'string', multiple: true, default: [] },
      'suites-dir': { type: 'string', default: join(PROJECT_ROOT, 'suites') },
      'time-scale': { type: 'string' },
      fault: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string' },
      'update-pending': { type: 'string' },
      'no-update-pending': { type: 'boolean', default: false },
      'report-dir': { type: 'string' },
      'no-html': { type: 'boolean', default: false },
      history: { type: 'string' },
      'wait-lock': { type: 'string' },
      ...RUN_RESULTS_OPTIONS,
    },
  });
  let config;
  let suites: Suite[];
  try {
    config = await loadRigFile(resolve(values.rig));
    suites = selectSuites(await loadSuites(resolve(values['suites-dir'])), values.suite, values.tag);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (suites.length === 0) throw new UsageError('hil run: no suite selected');
  if (values.fault.length > 0 && config.serial.path !== 'virtual') throw new UsageError('hil run: --fault applies to the virtual rig only');
  let waitLockMs = 0;
  try {
    if (values['wait-lock'] !== undefined) waitLockMs = parseDuration(values['wait-lock']);
  } catch (error) {
    throw new UsageError(`hil run: --wait-lock: ${(error as Error).message}`);
  }
  const results = await runResults(values, config.name);
  if (redaction.add(results.secrets).length > 0) {
    throw new UsageError(`hil run: a secret named in the lab file is shorter than ${MIN_SECRET_LENGTH} characters: redacting it would garble the reports`);
  }

  const runId = newRunId();
  const timeScale = numberFlag('--time-scale', values['time-scale']);
  const seed = numberFlag('--seed', values.seed);
  const updatePending = updateDeclaration(values['update-pending'], values['no-update-pending']);
  const vendorApi = await vendorApiSettings(values['lab-file']).catch((error: Error) => {
    throw new UsageError(`hil run: ${error.message}`);
  });
  const open = () =>
    RigController.open(config, {
      ...(timeScale ? { timeScale } : {}),
      ...(seed ? { seed } : {}),
      ...(updatePending !== undefined ? { updatePending } : {}),
      ...(vendorApi ? { vendorApi } : {}),
      faults: values.fault,
    });
  return runSession({
    runId,
    reportDir: resolve(values['report-dir'] ?? join('reports', runId)),
    rigFile: resolve(values.rig),
    config,
    suites,
    openRig: () => (waitLockMs > 0 ? waitForBench(open, waitLockMs, (text) => out.stdout(`hil run: ${text}`)) : open()),
    results,
    transcriptEvents: values['transcript-events'],
    html: !values['no-html'],
    history: values.history ? resolve(values.history) : undefined,
    out,
  });
}

function updateDeclaration(pending: string | undefined, none: boolean): UpdateDeclaration | undefined {
  if (pending !== undefined && none) throw new UsageError('hil run: --update-pending and --no-update-pending contradict each other; give one');
  if (none) return false;
  if (pending === undefined) return undefined;
  try {
    return parseUpdateDeclaration(pending);
  } catch (error) {
    throw new UsageError(`hil run: ${(error as Error).message}`);
  }
}
