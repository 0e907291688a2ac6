// The certification summary of a run: what was tested (module, SIM, rig, harness), each requirement
// with its text, measured figures, limits and verdict, the overall verdict, and the hashes of the
// evidence it rests on, the copies of the rig and suite files among them. Checking it checks both: the
// files against their hashes, and what it claims against what summary.json makes of them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary, SettingsPackage, TestStatus, Verdict } from '../record/index.ts';
import { loadSuiteFile, type Measurement, type Suite } from '../suite/suite-file.ts';
import { verifyEvidence, type Evidence } from './evidence.ts';
import { figuresOf, type Figure } from './figures.ts';
import type { Night } from './history.ts';
import { REPORT_FILES } from './paths.ts';
import { harnessPackage, INPUTS_INDEX, readRunInputs, type HarnessIdentity, type InputCopy, type RunInputs } from './run-inputs.ts';

export type RequirementVerdict = Verdict | 'not run';
export type OverallVerdict = Verdict | 'incomplete';

export interface CertifiedFigure extends Figure {
  description?: string;
}

export interface RequirementResult {
  suiteId: string;
  title: string;
  file: string;
  /** From the suite file; absent when it could no longer be read. */
  requirement?: { source: string; text: string };
  verdict: RequirementVerdict;
  tests: { title: string; status: TestStatus; error?: string }[];
  figures: CertifiedFigure[];
  /** Measurements the suite declares that the run never took (a step failed first). */
  unmeasured: Pick<Measurement, 'name' | 'description' | 'unit' | 'min' | 'max'>[];
  /** `limited`: some of the requirement could not be judged from what the module shows; `limitations` says what. */
  evidence: 'complete' | 'limited';
  limitations: string[];
}

/** A kept input file with its hash (from the evidence list). */
export type CertifiedInput = InputCopy & { sha256?: string };

const FORMAT = 'sim-ota-hil certificate 2';

export interface Certificate {
  /** 2 added `status`, `abortReason`, `inputs` and the harness's commit. */
  format: typeof FORMAT | 'sim-ota-hil certificate 1';
  runId: string;
  /** When the run ended. */
  date: string;
  startedAt: string;
  /** The harness that ran, as the run recorded it; for a folder without inputs, the one that wrote the certificate. */
  harness: HarnessIdentity;
  /** How the run ended (summary.json's status), and why, for an aborted or incomplete run. */
  status: RunSummary['status'];
  abortReason?: string;
  verdict: OverallVerdict;
  module: { manufacturer?: string; model?: string; firmware?: string; imei?: string };
  /** `packagesBefore`, `packagesAfter`: the SIM's settings packages at the start and end of the run, where the update source shows them. */
  sim: { iccid?: string; imsiBefore?: string; imsiAfter?: string; packagesBefore?: SettingsPackage[]; packagesAfter?: SettingsPackage[] };
  rig: RunSummary['rig'] & { virtual: boolean };
  /** The rig and suite files the run read, as copied into the report folder; absent in a folder of an older harness. */
  inputs?: { rig: CertifiedInput; suites: (CertifiedInput & { suiteId: string })[] };
  requirements: RequirementResult[];
  evidence: Evidence;
  /** The figures of the last nights, oldest first, when the run keeps a history. */
  recentNights?: Night[];
}

export interface CertificateInputs {
  summary: RunSummary;
  evidence: Evidence;
  /** The report folder, for the run's kept inputs (its rig and suite files, the harness's version). */
  reportDir?: string;
  /** The IMSI the module reported last in the run (after any update switched it). */
  imsiAfter?: string;
  recentNights?: Night[];
}

/** The built-in simulator: the rig file's serial path is `virtual`. */
export function isVirtualRig(rig: Pick<RunSummary['rig'], 'serial'>): boolean {
  return rig.serial === 'virtual';
}

async function loadSuite(file: string): Promise<Suite | undefined> {
  try {
    return await loadSuiteFile(file);
  } catch {
    return undefined; // moved or edited since the run: the certificate says the text is missing
  }
}

function requirementVerdict(tests: RequirementResult['tests'], figures: Figure[]): RequirementVerdict {
  if (tests.every((t) => t.status === 'skipped')) return 'not run';
  if (tests.some((t) => t.status === 'failed' || t.status === 'broken') || figures.some((f) => f.verdict === 'fail')) return 'fail';
  return figures.some((f) => f.verdict === 'marginal') ? 'marginal' : 'pass';
}

export function overallVerdict(status: RunSummary['status'], requirements: readonly Pick<RequirementResult, 'verdict'>[]): OverallVerdict {
  const verdicts = new Set(requirements.map((r) => r.verdict));
  if (verdicts.has('fail')) return 'fail';
  if (status === 'aborted' || status === 'incomplete' || verdicts.has('not run') || requirements.length === 0) return 'incomplete';
  return verdicts.has('marginal') ? 'marginal' : 'pass';
}

async function requirementOf(suiteId: string, summary: RunSummary, figures: Figure[], kept: KeptInputs | undefined): Promise<RequirementResult> {
  const tests = summary.tests.filter((t) => t.suiteId === suiteId);
  // The text the run read, from its copy; the file itself only for a folder that kept none.
  const copy = kept?.inputs.suites.find((s) => s.suiteId === suiteId)?.copy;
  const suite = await loadSuite(copy && kept ? join(kept.reportDir, copy) : tests[0]!.file);
  const declared = suite?.measurements ?? [];
  const own = figures.filter((f) => f.suiteId === suiteId);
  const described = own.map((f) => {
    const description = declared.find((m) => m.name === f.name)?.description;
    return description ? { ...f, description } : f;
  });
  const unmeasured = declared.filter((m) => !own.some((f) => f.name === m.name)).map(({ name, description, unit, min, max }) => ({ name, description, unit, min, max }));
  const results = tests.map((t) => ({ title: t.title, status: t.status, ...(t.error ? { error: t.error } : {}) }));
  const limitations = [...new Set(tests.flatMap((t) => t.limitations ?? []))];
  return {
    suiteId,
    title: suite?.title ?? tests[0]!.title,
    file: tests[0]!.file,
    ...(suite ? { requirement: suite.requirement } : {}),
    verdict: requirementVerdict(results, own),
    tests: results,
    figures: described,
    unmeasured,
    evidence: limitations.length > 0 ? 'limited' : 'complete',
    limitations,
  };
}

interface KeptInputs {
  reportDir: string;
  inputs: RunInputs;
}

function certifiedInputs({ inputs }: KeptInputs, evidence: Evidence): NonNullable<Certificate['inputs']> {
  const hashed = <T extends InputCopy>(input: T): T & { sha256?: string } => {
    const sha256 = evidence.files.find((f) => f.path === input.copy)?.sha256;
    return sha256 ? { ...input, sha256 } : input;
  };
  return { rig: hashed(inputs.rig), suites: inputs.suites.map(hashed) };
}

export async function buildCertificate({ summary, evidence, reportDir, imsiAfter, recentNights }: CertificateInputs): Promise<Certificate> {
  const figures = figuresOf(summary);
  const suiteIds = [...new Set(summary.tests.map((t) => t.suiteId))];
  const inputs = reportDir ? await readRunInputs(reportDir) : undefined;
  const kept = reportDir && inputs ? { reportDir, inputs } : undefined;
  const requirements = await Promise.all(suiteIds.map((id) => requirementOf(id, summary, figures, kept)));
  const { manufacturer, model, firmware, imei, iccid, imsi } = summary.module;
  return {
    format: FORMAT,
    runId: summary.runId,
    date: summary.endedAt,
    startedAt: summary.startedAt,
    harness: inputs?.harness ?? { ...(await harnessPackage()), commit: 'unknown' },
    status: summary.status,
    ...(summary.abortReason ? { abortReason: summary.abortReason } : {}),
    verdict: overallVerdict(summary.status, requirements),
    module: { manufacturer, model, firmware, imei },
    sim: { iccid, imsiBefore: imsi, ...(imsiAfter ? { imsiAfter } : {}), ...simPackages(summary) },
    rig: { ...summary.rig, virtual: isVirtualRig(summary.rig) },
    ...(kept ? { inputs: certifiedInputs(kept, evidence) } : {}),
    requirements,
    evidence,
    ...(recentNights ? { recentNights } : {}),
  };
}

function simPackages({ simPackages: packages }: RunSummary): Pick<Certificate['sim'], 'packagesBefore' | 'packagesAfter'> {
  return { ...(packages?.before ? { packagesBefore: packages.before } : {}), ...(packages?.after ? { packagesAfter: packages.after } : {}) };
}

/**
 * What a certificate says that its evidence decides: the verdicts, tests and figures, the run, module
 * and rig, and (from format 2) how the run ended and its kept inputs. Left out: what comes from
 * elsewhere (suite files outside the folder, the history).
 */
function claims(certificate: Certificate, format: Certificate['format']) {
  const { runId, date, startedAt, verdict, module, rig } = certificate;
  const { status, abortReason, inputs } = certificate;
  // Both sides as the recorded format has them: a certificate of an older harness stays checkable.
  const since2 = format === FORMAT ? { status, abortReason, inputs, harness: inputs ? certificate.harness : undefined } : {};
  return {
    ...since2,
    runId,
    date,
    startedAt,
    verdict,
    module,
    sim: { iccid: certificate.sim.iccid, imsiBefore: certificate.sim.imsiBefore, packagesBefore: certificate.sim.packagesBefore, packagesAfter: certificate.sim.packagesAfter },
    rig,
    requirements: certificate.requirements.map((r) => ({
      suiteId: r.suiteId,
      verdict: r.verdict,
      tests: r.tests,
      figures: r.figures.map(({ description: _, ...figure }) => figure),
      evidence: r.evidence,
      limitations: r.limitations,
    })),
  };
}

/** Where `recorded` differs from `rebuilt`, each leaf by its path (`requirements.0.verdict`). */
function differences(path: string, recorded: unknown, rebuilt: unknown): string[] {
  if (JSON.stringify(recorded) === JSON.stringify(rebuilt)) return [];
  if (typeof recorded === 'object' && recorded !== null && typeof rebuilt === 'object' && rebuilt !== null) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(rebuilt)])];
    return keys.flatMap((key) => differences(path ? `${path}.${key}` : key, (recorded as Record<string, unknown>)[key], (rebuilt as Record<string, unknown>)[key]));
  }
  const source = /^(inputs|harness)\b/.test(path) ? INPUTS_INDEX : REPORT_FILES.summary;
  return [`${REPORT_FILES.certificateJson}: ${path} is ${JSON.stringify(recorded) ?? 'missing'}, but ${source} gives ${JSON.stringify(rebuilt) ?? 'none'}`];
}

/**
 * What no longer matches a certificate: evidence files changed, missing or added (verifyEvidence),
 * and any verdict, test or figure it claims that summary.json does not give.
 */
export async function verifyCertificate(reportDir: string, certificate: Certificate): Promise<string[]> {
  const problems = await verifyEvidence(reportDir, certificate.evidence);
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(join(reportDir, REPORT_FILES.summary), 'utf8')) as RunSummary;
  } catch (error) {
    return [...problems, `${REPORT_FILES.summary}: ${(error as Error).message}: the certificate's verdicts cannot be checked`];
  }
  const rebuilt = await buildCertificate({ summary, evidence: certificate.evidence, reportDir });
  return [...problems, ...differences('', claims(certificate, certificate.format), claims(rebuilt, certificate.format))];
}
