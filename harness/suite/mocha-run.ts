// Runs declarative suites as mocha tests, with chai assertions and allure steps, parameters,
// labels and attachments. One suite is one test; its steps are allure steps.
import { createRequire } from 'node:module';
import Mocha from 'mocha';
import * as allure from 'allure-js-commons';
import type { RigController } from '../rig/controller.ts';
import type { ConsoleView } from './console.ts';
import { describeLimits, type MeasuredValue } from './measurements.ts';
import { describeStep, runStep } from './steps.ts';
import type { Suite } from './suite-file.ts';

export type TestStatus = 'passed' | 'failed' | 'broken' | 'skipped';

export interface StepResult {
  title: string;
  status: TestStatus;
  startedAt: number;
  endedAt: number;
  error?: string;
}

export interface TestResult {
  suiteId: string;
  title: string;
  file: string;
  tags: string[];
  status: TestStatus;
  error?: string;
  measurements: MeasuredValue[];
  steps: StepResult[];
  /** Rig time. */
  startedAt: number;
  endedAt: number;
}

/** Hears a run's progress as it happens (the results stream subscribes here). */
export interface RunListener {
  testStarted?(suite: Suite): void;
  stepEnded?(suite: Suite, step: StepResult): void;
  measured?(suite: Suite, measurement: MeasuredValue): void;
  testEnded?(suite: Suite, result: TestResult): void;
}

export interface SuiteRunOptions {
  rig: RigController;
  suites: Suite[];
  allureResultsDir: string;
  view: ConsoleView;
  listener?: RunListener;
}

const require = createRequire(import.meta.url);

function statusOf(error: unknown): TestStatus {
  return (error as { name?: string } | undefined)?.name === 'AssertionError' ? 'failed' : 'broken';
}

function parameterText(m: MeasuredValue): string {
  return `${m.value} ${m.unit} (limits ${describeLimits(m)}; ${m.verdict})`;
}

async function runSuite(suite: Suite, options: SuiteRunOptions, result: TestResult): Promise<void> {
  const { rig, view } = options;
  await allure.label('suite', suite.id);
  await allure.tags(...suite.tags);
  await allure.description(`${suite.requirement.text}\n\n— ${suite.requirement.source}`);
  if (rig.simulator) await allure.label('rig', `${rig.config.name} (virtual module)`);
  else await allure.label('rig', rig.config.name);
  const context = { rig, suite, measurements: result.measurements, captures: new Map<string, string>(), progress: (text: string) => view.progress(text) };
  const sessionsBefore = rig.observer.sessions.length;
  try {
    for (const step of suite.steps) {
      const title = describeStep(step, rig.config.sim.otaApn);
      const startedAt = rig.clock.now();
      const stepResult: StepResult = { title, status: 'passed', startedAt, endedAt: startedAt };
      result.steps.push(stepResult);
      try {
        await allure.step(title, () => runStep(step, context));
      } catch (error) {
        stepResult.status = statusOf(error);
        stepResult.error = (error as Error).message;
        throw error;
      } finally {
        stepResult.endedAt = rig.clock.now();
        view.step(title, stepResult.status === 'passed', stepResult.endedAt - startedAt);
        options.listener?.stepEnded?.(suite, stepResult);
      }
    }
    const failed = result.measurements.filter((m) => m.verdict === 'fail');
    if (failed.length > 0) {
      const { assert } = await import('chai');
      assert.fail(failed.map((m) => `${m.name} = ${m.value} ${m.unit}, outside ${describeLimits(m)}`).join('; '));
    }
  } finally {
    for (const m of result.measurements) {
      view.measurement(m);
      options.listener?.measured?.(suite, m);
      await allure.parameter(m.name, parameterText(m));
    }
    const sessions = rig.observer.sessions.slice(sessionsBefore);
    await allure.attachment('OTA sessions', JSON.stringify(sessions, null, 2), { contentType: 'application/json' });
    if (rig.simulator) await allure.attachment('simulator ground truth', JSON.stringify(rig.simulator.truth.toJSON(), null, 2), { contentType: 'application/json' });
  }
}

/** Runs the suites in order on one rig; resolves with one result per suite. */
export function runSuites(options: SuiteRunOptions): Promise<TestResult[]> {
  const mocha = new Mocha({
    timeout: 0,
    reporter: require.resolve('allure-mocha'),
    reporterOptions: { resultsDir: options.allureResultsDir },
  });
  const results: TestResult[] = [];
  for (const suite of options.suites) {
    const describe = Mocha.Suite.create(mocha.suite, suite.id);
    const result: TestResult = {
      suiteId: suite.id, title: suite.title, file: suite.file, tags: suite.tags, status: 'skipped', measurements: [], steps: [], startedAt: 0, endedAt: 0,
    };
    results.push(result);
    describe.file = suite.file;
    const test = new Mocha.Test(suite.title, async () => {
        options.view.suiteStarted(suite.id, suite.title);
        options.listener?.testStarted?.(suite);
        result.startedAt = options.rig.clock.now();
        try {
          await runSuite(suite, options, result);
          result.status = 'passed';
        } catch (error) {
          result.status = statusOf(error);
          result.error = (error as Error).message;
          throw error;
        } finally {
          result.endedAt = options.rig.clock.now();
          options.view.line(`  ${result.status === 'passed' ? '✓' : '✗'} ${suite.id}: ${result.status}${result.error ? ` — ${result.error}` : ''}`);
          options.listener?.testEnded?.(suite, result);
        }
      });
    test.file = suite.file;
    describe.addTest(test);
  }
  return new Promise((resolve) => mocha.run(() => resolve(results)));
}
