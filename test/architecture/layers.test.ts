// The import layering of harness/ (docs/architecture.md, "Layers"): the folder graph read from the
// import lines of harness/**/*.ts. Every folder sits in one layer, and imports only from the layers
// below its own: no import runs up the layers or sideways, so no import cycle crosses folders.
import { assert, expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const HARNESS = join(ROOT, 'harness');

/** The layers from the bottom up, as docs/architecture.md lists them; folders in one layer do not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ['stk', 'config', 'output', 'record'],
  ['time'],
  ['at', 'energy'],
  ['module'],
  ['ota', 'sim'],
  ['vendor'],
  ['rig'],
  ['suite'],
  ['report'],
  ['results'],
  ['run'],
  ['lab'],
  ['matrix', 'dashboard'],
  ['cli'],
];

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

function describeEdge(graph: FolderGraph, from: string, to: string): string {
  const [first, ...more] = graph.get(from)!.get(to)!;
  return `  ${first!.file}:${first!.line} imports ${first!.specifier}${more.length ? ` (and ${more.length} more ${from} → ${to})` : ''}`;
}

const layerOf = (folder: string) => LAYERS.findIndex((layer) => layer.includes(folder));

/** Each folder in no layer, and each folder import that does not go down the layers, with its first import. */
function layerProblems(graph: FolderGraph): string[] {
  const folders = [...new Set([...graph.keys(), ...[...graph.values()].flatMap((targets) => [...targets.keys()])])].sort();
  const unplaced = folders.filter((folder) => layerOf(folder) < 0)
    .map((folder) => `harness/${folder} is in no layer: place it in LAYERS here and in docs/architecture.md ("Layers")`);
  const upward = [...graph].flatMap(([from, targets]) => [...targets.keys()]
    .filter((to) => layerOf(from) >= 0 && layerOf(to) >= layerOf(from))
    .map((to) => `harness/${from} may import only from the layers below its own, not ${to} (${layerOf(to) === layerOf(from) ? 'the same layer' : 'a layer above'}):\n${describeEdge(graph, from, to)}`));
  return [...unplaced, ...upward];
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
      "import { h } from '../../support/hil-process.ts';",
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
      '11 ../../support/hil-process.ts -',
    ]);
  });

  it('names an import up the layers, one within a layer, and a folder in no layer, with the import that makes each', () => {
    const imports = (from: string, line: number, specifier: string): Import =>
      ({ file: `harness/${from}`, line, specifier, folder: specifier.split('/')[1] });
    const graph = folderGraph([
      imports('rig/controller.ts', 3, '../sim/index.ts'),
      imports('rig/power.ts', 10, '../results/redaction.ts'),
      imports('sim/module.ts', 7, '../ota/observer.ts'),
      imports('sim/applet.ts', 2, '../ota/contexts.ts'),
      imports('time/clock.ts', 3, '../config/index.ts'),
      imports('bench/agent.ts', 1, '../run/session.ts'),
    ]);
    expect(layerProblems(graph)).to.deep.equal([
      'harness/bench is in no layer: place it in LAYERS here and in docs/architecture.md ("Layers")',
      'harness/rig may import only from the layers below its own, not results (a layer above):\n  harness/rig/power.ts:10 imports ../results/redaction.ts',
      'harness/sim may import only from the layers below its own, not ota (the same layer):\n  harness/sim/module.ts:7 imports ../ota/observer.ts (and 1 more sim → ota)',
    ]);
  });

  it('has every folder in a layer and no import that does not go down the layers', () => {
    failOn(layerProblems(folderGraph(harnessImports())));
  });
});
