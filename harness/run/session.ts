// The life of one `hil run` once its flags are read: the report folder proved writable before
// anything is powered, the bench taken (its lock) and driven to its safe state, the suites run. However
// the run ends (normally, by a signal or crash, by a failure outside any test, by a report file that
// cannot be written) the bench goes to its safe state first, recorded in the transcript and the
// events, then the summary, JUnit XML and certificate are written, the lock released and the ending said.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { dirname, join } from 'node:path';
import { formatEntry, formatLine } from '../at/index.ts';
import { BenchError, EXIT } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import type { RunResults } from '../results/run-options.ts';
import type { ModuleIdentity, RunSummary, SkippedSuiteFile, TestResult } from '../record/index.ts';
import { keepRunInputs, writeRunReports } from '../report/index.ts';
import { REPORT_FILES } from '../report/paths.ts';
import { pruneReports } from '../report/prune.ts';
import { TestEvidenceWriter } from '../report/test-evidence.ts';
import { onReportWriteFailure, reportWriteFailure, writeWhole } from '../report/write-failure.ts';
import { redaction } from '../output/redaction.ts';
import { ABORT_DRAIN_MS, DRAIN_MS, RunStream } from '../results/run-stream.ts';
import { totals, writeSummary } from '../results/summary.ts';
import type { RigController } from '../rig/controller.ts';
import { describeRun, runningSuite } from '../rig/lock.ts';
import { packagesNow } from '../rig/update-source.ts';
import type { Rig as RigConfig } from '../rig/rig-file.ts';
import { guardBench, startSafe, type BenchGuard } from '../rig/safe-state.ts';
import { ConsoleView } from '../suite/console.ts';
import { runSuites, type SuiteRunOptions } from '../suite/mocha-run.ts';
import type { Suite } from '../suite/suite-file.ts';
import { prepareReportFolder } from './report-folder.ts';
import { TestProgress } from './test-progress.ts';

export interface SessionOptions {
  runId: string;
  reportDir: string;
  rigFile: string;
  config: RigConfig;
  suites: Suite[];
  /** Broken suite files skipped; one the run would have run makes a passed run exit 2. */
  skippedSuiteFiles: SkippedSuiteFile[];
  /** Takes the bench (its lock) and opens it, waiting for it if asked to. */
  openRig(): Promise<RigController>;
  results: RunResults;
  transcriptEvents: boolean;
  html: boolean;
  history: string | undefined;
  /** How the tests are run: --bail, --retries. */
  control: Pick<SuiteRunOptions, 'bail' | 'retries'>;
  /** --max-time: the wall time the run may take, and the flag's words for it. */
  maxTime: { ms: number; text: string } | undefined;
  /** --keep: after a run that ended normally, only the newest this many run folders beside its own stay. */
  keep?: number | undefined;
  out: CliOutput;
}

type Ending = RunSummary['status'];

export async function runSession(options: SessionOptions): Promise<number> {
  const created = await prepareReportFolder(options.reportDir);
  describeRun({ id: options.runId, suites: options.suites.map((s) => s.id), reportDir: options.reportDir });
  let rig: RigController;
  try {
    rig = await options.openRig();
  } catch (error) {
    // A run that never started leaves no report folder behind.
    if (created) await rm(created, { recursive: true, force: true });
    throw error;
  }
  return new RunSession(rig, options).run();
}

class RunSession {
  private readonly guard: BenchGuard;
  private readonly transcript: WriteStream;
  private readonly progress: TestProgress;
  private readonly startedAt = new Date().toISOString();
  private readonly stopHearingFailures: () => void;
  private stream: RunStream | undefined;
  private identity: ModuleIdentity = {};
  private simPackages: NonNullable<RunSummary['simPackages']> = {};
  private safe: Promise<string | undefined> | undefined;
  private ending: Promise<number> | undefined;
  /** A report file that could not be written ended the run. */
  private writeFailed = false;
  /** The bench (its safe state at the start, the results stream) failed the run, not the device. */
  private benchFailed = false;
  /** Every test the run holds, in order, once the suites start. */
  private planned: readonly TestResult[] = [];
  /** Set when --max-time ended the run. */
  private timedOut = false;
  private maxTimer: NodeJS.Timeout | undefined;
  /** What the ending of a run taken down is doing, for a second Ctrl-C. */
  private shutdown: 'safe state' | 'report' | undefined;

  constructor(private readonly rig: RigController, private readonly options: SessionOptions) {
    this.progress = new TestProgress(() => rig.clock.now());
    // From here on the run has started: whatever ends it, it ends through end().
    this.guard = guardBench(
      (why) => this.toSafeState(why),
      async (why) => void (await this.end(this.writeFailed || this.timedOut ? 'incomplete' : 'aborted', why, this.timedOut ? this.withNotRun(why) : undefined)),
    );
    this.stopHearingFailures = onReportWriteFailure((error) => {
      this.warn(`hil run: ${error.message}`);
      if (this.ending) return;
      this.writeFailed = true;
      this.guard.abort(error.message, EXIT.bench);
    });
    // The transcript streams to disk as it happens, so a crash loses nothing already seen.
    const path = join(options.reportDir, REPORT_FILES.transcript);
    this.transcript = createWriteStream(path).on('error', (error) => reportWriteFailure(path, error));
    const write = (line: string) => this.transcript.writable && this.transcript.write(`${redaction.text(line)}\n`);
    rig.at.transcript.subscribe((entry) => write(formatEntry(entry)));
    rig.on('note', (text, at) => write(formatLine(Date.now(), at, '--', 'note', text)));
    rig.on('power', (on, at) => write(formatLine(Date.now(), at, '--', 'power', on ? 'on' : 'off')));
  }

  private say(text: string): void {
    this.options.out.stdout(redaction.text(text));
  }

  private warn(text: string): void {
    this.options.out.stderr(redaction.text(text));
  }

  async run(): Promise<number> {
    const { rig, options } = this;
    if (options.maxTime) this.maxTimer = setTimeout(() => this.timeIsUp(), options.maxTime.ms).unref();
    try {
      this.stream = await RunStream.open({
        reportDir: options.reportDir, runId: options.runId, rig, scope: options.results.scope, broker: options.results.broker, transcriptEvents: options.transcriptEvents,
        say: (text) => this.say(text), warn: (text) => this.warn(text),
      });
    } catch (error) {
      this.benchFailed = true;
      return this.end('incomplete', `cannot start the results stream: ${(error as Error).message}`);
    }
    this.stream.started({ rig: this.rigInfo(), suites: options.suites.map((s) => ({ id: s.id, title: s.title, tags: s.tags })) });
    try {
      await keepRunInputs(options.reportDir, options.rigFile, options.suites);
      await startSafe(rig).catch((error: Error) => {
        throw new BenchError(`cannot bring the bench to its safe state at the start: ${error.message}`);
      });
      this.say(`hil run ${options.runId}: ${options.suites.length} suite(s) on rig "${options.config.name}" (${rig.simulator ? 'virtual module' : options.config.serial.path}, time scale ${rig.clock.scale})`);
      this.say(`report folder: ${options.reportDir}`);
      this.warnSkipped();
      this.identity = await readIdentity(rig);
      this.stream.recorder.identified(this.identity);
      this.simPackages.before = await packagesNow(rig.updates);
      const id = this.identity;
      this.say(`module: ${[id.manufacturer, id.model, id.firmware].filter(Boolean).join(' ') || 'unknown'}; IMEI ${id.imei ?? '?'}, ICCID ${id.iccid ?? '?'}, IMSI ${id.imsi ?? '?'}`);
      const recorder = this.stream.recorder.listener;
      // The bench lock names the suite running now, for whoever finds the bench busy.
      const listener = this.progress.follow({ ...recorder, testStarted: (suite) => (runningSuite(suite.id), recorder.testStarted?.(suite)) });
      // Quiet once the run is being ended: the test under way then fails for want of a port, not of the module.
      const live = options.out.live?.bind(options.out);
      const view = new ConsoleView(
        { stdout: (text) => this.safe === undefined && this.say(text), live: live && ((text) => this.safe === undefined && live(redaction.text(text))) },
        options.out.colour === true,
      );
      const results = await runSuites({
        rig,
        suites: options.suites,
        allureResultsDir: join(options.reportDir, REPORT_FILES.allureResults),
        view,
        listener,
        module: this.identity,
        evidence: () => new TestEvidenceWriter(rig, options.reportDir),
        planned: (tests) => (this.planned = tests),
        ...options.control,
      });
      return await this.endUnlessAborted(results.every((r) => r.status === 'passed') ? 'passed' : 'failed', undefined, results);
    } catch (error) {
      if (error instanceof BenchError) this.benchFailed = true;
      return this.endUnlessAborted('incomplete', (error as Error).message);
    }
  }

  /**
   * After a signal, a crash or a write failure the guard owns the ending, even when the tests end
   * first (failing once the port is closed): it writes the partial report and exits.
   */
  private endUnlessAborted(status: Ending, reason?: string, results?: TestResult[]): Promise<number> {
    if (this.guard.aborted()) return new Promise<number>(() => {});
    return this.end(status, reason, results);
  }

  /** --max-time is over: the run is taken down as a signal would, but ends incomplete (exit 4). */
  private timeIsUp(): void {
    if (this.ending || this.guard.aborted()) return;
    this.timedOut = true;
    this.guard.abort(`max time ${this.options.maxTime!.text} reached`, EXIT.incomplete);
  }

  /** The record so far, and every test not yet started as not run for `why`. */
  private withNotRun(why: string): TestResult[] {
    const tests = this.progress.tests;
    const rest = this.planned.slice(tests.length).map((t) => ({ ...structuredClone(t), status: 'skipped' as const, error: `not run: ${why}` }));
    return [...tests, ...rest];
  }

  /** A second Ctrl-C while a run taken down is ending: the safe state is not given up. */
  private readonly stillEnding = () => {
    const state = this.rig.config.safeState;
    if (this.shutdown === 'safe state') this.warn(`hil run: still ${safeStateDoing(state)}; the run ends once the bench is safe (the safe state is not given up)`);
    else this.warn(`hil run: the bench is safe; still writing the report to ${this.options.reportDir}`);
  };

  /** Ends the run once, however many ways it is asked to. */
  private end(status: Ending, reason?: string, results?: TestResult[]): Promise<number> {
    this.ending ??= this.finish(status, reason, results);
    return this.ending;
  }

  /** The bench to its safe state, once, saying so in the transcript and the events; resolves with what went wrong. */
  private toSafeState(why: string): Promise<string | undefined> {
    // The record of the tests ends here: a test failing once its port is closed says nothing of the module.
    this.progress.stop(why);
    this.safe ??= (async () => {
      const { rig } = this;
      if (this.guard.aborted()) {
        // Said at once: whoever pressed Ctrl-C sees what the run is doing, and a second one is answered.
        this.shutdown = 'safe state';
        this.warn(`hil run: ${why}: ${safeStateDoing(rig.config.safeState)}… then writing the report`);
        process.on('SIGINT', this.stillEnding);
      }
      const state = rig.config.safeState;
      const target = state === 'leave' ? 'leaving the bench as it is (safe state "leave")' : `switching the bench to its safe state (power ${state})`;
      rig.note(`${why}: ${target}`);
      try {
        await rig.safeState();
      } catch (error) {
        const message = `could not bring the bench to its safe state: ${(error as Error).message}`;
        rig.note(message);
        return message;
      }
      rig.note(state === 'leave' ? 'bench left as it is' : `bench in its safe state: power ${state}`);
      return undefined;
    })();
    return this.safe;
  }

  private async finish(status: Ending, reason: string | undefined, results: TestResult[] | undefined): Promise<number> {
    const { options, rig } = this;
    clearTimeout(this.maxTimer);
    const unsafe = await this.toSafeState(reason ?? `the run ${status}`);
    if (this.shutdown) {
      this.shutdown = 'report';
      this.warn(`hil run: ${unsafe ?? 'bench safe'}; writing the report…`);
    }
    const tests = results ?? this.progress.tests;
    if (unsafe) {
      if (status === 'passed' || status === 'failed') status = 'incomplete';
      reason = reason ? `${reason}; ${unsafe}` : unsafe;
    }
    const problems: string[] = [];
    const attempt = <T>(work: () => Promise<T>) => work().catch((error: Error) => void problems.push(error.message));
    this.transcript.end();
    await finished(this.transcript).catch(() => {});
    if (rig.simulator) {
      const truth = rig.simulator.truth.toJSON();
      await attempt(() => writeWhole(join(options.reportDir, REPORT_FILES.groundTruth), `${JSON.stringify(truth, null, 2)}\n`));
    }
    // Asked only of a run that ended normally: an interrupted one must not wait on the vendor's API.
    if (status === 'passed' || status === 'failed') this.simPackages.after = await packagesNow(rig.updates);
    const summary = redaction.value(this.summary(status, reason, tests));
    const summaryPath = await attempt(() => writeSummary(options.reportDir, summary));
    const normal = status === 'passed' || status === 'failed';
    // Then the broker, for a bounded time; after it the reports, so that events.jsonl is complete when hashed.
    await this.stream?.close(summary, normal ? DRAIN_MS : ABORT_DRAIN_MS);
    const history = normal && options.history ? { history: options.history } : {};
    const reports = await attempt(() => writeRunReports({ reportDir: options.reportDir, summary, html: normal && options.html, ...history }));
    this.stopHearingFailures();
    this.guard.release();
    process.off('SIGINT', this.stillEnding);
    this.tell(summary, { summary: summaryPath, verdict: reports?.verdict }, problems);
    if (normal && options.keep !== undefined) await this.prune(options.keep);
    return this.exitCode(status, tests, Boolean(unsafe) || problems.length > 0);
  }

  /** --keep: the older run folders beside this one removed; a failure to is said, and leaves the verdict alone. */
  private async prune(keep: number): Promise<void> {
    const root = dirname(this.options.reportDir);
    try {
      const { removed } = await pruneReports(root, { keep });
      if (removed.length > 0) this.say(`pruned ${removed.length} older report folder(s) from ${root}, keeping the newest ${keep}`);
    } catch (error) {
      this.warn(`hil run: --keep ${keep}: could not prune ${root}: ${(error as Error).message}`);
    }
  }

  /** The bench before the device: a run whose bench failed exits 3 whatever its tests said. */
  private exitCode(status: Ending, tests: readonly TestResult[], benchProblems: boolean): number {
    if (benchProblems || this.benchFailed || tests.some((t) => t.cause === 'bench')) return EXIT.bench;
    if (status === 'passed') return this.options.skippedSuiteFiles.some((s) => s.selected) ? EXIT.usage : EXIT.passed;
    if (status === 'failed') return EXIT.failed;
    return EXIT.incomplete;
  }

  /** What happened, on the console. */
  private tell(summary: RunSummary, written: { summary: string | undefined; verdict: string | undefined }, problems: string[]): void {
    const t = summary.totals;
    const dir = this.options.reportDir;
    this.say('');
    const notRun = summary.tests.filter((test) => test.error?.startsWith('not run:')).length;
    const flaky = summary.tests.filter((test) => test.flaky).length;
    const rest = [t.skipped - notRun && `${t.skipped - notRun} skipped`, notRun && `${notRun} not run`, flaky && `${flaky} flaky (passed on a retry)`].filter(Boolean);
    if (summary.status === 'passed' || summary.status === 'failed') this.say([`${t.passed} passed, ${t.failed + t.broken} failed`, ...rest].join(', '));
    else this.warn(`hil run: run ${summary.status}: ${summary.abortReason}; ${t.passed + t.failed + t.broken} test(s) finished (${t.passed} passed), partial report in ${dir}`);
    for (const problem of problems) this.warn(`hil run: ${problem}`);
    this.warnSkipped();
    if (written.summary) this.say(`summary: ${written.summary}`);
    if (written.verdict) this.say(`certificate: ${join(dir, REPORT_FILES.certificateHtml)} (${written.verdict})`);
  }

  /** Each broken suite file skipped, with its problems, on stderr. */
  private warnSkipped(): void {
    for (const skipped of this.options.skippedSuiteFiles) {
      const which = skipped.selected ? 'a suite this run would have run' : 'not selected';
      this.warn(`hil run: skipped the broken suite file ${skipped.file} (${which}):\n${skipped.problems.map((p) => `  ${p}`).join('\n')}`);
    }
  }

  private rigInfo(): RunSummary['rig'] {
    const { rig, options } = this;
    return {
      name: options.config.name,
      file: options.rigFile,
      timeScale: rig.clock.scale,
      serial: options.config.serial.path,
      power: rig.powerDescription,
      module: options.config.module,
      faults: [...(rig.simulator?.faults ?? [])],
      toolkit: rig.activeToolkit ? 'active' : 'passive',
      evidence: rig.evidenceLevel,
      updates: rig.updates.name,
    };
  }

  private summary(status: Ending, reason: string | undefined, tests: TestResult[]): RunSummary {
    const { rig } = this;
    return {
      runId: this.options.runId,
      status,
      ...(reason ? { abortReason: reason } : {}),
      startedAt: this.startedAt,
      endedAt: new Date().toISOString(),
      rig: this.rigInfo(),
      module: this.identity,
      ...(this.simPackages.before || this.simPackages.after ? { simPackages: this.simPackages } : {}),
      ...(this.options.skippedSuiteFiles.length > 0 ? { skippedSuiteFiles: this.options.skippedSuiteFiles } : {}),
      totals: totals(tests),
      tests,
      blindWindows: [...rig.blindWindows],
      ...(rig.portOutages.length > 0 ? { portOutages: [...rig.portOutages] } : {}),
    };
  }
}

function safeStateDoing(state: RigConfig['safeState']): string {
  return state === 'off' ? 'switching the module off' : state === 'on' ? 'switching the module on (its safe state)' : 'leaving the bench as it is (safe state "leave")';
}

/** Boots the module once to read who it is; the suites then start from whatever power state they ask for. */
async function readIdentity(rig: RigController): Promise<ModuleIdentity> {
  await rig.powerOn();
  await rig.waitReady();
  const identity = await rig.identity();
  await rig.powerOff();
  return identity;
}
