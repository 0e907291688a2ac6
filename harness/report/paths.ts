// Where a run's rendered artefacts live in its report folder.
import { join } from 'node:path';
import type { TestResult } from '../record/index.ts';

export const REPORT_FILES = {
  summary: 'summary.json',
  transcript: 'transcript.log',
  groundTruth: 'ground-truth.json',
  events: 'events.jsonl',
  allureResults: 'allure-results',
  timelines: 'timelines',
  junit: 'junit.xml',
  certificateJson: 'certificate.json',
  certificateHtml: 'certificate.html',
  html: 'report.html',
} as const;

/** `timelines/boot-delay.svg`, or `timelines/boot-delay-p95-cycle-03.svg` for a cycle of a repeated suite. */
export function timelineFile(test: Pick<TestResult, 'suiteId' | 'cycle'>): string {
  const cycle = test.cycle ? `-cycle-${String(test.cycle.index).padStart(String(test.cycle.of).length, '0')}` : '';
  return join(REPORT_FILES.timelines, `${test.suiteId}${cycle}.svg`);
}
