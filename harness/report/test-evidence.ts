// The evidence of one test, written as the suite runner's evidence listener: its slice of the AT
// transcript, its OTA sessions, the simulator's ground truth on a virtual rig, and its timeline
// picture, attached to its allure result and the picture kept on disk.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatEntry, type TranscriptEntry } from '../at/index.ts';
import type { TestResult } from '../record/index.ts';
import type { GroundTruth } from '../sim/truth.ts';
import type { TestAttachment, TestEvidence } from '../suite/mocha-run.ts';
import type { Step } from '../suite/suite-file.ts';
import { timelineFile } from './paths.ts';
import { TimelineTrace, type TraceableRig } from './timeline-trace.ts';
import { renderTimeline } from './timeline-svg.ts';
import { reportWriteFailure, writeWhole } from './write-failure.ts';

/** What the evidence reads from a rig (a RigController has all of it). */
export interface EvidenceRig extends TraceableRig {
  readonly simulator: { readonly truth: Pick<GroundTruth, 'between'> } | undefined;
}

/** Follows one test from its start; `reportDir` gets its timeline picture under timelines/. */
export class TestEvidenceWriter implements TestEvidence {
  private readonly trace: TimelineTrace;
  private readonly sessionsBefore: number;

  constructor(private readonly rig: EvidenceRig, private readonly reportDir: string) {
    this.trace = new TimelineTrace(rig);
    this.sessionsBefore = rig.observer.sessions.length;
  }

  stepStarting(step: Step): void {
    this.trace.stepStarting(step);
  }

  stepEnded(): void {
    this.trace.stepEnded();
  }

  async finish(outcome: TestResult): Promise<TestAttachment[]> {
    const { rig, trace } = this;
    const end = rig.clock.now();
    const json = (name: string, value: unknown): TestAttachment => ({ name, content: JSON.stringify(value, null, 2), contentType: 'application/json' });
    const files: TestAttachment[] = [
      { name: 'AT transcript', content: transcriptSlice(rig.at.transcript.entries(), trace.start, end), contentType: 'text/plain' },
      json('OTA sessions', rig.observer.sessions.slice(this.sessionsBefore)),
    ];
    if (rig.simulator) files.push(json('simulator ground truth', rig.simulator.truth.between(trace.start, end)));
    const timeline = renderTimeline(trace.finish(outcome));
    files.push({ name: 'timeline', content: timeline, contentType: 'image/svg+xml' });
    await saveTimeline(this.reportDir, outcome, timeline);
    return files;
  }
}

/** The transcript lines between two rig times, as transcript.log writes them. */
function transcriptSlice(entries: readonly TranscriptEntry[], start: number, end: number): string {
  const lines = entries.filter((e) => e.rig >= start && e.rig <= end).map(formatEntry);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '(no AT traffic during this test)\n';
}

/**
 * Writes a test's timeline into the report folder. A timeline that cannot be written says nothing
 * of the module: the test keeps its verdict and the run hears of the file (write-failure.ts).
 */
async function saveTimeline(reportDir: string, test: Pick<TestResult, 'suiteId' | 'cycle'>, svg: string): Promise<void> {
  const path = join(reportDir, timelineFile(test));
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeWhole(path, svg);
  } catch (error) {
    reportWriteFailure(path, error as Error);
  }
}
