// Two runs' report folders side by side: each suite's verdict and each figure (summary.json's
// measurements, a repeated suite's judged statistic) in the first run and the second, and which
// got worse. `hil compare` prints it; a night is compared with the one before.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary, TestStatus, Verdict } from '../record/index.ts';
import type { Certificate } from './certificate.ts';
import { figuresOf, type Figure } from './figures.ts';
import { REPORT_FILES } from './paths.ts';

/** `worse`: the verdict got worse, or a new suite does not pass; `new`/`gone`: in the second run only, in the first only. */
export type Change = 'same' | 'better' | 'worse' | 'new' | 'gone';

export interface ComparedRun {
  dir: string;
  runId: string;
  status: RunSummary['status'];
  startedAt: string;
  module: { model?: string; firmware?: string };
}

export interface ComparedTest {
  suiteId: string;
  title: string;
  /** The requirement's text, from the certificate where the folder has one. */
  requirement?: string;
  before?: TestStatus;
  after?: TestStatus;
  change: Change;
  /** Why the test did not pass in the second run. */
  error?: string;
}

export interface ComparedValue {
  value: number;
  verdict: Verdict;
  uncertainty?: number;
}

export interface ComparedFigure {
  /** `suite.measurement`, or `suite.measurement.statistic` for a repeated suite. */
  key: string;
  suiteId: string;
  name: string;
  unit: string;
  before?: ComparedValue;
  after?: ComparedValue;
  /** after − before, where both runs measured it. */
  delta?: number;
  change: Change;
}

export interface RunComparison {
  a: ComparedRun;
  b: ComparedRun;
  tests: ComparedTest[];
  figures: ComparedFigure[];
  /** How many tests and figures got worse: `hil compare` exits 1 if any did. */
  worse: number;
}

const TEST_RANK: Record<TestStatus, number> = { passed: 0, skipped: 1, failed: 2, broken: 2 };
const VERDICT_RANK: Record<Verdict, number> = { pass: 0, marginal: 1, fail: 2 };

function change<T extends string>(before: T | undefined, after: T | undefined, rank: Record<T, number>): Change {
  if (before === undefined) return after !== undefined && rank[after] > 0 ? 'worse' : 'new';
  if (after === undefined) return 'gone';
  return rank[after] > rank[before] ? 'worse' : rank[after] < rank[before] ? 'better' : 'same';
}

interface Folder {
  summary: RunSummary;
  requirements: Map<string, string>;
}

async function readFolder(dir: string): Promise<Folder> {
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(join(dir, REPORT_FILES.summary), 'utf8')) as RunSummary;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? `${dir}: no ${REPORT_FILES.summary}: not a run's report folder` : `${join(dir, REPORT_FILES.summary)}: ${(error as Error).message}`);
  }
  // The certificate only adds the requirements' wording; a folder without one still compares.
  const certificate = await readFile(join(dir, REPORT_FILES.certificateJson), 'utf8').then((text) => JSON.parse(text) as Certificate, () => undefined);
  const requirements = new Map((certificate?.requirements ?? []).flatMap((r) => (r.requirement ? [[r.suiteId, r.requirement.text] as const] : [])));
  return { summary, requirements };
}

function run(dir: string, summary: RunSummary): ComparedRun {
  const { model, firmware } = summary.module;
  return { dir, runId: summary.runId, status: summary.status, startedAt: summary.startedAt, module: { ...(model ? { model } : {}), ...(firmware ? { firmware } : {}) } };
}

/** A repeated suite's cycles are compared through the statistic it is judged on, as the certificate does. */
const judgedTests = (summary: RunSummary) => new Map(summary.tests.filter((t) => !t.cycle).map((t) => [t.suiteId, t]));

const valueOf = (f: Figure): ComparedValue => ({ value: f.value, verdict: f.verdict, ...(f.uncertainty !== undefined ? { uncertainty: f.uncertainty } : {}) });

/** Compares the run in report folder `dirA` (before) with the one in `dirB` (after). */
export async function compareReports(dirA: string, dirB: string): Promise<RunComparison> {
  const [a, b] = await Promise.all([readFolder(dirA), readFolder(dirB)]);
  const testsA = judgedTests(a.summary);
  const testsB = judgedTests(b.summary);
  const tests = [...new Set([...testsA.keys(), ...testsB.keys()])].map((suiteId): ComparedTest => {
    const before = testsA.get(suiteId);
    const after = testsB.get(suiteId);
    const requirement = b.requirements.get(suiteId) ?? a.requirements.get(suiteId);
    return {
      suiteId,
      title: (after ?? before)!.title,
      ...(requirement ? { requirement } : {}),
      ...(before ? { before: before.status } : {}),
      ...(after ? { after: after.status } : {}),
      change: change(before?.status, after?.status, TEST_RANK),
      ...(after?.error ? { error: after.error } : {}),
    };
  });
  const figuresA = new Map(figuresOf(a.summary).map((f) => [f.key, f]));
  const figuresB = new Map(figuresOf(b.summary).map((f) => [f.key, f]));
  const figures = [...new Set([...figuresA.keys(), ...figuresB.keys()])].map((key): ComparedFigure => {
    const before = figuresA.get(key);
    const after = figuresB.get(key);
    const { suiteId, name, unit } = (after ?? before)!;
    return {
      key,
      suiteId,
      name,
      unit,
      ...(before ? { before: valueOf(before) } : {}),
      ...(after ? { after: valueOf(after) } : {}),
      ...(before && after ? { delta: after.value - before.value } : {}),
      // A figure is new or gone with its test, which carries the verdict; only a change is counted here.
      change: before && after ? change(before.verdict, after.verdict, VERDICT_RANK) : before ? 'gone' : 'new',
    };
  });
  const worse = [...tests, ...figures].filter((row) => row.change === 'worse').length;
  return { a: run(dirA, a.summary), b: run(dirB, b.summary), tests, figures, worse };
}
