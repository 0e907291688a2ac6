// Which suites a run runs: `--suite` ids or suite file paths, `--tag`s, by default the standard ones.
// A broken suite file is skipped, not fatal; the selection says whether the run would have run it.
import { access } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { didYouMean, formatProblem } from '../config/index.ts';
import { UsageError } from '../output/errors.ts';
import type { SkippedSuiteFile } from '../record/index.ts';
import { isBroken, isSuiteFileName, loadSuites, tryLoadSuiteFile, type BrokenSuiteFile, type Suite } from './suite-file.ts';

/** The tag a run without --suite or --tag selects by. */
export const STANDARD_TAG = 'standard';

/** What narrows the selection further: `--grep` over suite ids and titles, `--exclude-tag`. */
export interface SuiteFilters {
  grep?: RegExp;
  excludeTags?: readonly string[];
}

export interface SuiteSelection {
  suites: Suite[];
  skipped: SkippedSuiteFile[];
}

/** A `--suite` value naming a file rather than an id: ids are kebab-case, with no dot or slash. */
const isSuitePath = (request: string) => request.includes('/') || request.includes(sep) || isSuiteFileName(request);

/** Whether the run would have selected `file`; unknown id or tags count as selected. */
function wouldSelect(file: BrokenSuiteFile, ids: readonly string[], tags: readonly string[]): boolean {
  const byId = file.id === undefined ? ids.length > 0 : ids.includes(file.id);
  const byTag = file.tags === undefined ? tags.length > 0 : file.tags.some((t) => tags.includes(t));
  return byId || byTag;
}

const skippedFile = (file: BrokenSuiteFile, selected: boolean): SkippedSuiteFile => ({ file: file.file, problems: file.problems.map(formatProblem), selected });

/**
 * The suites of `dir` that `requests` (ids or suite file paths) and `tags` select, by default those
 * tagged standard, narrowed by `filters`. Throws a UsageError for an id no suite file declares, a path that is no file, or a
 * selection left empty.
 */
export async function selectSuites(dir: string, requests: readonly string[], tags: readonly string[], filters: SuiteFilters = {}): Promise<SuiteSelection> {
  const folder = await loadSuites(dir).catch((error: Error) => {
    throw new UsageError(`hil run: cannot read the suite files: ${error.message}`);
  });
  const ids = requests.filter((r) => !isSuitePath(r));
  const effectiveTags = requests.length === 0 && tags.length === 0 ? [STANDARD_TAG] : tags;
  const known = folder.suites.map((s) => s.id);
  const declaredByBroken = folder.broken.flatMap((b) => (b.id === undefined ? [] : [b.id]));
  for (const id of ids) {
    if (!known.includes(id) && !declaredByBroken.includes(id)) {
      throw new UsageError(`hil run: no suite "${id}"; known: ${known.join(', ')}${didYouMean(id, known)}`);
    }
  }

  const suites = folder.suites.filter((s) => ids.includes(s.id) || s.tags.some((t) => effectiveTags.includes(t)));
  const skipped = folder.broken.map((b) => skippedFile(b, wouldSelect(b, ids, effectiveTags)));
  for (const path of requests.filter(isSuitePath).map((p) => resolve(p))) {
    await access(path).catch(() => {
      throw new UsageError(`hil run: --suite ${path}: no such suite file`);
    });
    const loaded = await tryLoadSuiteFile(path);
    if (isBroken(loaded)) {
      const listed = skipped.find((s) => resolve(s.file) === path);
      if (listed) listed.selected = true;
      else skipped.push(skippedFile(loaded, true));
    } else if (!suites.some((s) => resolve(s.file) === path)) {
      suites.push(loaded);
    }
  }
  const kept = suites.filter((s) => passes(s, filters));
  if (kept.length === 0) throw new UsageError(nothingSelected(folder.suites, skipped, suites.length > 0 ? describeFilters(filters) : undefined));
  return { suites: kept, skipped };
}

function passes(suite: Suite, { grep, excludeTags = [] }: SuiteFilters): boolean {
  if (suite.tags.some((t) => excludeTags.includes(t))) return false;
  return !grep || grep.test(suite.id) || grep.test(suite.title);
}

function describeFilters({ grep, excludeTags = [] }: SuiteFilters): string {
  return [grep ? `--grep ${grep.source}` : '', ...excludeTags.map((t) => `--exclude-tag ${t}`)].filter(Boolean).join(' ');
}

/** `filtered`: the filters that left nothing of a selection that had suites. */
function nothingSelected(suites: readonly Suite[], skipped: readonly SkippedSuiteFile[], filtered?: string): string {
  const tags = [...new Set(suites.flatMap((s) => s.tags))].sort();
  const lines = [
    filtered ? `hil run: no suite selected: ${filtered} left none of the selected suites` : 'hil run: no suite selected',
    `  known suites: ${suites.map((s) => s.id).join(', ') || 'none'}`,
    `  known tags: ${tags.join(', ') || 'none'}`,
    ...skipped.flatMap((s) => [`  skipped, broken: ${s.file}`, ...s.problems.map((p) => `    ${p}`)]),
  ];
  return lines.join('\n');
}
