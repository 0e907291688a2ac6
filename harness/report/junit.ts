// JUnit XML for CI systems: one testsuite per suite, one testcase per test, failures with their
// messages, measurements as testcase properties. `time` is wall seconds, as CI systems take it; the
// rig time the figures speak in is kept as the `rig-time` property. Timestamps are ISO 8601 in UTC.
import type { MeasuredValue, MeasurementStatistics, RunSummary, TestResult } from '../record/index.ts';
import { describeLimits } from '../suite/measurements.ts';
import { formatDuration } from '../time/duration.ts';
import { escapeXml } from './markup.ts';

type Attrs = Record<string, string | number | undefined>;

function attrs(values: Attrs): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Rig time runs `timeScale` times faster than wall time, exactly (time/clock.ts), so a rig span gives its wall time. */
const wallSeconds = (rigMs: number, timeScale: number) => seconds(rigMs / timeScale);

const rigSpan = (tests: readonly TestResult[]) => tests.reduce((sum, t) => sum + t.endedAt - t.startedAt, 0);

function property(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `<property${attrs({ name, value })}/>`;
}

function measurementProperties(m: MeasuredValue): string[] {
  return [
    property(m.name, m.value),
    property(`${m.name}.unit`, m.unit),
    property(`${m.name}.uncertainty`, m.uncertainty),
    property(`${m.name}.min`, m.min),
    property(`${m.name}.max`, m.max),
    property(`${m.name}.limits`, describeLimits(m)),
    property(`${m.name}.verdict`, m.verdict),
  ];
}

function statisticProperties(s: MeasurementStatistics): string[] {
  const name = `${s.name}.${s.judged}`;
  return [
    property(name, s.value),
    property(`${name}.unit`, s.unit),
    property(`${name}.limits`, describeLimits({ ...s.limits, unit: s.unit })),
    property(`${name}.verdict`, s.verdict),
    property(`${s.name}.cycles`, s.cycles),
    ...(['min', 'median', 'p95', 'max'] as const).map((k) => property(`${s.name}.${k}`, s[k])),
  ];
}

function stepLines(test: TestResult): string {
  return test.steps
    .map((s, i) => `${i + 1}. ${s.status === 'passed' ? 'ok  ' : s.status.padEnd(4)} ${s.title} (${formatDuration(s.endedAt - s.startedAt)} rig time)${s.error ? `: ${s.error}` : ''}`)
    .join('\n');
}

function testcase(test: TestResult, timeScale: number): string {
  const limitations = (test.limitations ?? []).map((text, i) => property(`limited-evidence.${i + 1}`, text));
  const rigTime = property('rig-time', seconds(test.endedAt - test.startedAt));
  // A pass after a bench error's retry (`--retries`): flaky, with what broke it first.
  const retried = [property('attempts', test.attempts), property('flaky', test.flaky)];
  const properties = [rigTime, ...retried, ...test.measurements.flatMap(measurementProperties), ...(test.statistics ?? []).flatMap(statisticProperties), ...limitations].join('');
  const message = test.error ?? test.status;
  const outcome =
    test.status === 'failed'
      ? `<failure${attrs({ message, type: 'failed' })}>${escapeXml(`${message}\n\n${stepLines(test)}`)}</failure>`
      : test.status === 'broken'
        ? `<error${attrs({ message, type: 'broken' })}>${escapeXml(`${message}\n\n${stepLines(test)}`)}</error>`
        : test.status === 'skipped'
          ? `<skipped${attrs({ message: test.error })}/>`
          : '';
  const out = test.steps.length > 0 ? `<system-out>${escapeXml(stepLines(test))}</system-out>` : '';
  return `    <testcase${attrs({ name: test.title, classname: test.suiteId, file: test.file, time: wallSeconds(test.endedAt - test.startedAt, timeScale) })}><properties>${properties}</properties>${outcome}${out}</testcase>`;
}

function counts(tests: TestResult[], timeScale: number): Attrs {
  const n = (status: TestResult['status']) => tests.filter((t) => t.status === status).length;
  return { tests: tests.length, failures: n('failed'), errors: n('broken'), skipped: n('skipped'), time: wallSeconds(rigSpan(tests), timeScale) };
}

export function renderJunit(summary: RunSummary): string {
  const suites = [...new Set(summary.tests.map((t) => t.suiteId))];
  const runProperties = [
    property('run', summary.runId),
    property('rig', summary.rig.name),
    property('rig.timeScale', summary.rig.timeScale),
    property('rig.faults', summary.rig.faults.join(', ') || undefined),
    property('module', [summary.module.manufacturer, summary.module.model].filter(Boolean).join(' ') || undefined),
    property('module.firmware', summary.module.firmware),
    property('module.imei', summary.module.imei),
    property('sim.iccid', summary.module.iccid),
    property('time', 'wall seconds; rig-time: rig seconds'),
    property('run.startedAt', summary.startedAt),
    property('run.endedAt', summary.endedAt),
  ].join('');
  const { timeScale } = summary.rig;
  const body = suites.map((id) => {
    const tests = summary.tests.filter((t) => t.suiteId === id);
    return [
      `  <testsuite${attrs({ name: id, ...counts(tests, timeScale), timestamp: summary.startedAt, file: tests[0]!.file })}>`,
      `    <properties>${runProperties}${property('rig-time', seconds(rigSpan(tests)))}</properties>`,
      ...tests.map((t) => testcase(t, timeScale)),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: `sim-ota-hil ${summary.runId}`, ...counts(summary.tests, timeScale), timestamp: summary.startedAt })}>`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
