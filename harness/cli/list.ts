// `hil list`: what a run can be given: the suites (and the suite files that do not load), the
// simulator's faults, the module profiles and the rig files.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, didYouMean, formatProblem } from '../config/index.ts';
import { MODULE_PROFILES, PROFILE_ALIASES } from '../module/index.ts';
import { EXIT, UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import { rigKind } from '../rig/fault-request.ts';
import { loadRigFile } from '../rig/rig-file.ts';
import { FAULTS } from '../sim/faults.ts';
import { isSuiteFileName, loadSuites } from '../suite/suite-file.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KINDS = ['suites', 'faults', 'profiles', 'rigs'] as const;
type Kind = (typeof KINDS)[number];

export const LIST_USAGE = `usage: hil list [suites|faults|profiles|rigs] [options]

Lists what a run can be given; without a kind, all four:
  suites     each suite's id, tags and title, and the suite files that do not load, with their problems
  faults     the virtual module's faults (hil run --fault NAME) and what each breaks
  profiles   the module profiles (a rig file's "module:"), their aliases and what evidence each gives
  rigs       the rig files, each with its name and kind (virtual, simulator or hardware)
  --suites-dir DIR    where suite files are (default suites/)
  --rigs-dir DIR      where rig files are (default rigs/)
  --json              print one JSON object with a key for each kind listed:
                      "suites": [{"id","title","tags","file"}], "brokenSuites": [{"file","problems"}],
                      "faults": [{"name","description"}],
                      "profiles": [{"id","description","evidenceLevel","aliases"}],
                      "rigs": [{"file","name","kind","power","module"}], "brokenRigs": [{"file","problems"}]
                      (problems as "file:line:col: what was expected" strings)`;

async function suites(dir: string) {
  const folder = await loadSuites(dir).catch((error: Error) => {
    throw new UsageError(`hil list: cannot read the suite files in ${dir}: ${error.message}`);
  });
  return {
    suites: folder.suites.map((s) => ({ id: s.id, title: s.title, tags: s.tags, file: s.file })),
    brokenSuites: folder.broken.map((b) => ({ file: b.file, problems: b.problems.map(formatProblem) })),
  };
}

async function rigs(dir: string) {
  const files = await readdir(dir).catch((error: Error) => {
    throw new UsageError(`hil list: cannot read the rig files in ${dir}: ${error.message}`);
  });
  const listed = { rigs: [] as { file: string; name: string; kind: string; power: string; module: string }[], brokenRigs: [] as { file: string; problems: string[] }[] };
  for (const name of files.filter(isSuiteFileName).sort()) {
    const file = join(dir, name);
    try {
      const rig = await loadRigFile(file);
      listed.rigs.push({ file, name: rig.name, kind: rigKind(rig), power: rig.power.type, module: rig.module });
    } catch (error) {
      listed.brokenRigs.push({ file, problems: error instanceof ConfigError ? error.problems.map(formatProblem) : [`${file}: ${(error as Error).message}`] });
    }
  }
  return listed;
}

const faults = () => ({ faults: Object.entries(FAULTS).map(([name, description]) => ({ name, description })) });

const profiles = () => ({
  profiles: Object.values(MODULE_PROFILES).map((p) => ({
    id: p.id,
    description: p.description,
    evidenceLevel: p.evidenceLevel,
    aliases: Object.keys(PROFILE_ALIASES).filter((alias) => PROFILE_ALIASES[alias] === p.id),
  })),
});

type Listing = Partial<Awaited<ReturnType<typeof suites>> & Awaited<ReturnType<typeof rigs>> & ReturnType<typeof faults> & ReturnType<typeof profiles>>;

function print(listing: Listing, out: CliOutput): void {
  const table = (rows: string[][]) => {
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows) out.stdout(`  ${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`.trimEnd());
  };
  const broken = (files: { file: string; problems: string[] }[] | undefined) => {
    for (const b of files ?? []) {
      out.stdout(`  skipped, broken: ${b.file}`);
      for (const p of b.problems) out.stdout(`    ${p}`);
    }
  };
  if (listing.suites) {
    out.stdout('suites:');
    if (listing.suites.length > 0) table(listing.suites.map((s) => [s.id, s.tags.join(',') || '-', s.title]));
    broken(listing.brokenSuites);
  }
  if (listing.faults) {
    out.stdout('faults (virtual rig, hil run --fault NAME):');
    table(listing.faults.map((f) => [f.name, f.description]));
  }
  if (listing.profiles) {
    out.stdout('module profiles (a rig file\'s "module:"):');
    table(listing.profiles.map((p) => [p.id, p.evidenceLevel, `${p.description}${p.aliases.length ? ` (also: ${p.aliases.join(', ')})` : ''}`]));
  }
  if (listing.rigs) {
    out.stdout('rigs:');
    if (listing.rigs.length > 0) table(listing.rigs.map((r) => [r.file, r.name, r.kind, `${r.power} power, module ${r.module}`]));
    broken(listing.brokenRigs);
  }
}

export async function listCommand(args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'suites-dir': { type: 'string', default: join(PROJECT_ROOT, 'suites') },
      'rigs-dir': { type: 'string', default: join(PROJECT_ROOT, 'rigs') },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 1) throw new UsageError(`hil list: expected at most one kind, got ${positionals.join(' ')}\n${LIST_USAGE}`);
  const kind = positionals[0];
  if (kind !== undefined && !KINDS.includes(kind as Kind)) {
    throw new UsageError(`hil list: no kind "${kind}"; known: ${KINDS.join(', ')}${didYouMean(kind, KINDS)}`);
  }
  const wanted = (k: Kind) => kind === undefined || kind === k;
  const listing: Listing = {
    ...(wanted('suites') ? await suites(resolve(values['suites-dir'])) : {}),
    ...(wanted('faults') ? faults() : {}),
    ...(wanted('profiles') ? profiles() : {}),
    ...(wanted('rigs') ? await rigs(resolve(values['rigs-dir'])) : {}),
  };
  if (values.json) out.stdout(JSON.stringify(listing, null, 2));
  else print(listing, out);
  return EXIT.passed;
}
