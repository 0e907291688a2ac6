// The run's record: the data types a run produces and every layer passes on (suites fill them in,
// the stream and the reports read them). Types only, importing nothing from other harness folders.
export type { MeasuredValue, MeasurementStatistics, Statistic, Verdict } from './measurements.ts';
export type { BlindWindow, ModuleIdentity, PortOutage, SettingsPackage } from './module.ts';
export type { RunSummary, SkippedSuiteFile } from './summary.ts';
export type { RunListener, StepResult, SuiteLabel, TestResult, TestStatus } from './tests.ts';
