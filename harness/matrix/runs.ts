// The runs a matrix is built from: each report folder's summary.json (the module, the rig, when it
// ran) and certificate.json (each requirement's verdict, figures and evidence), checked before use,
// so a broken or foreign file is named with its line rather than shown as a wrong cell.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, parseYamlText } from '../config/index.ts';
import { UsageError } from '../output/errors.ts';
import { REPORT_FILES } from '../report/paths.ts';

const text = z.string();
const optionalText = text.optional();

const summarySchema = z.object({
  runId: text,
  status: z.enum(['passed', 'failed', 'aborted', 'incomplete']),
  abortReason: optionalText,
  startedAt: z.iso.datetime(),
  rig: z.object({ name: text, serial: text, module: text, faults: z.array(text), evidence: optionalText }),
  module: z.object({ manufacturer: optionalText, model: optionalText, firmware: optionalText }),
});

const figureSchema = z.object({
  name: text,
  value: z.number(),
  unit: text,
  verdict: text,
  uncertainty: z.number().optional(),
  statistic: optionalText,
  min: z.number().optional(),
  max: z.number().optional(),
});

const certificateSchema = z.object({
  runId: text,
  requirements: z.array(
    z.object({
      suiteId: text,
      title: text,
      verdict: text,
      tests: z.array(z.object({ title: text, status: text, error: optionalText })),
      figures: z.array(figureSchema),
      evidence: z.enum(['complete', 'limited']),
      limitations: z.array(text),
    }),
  ),
});

export type RunSummaryPart = z.infer<typeof summarySchema>;
export type RequirementPart = z.infer<typeof certificateSchema>['requirements'][number];
export type FigurePart = z.infer<typeof figureSchema>;

/** One finished run, as the matrix reads it. */
export interface MatrixRun {
  reportDir: string;
  summary: RunSummaryPart;
  requirements: RequirementPart[];
}

/** `file:line:col: expected JSON: ...` for text JSON.parse refuses. */
function jsonProblem(file: string, content: string, error: Error): ConfigError {
  const at = Number(/at position (\d+)/.exec(error.message)?.[1] ?? content.length);
  const before = content.slice(0, at).split('\n');
  const message = `expected JSON: ${error.message.replace(/ in JSON at position \d+.*$/, '')}`;
  return new ConfigError([{ file, line: before.length, col: before.at(-1)!.length + 1, path: '', message }]);
}

async function readJsonFile<S extends z.ZodType>(reportDir: string, name: string, schema: S): Promise<z.output<S>> {
  const file = join(reportDir, name);
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`hil matrix: ${file}: no such file: ${reportDir} is not the report folder of a finished run`);
    throw new UsageError(`hil matrix: ${file}: cannot read it (${code ?? (error as Error).message})`);
  }
  try {
    JSON.parse(content);
  } catch (error) {
    throw jsonProblem(file, content, error as Error);
  }
  // JSON is YAML: parsed again there, each problem says its line and column.
  return parseYamlText(content, file, schema);
}

export async function readRun(reportDir: string): Promise<MatrixRun> {
  const summary = await readJsonFile(reportDir, REPORT_FILES.summary, summarySchema);
  const certificate = await readJsonFile(reportDir, REPORT_FILES.certificateJson, certificateSchema);
  if (certificate.runId !== summary.runId) {
    throw new UsageError(`hil matrix: ${join(reportDir, REPORT_FILES.certificateJson)}: it is the certificate of run ${certificate.runId}, but ${REPORT_FILES.summary} is of run ${summary.runId}`);
  }
  return { reportDir, summary, requirements: certificate.requirements };
}

/** How deep under a root report folders are looked for (reports/<run-id>, reports/<bench>/<run-id>, ...). */
const SEARCH_DEPTH = 4;

/**
 * Every folder under `root` holding a summary.json, not looking inside one. A folder with events but
 * no summary is a run under way or cut short: it is passed over, and said in `skipped`.
 */
export async function findReportFolders(root: string, skipped: (dir: string) => void, depth = SEARCH_DEPTH): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`hil matrix: --reports ${root}: cannot read it (${error.code ?? error.message})`);
  });
  const names = new Set(entries.map((e) => e.name));
  if (names.has(REPORT_FILES.summary)) return [root];
  if (names.has(REPORT_FILES.events)) {
    skipped(root);
    return [];
  }
  if (depth === 0) return [];
  const folders = entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name)).sort();
  return (await Promise.all(folders.map((dir) => findReportFolders(dir, skipped, depth - 1)))).flat();
}

/** A folder named on the command line must exist and be a folder. */
export async function checkFolder(dir: string): Promise<string> {
  const stats = await stat(dir).catch(() => undefined);
  if (!stats?.isDirectory()) throw new UsageError(`hil matrix: ${dir}: no such folder`);
  return dir;
}
