// `hil run`: runs suites on a rig, live on the console, into a report folder.
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatEntry, formatLine } from '../at/index.ts';
import { ConfigError } from '../config/index.ts';
import { RigController, type ModuleIdentity } from '../rig/controller.ts';
import { loadRigFile } from '../rig/rig-file.ts';
import { describeRun, runningSuite, waitForBench } from '../rig/lock.ts';
import { guardBench, startSafe, type BenchGuard } from '../rig/safe-state.ts';
import { parseDuration } from '../time/duration.ts';
import { EVENTS_FILE } from '../results/event-log.ts';
import { ABORT_DRAIN_MS, RunStream } from '../results/run-stream.ts';
import { totals, writeSummary, type RunSummary } from '../results/summary.ts';
import { writeRunReports } from '../report/index.ts';
import { ConsoleView } from '../suite/console.ts';
import { runSuites, type TestResult } from '../suite/mocha-run.ts';
import { loadSuites, type Suite } from '../suite/suite-file.ts';
import { UsageError, type CliOutput } from './output.ts';
import { RUN_RESULTS_OPTIONS, RUN_RESULTS_USAGE, runResults } from './results-options.ts';

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
  const resultsTo = await runResults(values, config.name);

  const runId = newRunId();
  const reportDir = resolve(values['report-dir'] ?? join('reports', runId));
  if (existsSync(join(reportDir, EVENTS_FILE))) throw new UsageError(`hil run: ${reportDir} already holds the events of a run; give another --report-dir`);
  await mkdir(reportDir, { recursive: true });
  const timeScale = numberFlag('--time-scale', values['time-scale']);
  const seed = numberFlag('--seed', values.seed);
  let rig: RigController;
  describeRun({ id: runId, suites: suites.map((s) => s.id), reportDir });
  try {
    const open = () => RigController.open(config, { ...(timeScale ? { timeScale } : {}), ...(seed ? { seed } : {}), faults: values.fault });
    rig = waitLockMs > 0 ? await waitForBench(open, waitLockMs, (text) => out.stdout(`hil run: ${text}`)) : await open();
  } catch (error) {
    throw new UsageError(`hil run: ${(error as Error).message}`);
  }

  // The transcript streams to disk as it happens, so a crash loses nothing already seen.
  const transcript = createWriteStream(join(reportDir, 'transcript.log'));
  rig.at.transcript.subscribe((entry) => transcript.write(`${formatEntry(entry)}\n`));
  rig.on('note', (text, at) => transcript.write(`${formatLine(Date.now(), at, '--', 'note', text)}\n`));
  rig.on('power', (on, at) => transcript.write(`${formatLine(Date.now(), at, '--', 'power', on ? 'on' : 'off')}\n`));
  try {
    await startSafe(rig);
  } catch (error) {
    await rig.safeState().catch(() => {});
    transcript.end();
    throw new Error(`hil run: cannot bring the bench to its safe state: ${(error as Error).message}`);
  }

  out.stdout(`hil run ${runId}: ${suites.length} suite(s) on rig "${config.name}" (${rig.simulator ? 'virtual module' : config.serial.path}, time scale ${rig.clock.scale})`);
  out.stdout(`report folder: ${reportDir}`);
  const stream = await RunStream.open({
    reportDir, runId, rig, ...resultsTo, transcriptEvents: values['transcript-events'], say: out.stdout, warn: out.stderr,
  });
  const view = new ConsoleView((text) => out.stdout(text.replace(/\n$/, '')), Boolean(process.stdout.isTTY));
  const startedAt = new Date().toISOString();
  const results: TestResult[] = [];
  let identity: ModuleIdentity = {};
  const rigInfo: RunSummary['rig'] = {
    name: config.name,
    file: resolve(values.rig),
    timeScale: rig.clock.scale,
    serial: config.serial.path,
    power: rig.powerDescription,
    module: config.module,
    faults: [...(rig.simulator?.faults ?? [])],
  };
  const summary = (status: RunSummary['status'], abortReason?: string): RunSummary => ({
    runId,
    status,
    ...(abortReason ? { abortReason } : {}),
    startedAt,
    endedAt: new Date().toISOString(),
    rig: rigInfo,
    module: identity,
    totals: totals(results),
    tests: results,
    blindWindows: [...rig.blindWindows],
    ...(rig.portOutages.length > 0 ? { portOutages: [...rig.portOutages] } : {}),
  });
  const guard = guardBench(() => rig.safeState(), async (why) => {
    const aborted = summary('aborted', why);
    await writeSummary(reportDir, aborted);
    await new Promise<void>((done) => transcript.end(done));
    await stream.close(aborted, ABORT_DRAIN_MS);
    // JUnit and an "incomplete" certificate, so a nightly job's reports show the run that broke off.
    await writeRunReports({ reportDir, summary: aborted, html: false }).catch((error: Error) => out.stderr(`hil run: no reports for the aborted run: ${error.message}`));
  });

  stream.started({ rig: rigInfo, suites: suites.map((s) => ({ id: s.id, title: s.title, tags: s.tags })) });
  try {
    try {
      identity = await readIdentity(rig);
      stream.recorder.identified(identity);
      out.stdout(`module: ${[identity.manufacturer, identity.model, identity.firmware].filter(Boolean).join(' ') || 'unknown'}; IMEI ${identity.imei ?? '?'}, ICCID ${identity.iccid ?? '?'}, IMSI ${identity.imsi ?? '?'}`);
      // The bench lock names the suite running now, for whoever finds the bench busy.
      const listener = {
        ...stream.recorder.listener,
        testStarted: (suite: Suite) => {
          runningSuite(suite.id);
          stream.recorder.listener.testStarted?.(suite);
        },
      };
      results.push(...(await runSuites({ rig, suites, allureResultsDir: join(reportDir, 'allure-results'), view, listener, module: identity })));
    } catch (error) {
      if (!guard.aborted()) throw error;
    } finally {
      if (!guard.aborted()) await finishRun(rig, guard, transcript, reportDir);
    }
    // After a signal or crash the guard owns the ending: it writes the partial report and exits.
    if (guard.aborted()) return new Promise<number>(() => {});
    const final = summary(results.every((r) => r.status === 'passed') ? 'passed' : 'failed');
    await writeSummary(reportDir, final);
    const t = final.totals;
    out.stdout('');
    out.stdout(`${t.passed} passed, ${t.failed + t.broken} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`);
    out.stdout(`summary: ${join(reportDir, 'summary.json')}`);
    await stream.close(final);
    // After the stream has closed, so that events.jsonl is complete when the evidence is hashed.
    const reports = await writeRunReports({ reportDir, summary: final, html: !values['no-html'], ...(values.history ? { history: resolve(values.history) } : {}) });
    out.stdout(`certificate: ${join(reportDir, 'certificate.html')} (${reports.verdict})`);
    return final.status === 'passed' ? 0 : 1;
  } catch (error) {
    // Whatever stopped the run, the results stream closes: an embedded broker would keep the process up.
    await stream.close(summary('aborted', (error as Error).message));
    throw error;
  }
}

/** The normal end of a run: the bench to its safe state, the transcript and ground truth on disk. */
async function finishRun(rig: RigController, guard: BenchGuard, transcript: WriteStream, reportDir: string): Promise<void> {
  guard.release();
  await rig.safeState();
  await new Promise<void>((done) => transcript.end(done));
  if (rig.simulator) await writeFile(join(reportDir, 'ground-truth.json'), `${JSON.stringify(rig.simulator.truth.toJSON(), null, 2)}\n`);
}

/** Boots the module once to read who it is; the suites then start from whatever power state they ask for. */
async function readIdentity(rig: RigController): Promise<ModuleIdentity> {
  await rig.powerOn();
  await rig.waitReady();
  const identity = await rig.identity();
  await rig.powerOff();
  return identity;
}
