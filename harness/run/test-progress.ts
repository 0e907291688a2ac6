// What a run has done so far, test by test, for the partial report of a run that ends early: every
// test that finished, and the one under way marked as cut short, with the steps and figures it had.
import type { MeasuredValue, RunListener, StepResult, SuiteLabel, TestResult } from '../record/index.ts';

export class TestProgress {
  private readonly finished: TestResult[] = [];
  private current: { suite: SuiteLabel; startedAt: number; steps: StepResult[]; measurements: MeasuredValue[] } | undefined;
  /** Set once the run is being ended: what tests do after that is not theirs to say. */
  private stopped: TestResult[] | undefined;

  constructor(private readonly now: () => number) {}

  /**
   * `inner`, hearing the same progress, with this record kept as it goes. Once the run is being
   * ended neither hears more: the test under way then fails for want of a port, not of the module.
   */
  follow(inner: RunListener): RunListener {
    const open = () => this.stopped === undefined;
    return {
      testStarted: (suite) => {
        if (!open()) return;
        this.current = { suite, startedAt: this.now(), steps: [], measurements: [] };
        inner.testStarted?.(suite);
      },
      stepEnded: (suite, step) => {
        if (!open()) return;
        this.current?.steps.push({ ...step });
        inner.stepEnded?.(suite, step);
      },
      measured: (suite, measurement) => {
        if (!open()) return;
        this.current?.measurements.push(measurement);
        inner.measured?.(suite, measurement);
      },
      testEnded: (suite, result) => {
        if (!open()) return;
        this.finished.push(structuredClone(result));
        this.current = undefined;
        inner.testEnded?.(suite, result);
      },
    };
  }

  /**
   * The run is being ended for `why`: from now on the record stays as it is, the finished tests and
   * the one under way as skipped with `aborted: <why>` (its verdict was never reached, so it counts
   * as not run, never as a pass or a failure of the module).
   */
  stop(why: string): void {
    this.stopped ??= this.soFar(why);
  }

  get tests(): TestResult[] {
    return this.stopped ?? [...this.finished];
  }

  private soFar(why: string): TestResult[] {
    const tests = [...this.finished];
    const current = this.current;
    if (current) {
      const { suite } = current;
      tests.push({
        suiteId: suite.id,
        title: suite.title,
        file: suite.file,
        tags: suite.tags,
        status: 'skipped',
        error: `aborted: ${why}`,
        measurements: [...current.measurements],
        steps: [...current.steps],
        startedAt: current.startedAt,
        endedAt: this.now(),
      });
    }
    return tests;
  }
}
