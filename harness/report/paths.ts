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
  /** Copies of the rig and suite files the run read, and the harness's version (run-inputs.ts). */
  inputs: 'inputs',
  junit: 'junit.xml',
  certificateJson: 'certificate.json',
  certificateHtml: 'certificate.html',
  html: 'report.html',
  /** What `hil report --sign` writes: the SHA-256 of every file in the folder, and its Ed25519 signature. */
  manifest: 'manifest.sha256',
  signature: 'manifest.sha256.sig',
} as const;

/** `timelines/boot-delay.svg`, or `timelines/boot-delay-p95-cycle-03.svg` for a cycle of a repeated suite. */
export function timelineFile(test: Pick<TestResult, 'suiteId' | 'cycle'>): string {
  const cycle = test.cycle ? `-cycle-${String(test.cycle.index).padStart(String(test.cycle.of).length, '0')}` : '';
  return join(REPORT_FILES.timelines, `${test.suiteId}${cycle}.svg`);
}
