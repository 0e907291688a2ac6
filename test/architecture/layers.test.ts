// The import layering of harness/ (docs/architecture.md, "Import layering"): the folder graph read
// from the import lines of harness/**/*.ts. A cycle between folders fails unless it is one of the
// known debts listed below and in docs/architecture.md; stk, config, time and record stay foundations.
import { assert, expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const HARNESS = join(ROOT, 'harness');

/**
 * The cycles between folders that the known debts of docs/architecture.md make, as they stand now:
 * results → rig (RigController), results → suite and report → suite (describeLimits, the suite
 * file), rig → results (redaction.ts), results → cli (printable.ts) and run → cli (output.ts,
 * results-options.ts).
 * Each starts at its alphabetically first folder. A cycle not listed here fails the test.
 */
const ALLOWED_CYCLES = [
  'report → suite → report',
  'results → rig → results',
];

/** The folders everything else builds on, and the only harness folders each may import from. */
const FOUNDATIONS: Record<string, readonly string[]> = { stk: [], config: [], time: ['config'], record: [], output: [] };

interface Import {
  /** The importing file, relative to the repository. */
  file: string;
  line: number;
  specifier: string;
  /** The harness folder the import reaches; undefined for a package or a path outside harness/. */
  folder: string | undefined;
}

/** Folder → imported folder → the imports that make the edge. */
type FolderGraph = Map<string, Map<string, Import[]>>;

const IMPORT_LINE = /\b(?:import|export)\s+(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function harnessFolder(path: string): string | undefined {
  const inside = relative(HARNESS, path);
  if (inside.startsWith('..') || !inside.includes(sep)) return undefined;
  return inside.split(sep)[0];
}

/** The imports of `source`, the text of `file` (an absolute path). */
function importsOf(file: string, source: string): Import[] {
  return [...source.matchAll(IMPORT_LINE)].map((match) => {
    const specifier = (match[1] ?? match[2])!;
    return {
      file: relative(ROOT, file),
      line: source.slice(0, match.index).split('\n').length,
      specifier,
      folder: specifier.startsWith('.') ? harnessFolder(resolve(dirname(file), specifier)) : undefined,
    };
  });
}

function tsFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function folderGraph(imports: readonly Import[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const imported of imports) {
    const from = harnessFolder(join(ROOT, imported.file));
    if (!from || !imported.folder || imported.folder === from) continue;
    const targets = graph.get(from) ?? graph.set(from, new Map()).get(from)!;
    targets.set(imported.folder, [...(targets.get(imported.folder) ?? []), imported]);
  }
  return graph;
}

/** Every elementary cycle of the graph, each once, starting at its alphabetically first folder. */
function cycles(graph: FolderGraph): string[][] {
  const found: string[][] = [];
  const walk = (start: string, path: string[]) => {
    for (const next of graph.get(path.at(-1)!)?.keys() ?? []) {
      if (next === start) found.push([...path, start]);
      else if (next > start && !path.includes(next)) walk(start, [...path, next]);
    }
  };
  for (const start of [...graph.keys()].sort()) walk(start, [start]);
  return found;
}

function describeEdge(graph: FolderGraph, from: string, to: string): string {
  const [first, ...more] = graph.get(from)!.get(to)!;
  return `  ${first!.file}:${first!.line} imports ${first!.specifier}${more.length ? ` (and ${more.length} more ${from} → ${to})` : ''}`;
}

const edgesOf = (cycle: readonly string[]) => cycle.slice(1).map((to, i) => `${cycle[i]} → ${to}`);

/** The cycles not allowed, each with its chain; first the folder imports that close them and no allowed cycle has. */
function cycleProblems(graph: FolderGraph): string[] {
  const notAllowed = cycles(graph).filter((cycle) => !ALLOWED_CYCLES.includes(cycle.join(' → ')));
  if (notAllowed.length === 0) return [];
  const knownEdges = new Set(ALLOWED_CYCLES.flatMap((cycle) => edgesOf(cycle.split(' → '))));
  const newEdges = [...new Set(notAllowed.flatMap(edgesOf))].filter((edge) => !knownEdges.has(edge));
  return [
    `folder imports that close a cycle no known debt explains: ${newEdges.join(', ')}`,
    ...notAllowed.map((cycle) => [
      `import cycle between harness folders that docs/architecture.md ("Known debts") does not allow: ${cycle.join(' → ')}`,
      ...cycle.slice(1).map((to, i) => describeEdge(graph, cycle[i]!, to)),
    ].join('\n')),
  ];
}

function foundationProblems(graph: FolderGraph): string[] {
  return Object.entries(FOUNDATIONS).flatMap(([folder, allowed]) =>
    [...(graph.get(folder)?.keys() ?? [])]
      .filter((to) => !allowed.includes(to))
      .map((to) => `harness/${folder} is a foundation and may import only from ${allowed.join(', ') || 'no other harness folder'}, not ${to}:\n${describeEdge(graph, folder, to)}`));
}

function harnessImports(): Import[] {
  return tsFiles(HARNESS).flatMap((file) => importsOf(file, readFileSync(file, 'utf8')));
}

function failOn(problems: string[]): void {
  if (problems.length) assert.fail(problems.join('\n'));
}

describe('harness folder layering', () => {
  it('reads static, type-only, multi-line, re-export, side-effect and dynamic imports', () => {
    const source = [
      "import { a } from '../at/index.ts';",
      "import type { B } from '../ota/observer.ts';",
      'import {',
      '  c,',
      '  type D,',
      "} from './local.ts';",
      "export { e } from '../stk/index.ts';",
      "import '../rig/safe-state.ts';",
      "const f = await import('../report/index.ts');",
      "import { g } from 'node:fs';",
      "import { h } from '../../test/e2e/cli.ts';",
    ].join('\n');
    const found = importsOf(join(HARNESS, 'suite', 'x.ts'), source).map((i) => `${i.line} ${i.specifier} ${i.folder ?? '-'}`);
    expect(found).to.deep.equal([
      '1 ../at/index.ts at',
      '2 ../ota/observer.ts ota',
      '3 ./local.ts suite',
      '7 ../stk/index.ts stk',
      '8 ../rig/safe-state.ts rig',
      '9 ../report/index.ts report',
      '10 node:fs -',
      '11 ../../test/e2e/cli.ts -',
    ]);
  });

  it('names the import chain of a cycle that is not a known debt, and a foundation importing beyond its own', () => {
    const imports = (from: string, line: number, specifier: string): Import =>
      ({ file: `harness/${from}`, line, specifier, folder: specifier.split('/')[1] });
    const graph = folderGraph([
      imports('results/summary.ts', 5, '../rig/controller.ts'),
      imports('rig/power.ts', 10, '../results/redaction.ts'),
      imports('rig/controller.ts', 3, '../sim/index.ts'),
      imports('rig/power.ts', 4, '../sim/index.ts'),
      imports('sim/module.ts', 7, '../rig/serial.ts'),
      imports('time/duration.ts', 4, '../config/index.ts'),
      imports('time/clock.ts', 3, '../suite/steps.ts'),
    ]);
    expect(cycleProblems(graph)).to.deep.equal([
      'folder imports that close a cycle no known debt explains: rig → sim, sim → rig',
      'import cycle between harness folders that docs/architecture.md ("Known debts") does not allow: rig → sim → rig\n' +
        '  harness/rig/controller.ts:3 imports ../sim/index.ts (and 1 more rig → sim)\n' +
        '  harness/sim/module.ts:7 imports ../rig/serial.ts',
    ]);
    expect(foundationProblems(graph)).to.deep.equal([
      'harness/time is a foundation and may import only from config, not suite:\n  harness/time/clock.ts:3 imports ../suite/steps.ts',
    ]);
  });

  it('has no import cycle between folders beyond the known debts', () => {
    failOn(cycleProblems(folderGraph(harnessImports())));
  });

  it('keeps stk, config, time, record and output to themselves (time imports only config)', () => {
    failOn(foundationProblems(folderGraph(harnessImports())));
  });
});
