// The test part of a run's record: each test's and step's outcome, and the listener that hears them
// as they happen (suite/mocha-run.ts runs the tests and tells it).
import type { MeasuredValue, MeasurementStatistics } from './measurements.ts';

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
  /** A broken test broke on the bench's own equipment (a power switch, a UART adapter), not on the module. */
  cause?: 'bench';
  /** Runs of the test where a bench error made it run again (`--retries`); absent for one run. */
  attempts?: number;
  /** Passed only after a retry: the bench error that broke its first run. */
  flaky?: string;
  measurements: MeasuredValue[];
  steps: StepResult[];
  /** Rig time. */
  startedAt: number;
  endedAt: number;
  /** Which cycle of a repeated suite this is. */
  cycle?: { index: number; of: number };
  /** The statistics over a repeated suite's cycles, on the test that judges them. */
  statistics?: MeasurementStatistics[];
  /** What the test could not judge, and why: where it has any, its evidence is limited. */
  limitations?: string[];
}

/** What a listener is told of the suite under way: the part of a suite file a test is named by. */
export interface SuiteLabel {
  id: string;
  title: string;
  file: string;
  tags: string[];
}

/** Hears a run's progress as it happens (the results stream subscribes here). */
export interface RunListener {
  testStarted?(suite: SuiteLabel): void;
  stepEnded?(suite: SuiteLabel, step: StepResult): void;
  measured?(suite: SuiteLabel, measurement: MeasuredValue): void;
  testEnded?(suite: SuiteLabel, result: TestResult): void;
}
