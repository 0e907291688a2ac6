// Loads YAML config files (rigs, suites) through a zod schema. Every problem is reported with the
// file, line and column of the YAML node it concerns, so the author can jump straight to it.
import { open } from 'node:fs/promises';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { excessiveAlias, MAX_ALIASED_VALUES } from './aliases.ts';
import { describeIssue, didYouMean } from './messages.ts';

export { didYouMean, expectedGot, expecting } from './messages.ts';

export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted path of the offending key, e.g. `power.line.chip` or `steps[2].at.match`; '' for YAML syntax. */
  path: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * superRefine option for cross-field rules: run only on input that passed every other check. zod runs
 * refinements despite non-fatal issues (an unknown key, a bad duration), when values may be missing.
 */
export const onlyWhenValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

type Path = readonly PropertyKey[];

function formatPath(path: Path): string {
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${String(segment)}`))
    .join('');
}

/** A parsed YAML text that can say where any path in it is. */
class YamlSource {
  readonly lines = new LineCounter();
  readonly doc: Document.Parsed;

  constructor(text: string, readonly file: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
  }

  /** YAML syntax errors; on a file free of them, an alias bomb. */
  documentProblems(): ConfigProblem[] {
    const problems = this.doc.errors.map((e) => {
      // The parser's own wording for this one names its API, not the file's problem.
      const message = e.code === 'MULTIPLE_DOCS' ? 'expected one YAML document, got several (separated by ---)' : e.message;
      return this.problem(e.pos[0], [], `YAML syntax error: ${message}`);
    });
    const alias = problems.length === 0 ? excessiveAlias(this.doc) : undefined;
    if (alias) {
      const message = `expected aliases that repeat at most ${MAX_ALIASED_VALUES} values in all, got more by this one (an alias bomb?)`;
      problems.push(this.problem(alias.range?.[0] ?? 0, [], message));
    }
    return problems;
  }

  /**
   * Offset of the node at `path`: of its key when `atKey`, else of its value. A path the file does not
   * contain (a missing key) resolves to the deepest map or list that exists on the way.
   */
  offsetOf(path: Path, atKey = false): number {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      let next: { key: unknown; value: unknown } | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
        next = pair && { key: pair.key, value: pair.value ?? pair.key };
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        next = { key: node.items[segment], value: node.items[segment] };
      }
      if (!next) break;
      keyNode = next.key;
      node = next.value;
    }
    const target = (atKey ? keyNode : node) ?? node;
    return (target as Node | null)?.range?.[0] ?? 0;
  }

  problem(offset: number, path: Path, message: string): ConfigProblem {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col, path: formatPath(path), message };
  }
}

function schemaProblems(source: YamlSource, issues: readonly z.core.$ZodIssue[], knownKeys: Map<string, string[]>): ConfigProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      // One problem per key, each pointing at the key itself.
      const known = knownKeys.get(formatPath(issue.path)) ?? [];
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        return source.problem(source.offsetOf(path, true), path, `unknown key${didYouMean(key, known)}`);
      });
    }
    return [source.problem(source.offsetOf(issue.path), issue.path, issue.message)];
  });
}

/** Parses YAML `text` (named `sourceName` in messages) and validates it; throws ConfigError listing every problem. */
export function parseYamlText<S extends z.ZodType>(text: string, sourceName: string, schema: S): z.output<S> {
  const source = new YamlSource(text, sourceName);
  const documentProblems = source.documentProblems();
  if (documentProblems.length > 0) throw new ConfigError(documentProblems);

  // zod reports unknown keys without the allowed ones; collect those here for the "did you mean" hint.
  const knownKeys = new Map<string, string[]>();
  // The yaml package's own guard, set to the limit excessiveAlias() has already held the file to.
  const result = schema.safeParse(source.doc.toJS({ maxAliasCount: MAX_ALIASED_VALUES }), {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        knownKeys.set(formatPath(issue.path ?? []), Object.keys((issue.inst as z.ZodObject).shape));
      }
      return describeIssue(issue);
    },
  });
  if (!result.success) {
    const problems = schemaProblems(source, result.error.issues, knownKeys);
    throw new ConfigError(problems.sort((a, b) => a.line - b.line || a.col - b.col));
  }
  return result.data;
}

/** Larger files are refused unread: configs are a few kilobytes, and parsing YAML takes many times a file's size in memory. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** The text of the config file at `path`; a folder or an oversized file is a ConfigError. */
async function readConfigFile(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const stats = await file.stat();
    const refuse = (message: string) => new ConfigError([{ file: path, line: 1, col: 1, path: '', message }]);
    if (stats.isDirectory()) throw refuse('expected a YAML file, got a folder');
    if (stats.size > MAX_CONFIG_FILE_BYTES) {
      throw refuse(`expected a config file of at most 1 MiB (${MAX_CONFIG_FILE_BYTES} bytes), got ${stats.size} bytes`);
    }
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}

export async function loadYamlFile<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  return parseYamlText(await readConfigFile(path), path, schema);
}

/** A problem found after loading (e.g. across files), located at `path` inside the YAML `text`. */
export function problemAt(text: string, sourceName: string, path: Path, message: string): ConfigProblem {
  const source = new YamlSource(text, sourceName);
  return source.problem(source.offsetOf(path), path, message);
}
