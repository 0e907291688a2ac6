// What a run ran, kept in its report folder as it was when the run started: copies of the rig file
// and of each suite file, and the harness's version and git commit, so that the certificate vouches
// for the inputs themselves rather than for paths whose files may have changed since.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REPORT_FILES } from './paths.ts';
import { writeWhole } from './write-failure.ts';

/** The harness that ran: its package name and version, and the git commit of its checkout ("unknown" outside one). */
export interface HarnessIdentity {
  name: string;
  version: string;
  commit: string;
}

export interface InputCopy {
  /** The file the run read, as it was named to the run. */
  original: string;
  /** The copy, relative to the report folder, with forward slashes. */
  copy: string;
}

/** inputs/index.json: which copy is which file. */
export interface RunInputs {
  harness: HarnessIdentity;
  rig: InputCopy;
  suites: (InputCopy & { suiteId: string })[];
}

export const INPUTS_INDEX = `${REPORT_FILES.inputs}/index.json`;

const PROJECT_ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const GIT_TIMEOUT_MS = 5_000;

/** The commit checked out at the project root; "unknown" when it is no git checkout of its own (or git is missing). */
async function gitCommit(): Promise<string> {
  const git = (...args: string[]) => promisify(execFile)('git', args, { cwd: PROJECT_ROOT, timeout: GIT_TIMEOUT_MS }).then((r) => r.stdout.trim());
  try {
    // A harness installed inside another project's checkout must not take that project's commit.
    if (resolve(await git('rev-parse', '--show-toplevel')) !== PROJECT_ROOT) return 'unknown';
    return await git('rev-parse', 'HEAD');
  } catch {
    return 'unknown';
  }
}

/** This harness's package name and version. */
export async function harnessPackage(): Promise<Pick<HarnessIdentity, 'name' | 'version'>> {
  const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

export async function harnessIdentity(): Promise<HarnessIdentity> {
  return { ...(await harnessPackage()), commit: await gitCommit() };
}

/** Copies the rig file and the suite files into `inputs/` of the report folder and writes inputs/index.json. */
export async function keepRunInputs(reportDir: string, rigFile: string, suites: readonly { id: string; file: string }[]): Promise<RunInputs> {
  const rig = { original: rigFile, copy: `${REPORT_FILES.inputs}/rig${extname(rigFile) || '.yaml'}` };
  // Suite files come from one folder, so their names are distinct.
  const copies = suites.map((s) => ({ suiteId: s.id, original: s.file, copy: `${REPORT_FILES.inputs}/suites/${basename(s.file)}` }));
  const inputs: RunInputs = { harness: await harnessIdentity(), rig, suites: copies };
  try {
    await mkdir(join(reportDir, REPORT_FILES.inputs, 'suites'), { recursive: true });
    await Promise.all([rig, ...copies].map((c) => copyFile(c.original, join(reportDir, c.copy))));
    await writeWhole(join(reportDir, INPUTS_INDEX), `${JSON.stringify(inputs, null, 2)}\n`);
  } catch (error) {
    throw new Error(`cannot keep the run's rig and suite files in ${join(reportDir, REPORT_FILES.inputs)}: ${(error as Error).message}`);
  }
  return inputs;
}

/** inputs/index.json of a report folder; undefined for a folder written before runs kept their inputs. */
export async function readRunInputs(reportDir: string): Promise<RunInputs | undefined> {
  let text: string;
  try {
    text = await readFile(join(reportDir, INPUTS_INDEX), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as RunInputs;
  } catch (error) {
    throw new Error(`${INPUTS_INDEX}: ${(error as Error).message}`);
  }
}
