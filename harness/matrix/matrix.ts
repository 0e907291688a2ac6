// The qualification matrix: one row per module and firmware, one column per suite, and in each cell
// the verdict of the night's last run of that suite on that module, its figures, its evidence level,
// why it failed, and the verdicts of the nights before. A night is the UTC date a run started.
import { describeLimits } from '../suite/measurements.ts';
import type { FigurePart, MatrixRun, RequirementPart } from './runs.ts';

export const MATRIX_FORMAT = 'sim-ota-hil matrix 1';
/** Earlier nights each cell's trend shows. */
export const TREND_NIGHTS = 7;

export interface MatrixModule {
  /** `maker|model|firmware`: the row a cell belongs to. */
  key: string;
  manufacturer: string;
  model: string;
  firmware: string;
  /** The module profiles the rigs named for it. */
  profiles: string[];
}

export interface MatrixCell {
  module: string;
  suiteId: string;
  verdict: string;
  /** Why a cell did not pass: the first test error, a figure out of its limits, or why the run ended early. */
  reason?: string;
  evidence: 'complete' | 'limited';
  limitations: string[];
  figures: FigurePart[];
  run: { runId: string; startedAt: string; night: string; reportDir: string; rig: string; profile: string; faults: string[]; virtual: boolean; status: string };
  /** The verdict of each of the matrix's earlier nights, oldest first; null where this cell did not run. */
  trend: { night: string; verdict: string | null; runId?: string }[];
}

export interface Matrix {
  format: typeof MATRIX_FORMAT;
  night: string;
  /** The earlier nights the trends cover, oldest first. */
  nights: string[];
  generatedAt: string;
  suites: { id: string; title: string }[];
  modules: MatrixModule[];
  cells: MatrixCell[];
  /** Report folders read, this night's and earlier ones. */
  runs: number;
}

export function nightOf(run: MatrixRun): string {
  return run.summary.startedAt.slice(0, 10);
}

function moduleOf({ summary }: MatrixRun): Omit<MatrixModule, 'key' | 'profiles'> {
  const m = summary.module;
  return { manufacturer: m.manufacturer ?? 'unknown maker', model: m.model ?? `unknown model (${summary.rig.module})`, firmware: m.firmware ?? 'unknown firmware' };
}

function moduleKey(run: MatrixRun): string {
  const m = moduleOf(run);
  return [m.manufacturer, m.model, m.firmware].join('|');
}

function failedFigure(f: FigurePart): string {
  return `${f.name}${f.statistic ? ` (${f.statistic})` : ''} = ${f.value} ${f.unit}, outside ${describeLimits(f)}`;
}

function reasonOf(r: RequirementPart, run: MatrixRun): string | undefined {
  if (r.verdict === 'pass') return undefined;
  if (r.verdict === 'not run') return run.summary.abortReason ?? 'the run never reached this suite';
  const error = r.tests.find((t) => t.error)?.error;
  const figure = r.figures.find((f) => f.verdict === r.verdict);
  return error ?? (figure ? failedFigure(figure) : undefined);
}

interface Entry {
  run: MatrixRun;
  requirement: RequirementPart;
}

/** Each cell's last run of each night: `${module}\n${suite}` → night → entry. */
function byCellAndNight(runs: MatrixRun[]): Map<string, Map<string, Entry>> {
  const cells = new Map<string, Map<string, Entry>>();
  const sorted = [...runs].sort((a, b) => a.summary.startedAt.localeCompare(b.summary.startedAt));
  for (const run of sorted) {
    for (const requirement of run.requirements) {
      const key = `${moduleKey(run)}\n${requirement.suiteId}`;
      const nights = cells.get(key) ?? new Map<string, Entry>();
      nights.set(nightOf(run), { run, requirement });
      cells.set(key, nights);
    }
  }
  return cells;
}

export interface MatrixOptions {
  /** The night to show (YYYY-MM-DD); default the latest night any run started. */
  night?: string;
  now?: Date;
}

export function buildMatrix(runs: MatrixRun[], options: MatrixOptions = {}): Matrix {
  const allNights = [...new Set(runs.map(nightOf))].sort();
  const night = options.night ?? allNights.at(-1);
  if (night === undefined || !allNights.includes(night)) {
    throw new Error(`no run started on the night of ${night ?? '(none)'}; nights with runs: ${allNights.join(', ') || 'none'}`);
  }
  const nights = allNights.filter((n) => n < night).slice(-TREND_NIGHTS);
  const cells: MatrixCell[] = [];
  const modules = new Map<string, MatrixModule>();
  const suites = new Map<string, string>();
  for (const [key, byNight] of byCellAndNight(runs)) {
    const tonight = byNight.get(night);
    if (!tonight) continue;
    const { run, requirement: r } = tonight;
    const moduleKeyText = key.split('\n')[0]!;
    const row = modules.get(moduleKeyText) ?? { key: moduleKeyText, ...moduleOf(run), profiles: [] };
    if (!row.profiles.includes(run.summary.rig.module)) row.profiles.push(run.summary.rig.module);
    modules.set(moduleKeyText, row);
    suites.set(r.suiteId, r.title);
    const reason = reasonOf(r, run);
    const { summary } = run;
    cells.push({
      module: moduleKeyText,
      suiteId: r.suiteId,
      verdict: r.verdict,
      ...(reason ? { reason } : {}),
      evidence: r.evidence,
      limitations: r.limitations,
      figures: r.figures,
      run: {
        runId: summary.runId,
        startedAt: summary.startedAt,
        night,
        reportDir: run.reportDir,
        rig: summary.rig.name,
        profile: summary.rig.module,
        faults: summary.rig.faults,
        virtual: summary.rig.serial === 'virtual',
        status: summary.status,
      },
      trend: nights.map((n) => {
        const earlier = byNight.get(n);
        return earlier ? { night: n, verdict: earlier.requirement.verdict, runId: earlier.run.summary.runId } : { night: n, verdict: null };
      }),
    });
  }
  const byText = (a: string, b: string) => a.localeCompare(b);
  return {
    format: MATRIX_FORMAT,
    night,
    nights,
    generatedAt: (options.now ?? new Date()).toISOString(),
    suites: [...suites].map(([id, title]) => ({ id, title })).sort((a, b) => byText(a.id, b.id)),
    modules: [...modules.values()].sort((a, b) => byText(a.key, b.key)),
    cells: cells.sort((a, b) => byText(a.module, b.module) || byText(a.suiteId, b.suiteId)),
    runs: runs.length,
  };
}
