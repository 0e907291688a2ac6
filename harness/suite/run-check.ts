// What a run checks of what it was asked before it touches the bench, as data: the rig file, the
// faults asked for, the suites selected and every suite file they come from. Nothing here opens a
// port or switches power; `hil check` prints the result, and a run refuses to start on a problem.
import { access } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { ConfigError, didYouMean, formatProblem, type ConfigProblem } from '../config/index.ts';
import { requestedFaults } from '../rig/fault-request.ts';
import { loadRigFile, type Rig } from '../rig/rig-file.ts';
import { parseFaults } from '../sim/faults.ts';
import { unfitStep } from './rig-fit.ts';
import { selectSuites } from './selection.ts';
import { isBroken, isSuiteFileName, loadSuites, tryLoadSuiteFile, type Suite } from './suite-file.ts';

/** A problem in a file (where in it, what was expected) or in a flag's value. */
export interface InputProblem {
  /** The file, or for a flag's value the flag (`--suite`, `--fault`). */
  file: string;
  /** 1-based; 0 for a flag or a file that could not be read. */
  line: number;
  col: number;
  /** Dotted path of the offending key in the file; '' when none. */
  path: string;
  message: string;
}

export interface RunInputs {
  rigFile?: string;
  suitesDir: string;
  /** Suite ids or suite file paths, as `--suite` gives them. */
  suites: readonly string[];
  tags: readonly string[];
  faults: readonly string[];
}

export interface InputsCheck {
  rig?: Rig;
  /** What a run with the same flags would run. */
  suites: Suite[];
  /** Each makes a run refuse to start (or not pass clean): exit 2. */
  problems: InputProblem[];
  /** Broken suite files the selection does not pick: a run skips them and says so. */
  unselected: InputProblem[];
}

export function formatInputProblem(p: InputProblem): string {
  return p.line > 0 ? formatProblem(p) : `${p.file}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

const flagProblem = (flag: string, message: string): InputProblem => ({ file: flag, line: 0, col: 0, path: '', message });

function problemsOf(file: string, error: unknown): InputProblem[] {
  if (error instanceof ConfigError) return error.problems;
  return [{ file, line: 0, col: 0, path: '', message: (error as Error).message }];
}

/** A `--suite` value naming a file, as selection.ts tells them from ids. */
const isSuitePath = (request: string) => request.includes('/') || request.includes(sep) || isSuiteFileName(request);

async function checkRig(rigFile: string | undefined, faults: readonly string[], problems: InputProblem[]): Promise<Rig | undefined> {
  const file = rigFile === undefined ? undefined : resolve(rigFile);
  const rig = file === undefined ? undefined : await loadRigFile(file).catch((error: unknown) => {
    problems.push(...problemsOf(file, error));
    return undefined;
  });
  try {
    if (rig) requestedFaults(rig, faults);
    else parseFaults(faults);
  } catch (error) {
    problems.push(flagProblem('--fault', (error as Error).message));
  }
  return rig;
}

/**
 * Checks a run's rig file, faults and suites as `hil run` would before opening the bench, collecting
 * every problem instead of stopping at the first. Without `suites` and `tags`, every suite file of
 * the folder is held to be selected: a broken one is a problem, not a note.
 */
export async function checkRunInputs(inputs: RunInputs): Promise<InputsCheck> {
  const problems: InputProblem[] = [];
  const rig = await checkRig(inputs.rigFile, inputs.faults, problems);
  const dir = resolve(inputs.suitesDir);
  const folder = await loadSuites(dir).catch((error: Error) => {
    problems.push({ file: dir, line: 0, col: 0, path: '', message: `cannot read the suite files: ${error.message}` });
    return undefined;
  });
  if (!folder) return { ...(rig ? { rig } : {}), suites: [], problems, unselected: [] };

  const known = folder.suites.map((s) => s.id);
  const declared = [...known, ...folder.broken.flatMap((b) => (b.id === undefined ? [] : [b.id]))];
  const requests: string[] = [];
  for (const request of inputs.suites) {
    if (isSuitePath(request)) {
      const found = await access(resolve(request)).then(() => true, () => false);
      if (found) requests.push(request);
      else problems.push(flagProblem('--suite', `${resolve(request)}: no such suite file`));
    } else if (declared.includes(request)) {
      requests.push(request);
    } else {
      problems.push(flagProblem('--suite', `no suite "${request}"; known: ${known.join(', ')}${didYouMean(request, known)}`));
    }
  }
  const everyFile = inputs.suites.length === 0 && inputs.tags.length === 0;
  const brokenByFile = new Map<string, ConfigProblem[]>(folder.broken.map((b) => [resolve(b.file), b.problems]));
  for (const request of requests.filter(isSuitePath)) {
    const loaded = await tryLoadSuiteFile(resolve(request));
    if (isBroken(loaded)) brokenByFile.set(resolve(request), loaded.problems);
  }
  const unselected: InputProblem[] = [];
  let suites: Suite[] = [];
  // Every request unknown leaves nothing to select; the standard suites are not what was asked.
  if (requests.length > 0 || inputs.suites.length === 0) {
    try {
      const selection = await selectSuites(dir, requests, inputs.tags);
      suites = everyFile ? folder.suites : selection.suites;
      for (const skipped of selection.skipped) {
        (everyFile || skipped.selected ? problems : unselected).push(...(brokenByFile.get(resolve(skipped.file)) ?? []));
      }
    } catch (error) {
      // Nothing selected: selection.ts words it for hil run, with the known suites and tags; the
      // broken files it names follow as problems of their own.
      const lines = (error as Error).message.replace(/^hil run: /, '').split('\n').filter((line) => !/^\s+(skipped|\/|\S+:\d)/.test(line));
      problems.push(flagProblem(inputs.tags.length > 0 ? '--tag' : '--suite', lines.join('\n')));
      const requested = new Set(requests.filter(isSuitePath).map((r) => resolve(r)));
      for (const b of folder.broken) if (everyFile || (b.id !== undefined && requests.includes(b.id))) requested.add(resolve(b.file));
      for (const file of requested) problems.push(...(brokenByFile.get(file) ?? []));
    }
  }
  // Every suite of the folder is held to its own file's rules, not to this rig: only a selection must fit it.
  if (rig && !everyFile) {
    for (const suite of suites) {
      const unfit = unfitStep(suite, rig);
      if (unfit) problems.push({ file: suite.file, line: 0, col: 0, ...unfit });
    }
  }
  return { ...(rig ? { rig } : {}), suites, problems, unselected };
}
