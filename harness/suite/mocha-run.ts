// Runs declarative suites as mocha tests, with chai assertions and allure steps, parameters,
// labels and attachments. One suite is one test; its steps are allure steps.
import { createRequire } from 'node:module';
import Mocha from 'mocha';
import * as allure from 'allure-js-commons';
import { BenchError } from '../output/errors.ts';
import type { MeasuredValue, MeasurementStatistics, ModuleIdentity, RunListener, StepResult, TestResult, TestStatus } from '../record/index.ts';
import type { RigController } from '../rig/controller.ts';
import { formatDuration } from '../time/duration.ts';
import type { ConsoleView } from './console.ts';
import { describeLimits, summarize } from './measurements.ts';
import { describeStep, runStep } from './steps.ts';
import type { Step, Suite } from './suite-file.ts';

/** A file a test's allure result carries. */
export interface TestAttachment {
  name: string;
  content: string;
  contentType: string;
}

/**
 * Follows one test for its evidence (the transcript slice, the sessions, the timeline picture): told
 * of each step, and at the end given the test's outcome, it hands back what the allure result attaches.
 */
export interface TestEvidence {
  stepStarting(step: Step): void;
  stepEnded(): void;
  finish(outcome: TestResult): Promise<TestAttachment[]>;
}

export interface SuiteRunOptions {
  rig: RigController;
  suites: Suite[];
  allureResultsDir: string;
  view: ConsoleView;
  listener?: RunListener;
  /** The module under test, for the allure labels. */
  module?: ModuleIdentity;
  /** Starts following a test for its evidence; without it a test attaches only its figures. */
  evidence?: () => TestEvidence;
  /** Runs again a test that broke on a bench error, up to this many times, the power off first; never one the module failed. */
  retries?: number;
  /** After the first test that fails or breaks, the rest are not run. */
  bail?: boolean;
  /** Told, before any runs, of every test the run will hold, in order (each filled in as it runs). */
  planned?(tests: readonly TestResult[]): void;
}

const require = createRequire(import.meta.url);

function statusOf(error: unknown): TestStatus {
  return (error as { name?: string } | undefined)?.name === 'AssertionError' ? 'failed' : 'broken';
}

function parameterText(m: MeasuredValue): string {
  return `${m.value}${m.uncertainty !== undefined ? ` ± ${m.uncertainty}` : ''} ${m.unit} (limits ${describeLimits(m)}; ${m.verdict})`;
}

/** Measured values change every run: kept out of the allure history id, so a test's history carries across runs. */
const MEASURED = { excluded: true } as const;

async function moduleLabels(module: ModuleIdentity | undefined): Promise<void> {
  const model = [module?.manufacturer, module?.model].filter(Boolean).join(' ');
  if (model) await allure.label('module', model);
  if (module?.firmware) await allure.label('firmware', module.firmware);
}

/** Runs a suite's steps once; `judgeLimits` fails the test on a measurement outside its limits. */
async function runSuite(suite: Suite, options: SuiteRunOptions, result: TestResult, judgeLimits: boolean): Promise<void> {
  const { rig, view } = options;
  await allure.label('suite', suite.id);
  await allure.tags(...suite.tags);
  await allure.description(`${suite.requirement.text}\n\n— ${suite.requirement.source}`);
  if (rig.simulator) await allure.label('rig', `${rig.config.name} (virtual module)`);
  else await allure.label('rig', rig.config.name);
  await moduleLabels(options.module);
  const context = {
    rig,
    suite,
    // Streamed as they are taken, so a watcher sees figures during a long suite, not at its end.
    measured: (m: MeasuredValue) => {
      result.measurements.push(m);
      options.listener?.measured?.(suite, m);
    },
    captures: new Map<string, string>(),
    progress: (text: string) => view.progress(text),
    limited: (text: string) => {
      const limitations = (result.limitations ??= []);
      if (limitations.includes(text)) return;
      limitations.push(text);
      view.line(`    limited evidence: ${text}`);
    },
    update: undefined,
  };
  const evidence = options.evidence?.();
  let failure: Error | undefined;
  try {
    for (const step of suite.steps) {
      const title = describeStep(step, rig.config.sim.otaApn);
      const startedAt = rig.clock.now();
      const stepResult: StepResult = { title, status: 'passed', startedAt, endedAt: startedAt };
      result.steps.push(stepResult);
      evidence?.stepStarting(step);
      try {
        await allure.step(title, async (stepContext) => {
          try {
            await runStep(step, context);
          } finally {
            // allure times steps by the wall clock; the suite's durations are rig time, so the title carries them.
            const now = rig.clock.now();
            await stepContext.displayName(`${title} · ${formatDuration(now - startedAt)} rig time`);
            await stepContext.parameter('rig time', `${formatDuration(startedAt)} → ${formatDuration(now)}`);
          }
        });
      } catch (error) {
        stepResult.status = statusOf(error);
        stepResult.error = (error as Error).message;
        throw error;
      } finally {
        stepResult.endedAt = rig.clock.now();
        evidence?.stepEnded();
        view.step(title, stepResult.status === 'passed', stepResult.endedAt - startedAt);
        options.listener?.stepEnded?.(suite, stepResult);
      }
    }
    const failed = result.measurements.filter((m) => m.verdict === 'fail');
    if (judgeLimits && failed.length > 0) {
      const { assert } = await import('chai');
      assert.fail(failed.map((m) => `${m.name} = ${m.value} ${m.unit}, outside ${describeLimits(m)}`).join('; '));
    }
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    for (const m of result.measurements) {
      view.measurement(m);
      await allure.parameter(m.name, parameterText(m), MEASURED);
    }
    if (result.limitations?.length) {
      await allure.label('evidence', 'limited');
      await allure.attachment('limited evidence', result.limitations.map((text) => `- ${text}`).join('\n'), { contentType: 'text/plain' });
    }
    const outcome = { ...result, status: failure ? statusOf(failure) : 'passed', ...(failure ? { error: failure.message } : {}) } as const;
    for (const file of (await evidence?.finish(outcome)) ?? []) await allure.attachment(file.name, file.content, { contentType: file.contentType });
  }
}

function newResult(suite: Suite, title: string): TestResult {
  return { suiteId: suite.id, title, file: suite.file, tags: suite.tags, status: 'skipped', measurements: [], steps: [], startedAt: 0, endedAt: 0, limitations: [] };
}

/** Why the tests not yet run will not be run (`--bail`); set by the first test that fails or breaks. */
interface Halt {
  reason?: string;
}

/** Empties what a run of the test collected, for a retry. */
function resetResult(result: TestResult): void {
  Object.assign(result, { measurements: [], steps: [], limitations: [] });
  delete result.error;
  delete result.cause;
  delete result.statistics;
}

/**
 * Runs `body` as the test, again after a bench error while retries are left: the power switched off
 * first, so the retry starts from the bench's safe state. What the module failed is never run again.
 */
async function withRetries(suite: Suite, result: TestResult, options: SuiteRunOptions, body: () => Promise<void>): Promise<void> {
  const retries = options.retries ?? 0;
  let firstBreak: string | undefined;
  for (let attempt = 1; ; attempt++) {
    resetResult(result);
    options.listener?.testStarted?.(suite);
    result.startedAt = options.rig.clock.now();
    try {
      await body();
      if (firstBreak) result.flaky = firstBreak;
      return;
    } catch (error) {
      if (!(error instanceof BenchError) || attempt > retries) throw error;
      firstBreak ??= error.message;
      result.attempts = attempt + 1;
      options.view.line(`  ↻ ${suite.id}: broke on the bench (${error.message}); power off, then retry ${attempt} of ${retries}`);
      options.rig.note(`${suite.id}: retry ${attempt} of ${retries} after a bench error: ${error.message}; switching the power off first`);
      // The safe state before the retry; if even that fails, the test stays broken on it.
      await options.rig.powerOff();
    }
  }
}

/** One mocha test whose outcome lands in `result` and is reported on the console and to the listener. */
function addTest(describe: Mocha.Suite, suite: Suite, result: TestResult, options: SuiteRunOptions, halt: Halt, body: () => Promise<void>): void {
  const test = new Mocha.Test(result.title, async function (this: Mocha.Context) {
    if (halt.reason) {
      result.error = `not run: ${halt.reason}`;
      options.view.line(`  - ${suite.id}: not run (${halt.reason})`);
      this.skip();
    }
    options.view.suiteStarted(suite.id, result.title);
    try {
      await withRetries(suite, result, options, body);
      result.status = 'passed';
    } catch (error) {
      result.status = statusOf(error);
      result.error = (error as Error).message;
      if (error instanceof BenchError) result.cause = 'bench';
      if (options.bail) halt.reason = `--bail: ${suite.id}${result.cycle ? ` cycle ${result.cycle.index}` : ''} ${result.status}`;
      throw error;
    } finally {
      result.endedAt = options.rig.clock.now();
      const flaky = result.flaky ? ` (flaky: passed on attempt ${result.attempts} after a bench error: ${result.flaky})` : '';
      options.view.line(`  ${result.status === 'passed' ? '✓' : '✗'} ${suite.id}: ${result.status}${flaky}${result.error ? ` — ${result.error}` : ''}`);
      options.listener?.testEnded?.(suite, result);
    }
  });
  test.file = suite.file;
  describe.addTest(test);
}

/** The statistics of a repeated suite over its cycles, judged as the suite says. */
async function judgeCycles(suite: Suite, cycles: TestResult[], result: TestResult, view: ConsoleView): Promise<void> {
  const judged = suite.repeat!.judge;
  const problems: string[] = [];
  result.statistics = [];
  for (const declared of suite.measurements) {
    const values = cycles.flatMap((c) => c.measurements.filter((m) => m.name === declared.name).map((m) => m.value));
    if (values.length < cycles.length) problems.push(`${declared.name} was measured in ${values.length} of ${cycles.length} cycles`);
    if (values.length === 0) continue;
    // Judging each cycle is judging the worst of them: the smallest against min, the largest against max.
    const stats = judged === 'each' ? worstOf(summarize(declared, values, 'min'), summarize(declared, values, 'max')) : summarize(declared, values, judged);
    result.statistics.push(stats);
    view.statistics(stats);
    await allure.parameter(`${declared.name} (${stats.judged} of ${stats.cycles})`, `${stats.value} ${stats.unit}; min ${stats.min}, median ${stats.median}, p95 ${stats.p95}, max ${stats.max}; ${stats.verdict}`, MEASURED);
    if (stats.verdict === 'fail') problems.push(`${declared.name} ${stats.judged} = ${stats.value} ${stats.unit}, outside ${describeLimits({ ...stats.limits, unit: stats.unit })}`);
  }
  const broken = cycles.filter((c) => c.status !== 'passed').length;
  if (broken > 0) problems.push(`${broken} of ${cycles.length} cycles failed`);
  if (problems.length > 0) {
    const { assert } = await import('chai');
    assert.fail(problems.join('; '));
  }
}

function worstOf(low: MeasurementStatistics, high: MeasurementStatistics): MeasurementStatistics {
  const rank = { fail: 2, marginal: 1, pass: 0 } as const;
  return rank[low.verdict] > rank[high.verdict] ? low : high;
}

/** Runs the suites in order on one rig; resolves with one result per test (a repeated suite has one per cycle, then its statistics). */
export function runSuites(options: SuiteRunOptions): Promise<TestResult[]> {
  const mocha = new Mocha({
    timeout: 0,
    reporter: require.resolve('allure-mocha'),
    reporterOptions: { resultsDir: options.allureResultsDir },
  });
  const results: TestResult[] = [];
  const halt: Halt = {};
  for (const suite of options.suites) {
    const describe = Mocha.Suite.create(mocha.suite, suite.id);
    describe.file = suite.file;
    const repeat = suite.repeat;
    if (!repeat) {
      const result = newResult(suite, suite.title);
      results.push(result);
      addTest(describe, suite, result, options, halt, () => runSuite(suite, options, result, true));
      continue;
    }
    const cycles: TestResult[] = [];
    for (let i = 1; i <= repeat.cycles; i++) {
      const result = { ...newResult(suite, `${suite.title} (cycle ${i} of ${repeat.cycles})`), cycle: { index: i, of: repeat.cycles } };
      cycles.push(result);
      results.push(result);
      addTest(describe, suite, result, options, halt, () => runSuite(suite, options, result, repeat.judge === 'each'));
    }
    const aggregate = newResult(suite, `${suite.title}: ${repeat.judge === 'each' ? 'every cycle' : repeat.judge} over ${repeat.cycles} cycles`);
    results.push(aggregate);
    addTest(describe, suite, aggregate, options, halt, () => judgeCycles(suite, cycles, aggregate, options.view));
  }
  options.planned?.(results);
  // Disposed once run: each Mocha run adds process listeners (uncaught exceptions, unhandled
  // rejections), which would pile up in a process that runs many, as a bench agent does.
  return new Promise((resolve) => mocha.run(() => {
    mocha.dispose();
    resolve(results);
  }));
}
