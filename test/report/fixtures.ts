// Run summaries and test results as `hil run` writes them, small enough to read in a test.
import type { MeasuredValue, RunSummary, TestResult } from '../../harness/record/index.ts';
import { totals } from '../../harness/results/summary.ts';
import { measure } from '../../harness/suite/measurements.ts';

/** A figure of 60–120 s with a 5 s marginal band, judged as a run judges it. */
export function measured(name: string, value: number): MeasuredValue {
  return measure({ name, description: `${name} as declared`, unit: 's', min: 60, max: 120, marginal: 5 }, value, 0.12);
}

export function testResult(suiteId: string, fields: Partial<TestResult> = {}): TestResult {
  return {
    suiteId,
    title: `${suiteId} title`,
    file: `/nowhere/${suiteId}.yaml`,
    tags: ['standard'],
    status: 'passed',
    measurements: [],
    steps: [{ title: 'power on', status: 'passed', startedAt: 1_000, endedAt: 3_000 }],
    startedAt: 1_000,
    endedAt: 91_000,
    ...fields,
  };
}

export function runSummary(tests: TestResult[], fields: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: '20260101T020000Z-abcd',
    status: tests.every((t) => t.status === 'passed') ? 'passed' : 'failed',
    startedAt: '2026-01-01T02:00:00.000Z',
    endedAt: '2026-01-01T02:05:00.000Z',
    rig: { name: 'bench-7', file: '/rigs/bench-7.yaml', timeScale: 1, serial: '/dev/ttyUSB2', power: 'gpio relay', module: 'quectel-bg95', faults: [] },
    module: { manufacturer: 'Quectel', model: 'BG95-M3', firmware: 'BG95M3LAR02A03', imei: '866000000000001', iccid: '89883070000012345674', imsi: '732123200001234' },
    totals: totals(tests),
    tests,
    ...fields,
  };
}
