// SHA-256 of a run's evidence files, so a certificate can be checked against them later: the
// certificate lists each file's hash and one digest over that list (the text `sha256sum` prints).
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { REPORT_FILES } from './paths.ts';

export interface EvidenceFile {
  /** Relative to the report folder, with forward slashes. */
  path: string;
  sha256: string;
  bytes: number;
}

export interface Evidence {
  algorithm: 'sha256';
  files: EvidenceFile[];
  /** SHA-256 of the `sha256sum` listing of `files`. */
  digest: string;
}

/** The records of a run; derived views (the certificate itself, the HTML report) are not evidence. */
const EVIDENCE = [REPORT_FILES.summary, REPORT_FILES.transcript, REPORT_FILES.events, REPORT_FILES.groundTruth, REPORT_FILES.junit, REPORT_FILES.allureResults, REPORT_FILES.timelines, REPORT_FILES.inputs];

async function filesUnder(reportDir: string, name: string): Promise<string[]> {
  const path = join(reportDir, name);
  try {
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => relative(reportDir, join(e.parentPath, e.name)));
  } catch (error) {
    // Only regular files, as in folders: a link to a device (/dev/zero) would be read forever.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return (await lstat(path)).isFile() ? [name] : [];
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function hashFile(reportDir: string, path: string): Promise<EvidenceFile> {
  const content = await readFile(join(reportDir, path));
  return { path: path.split(sep).join('/'), sha256: createHash('sha256').update(content).digest('hex'), bytes: content.length };
}

/** The listing `sha256sum` prints for these files: `sha256sum -c` checks it from the report folder. */
export function sha256sumListing(files: readonly EvidenceFile[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

function digestOf(files: readonly EvidenceFile[]): string {
  return createHash('sha256').update(sha256sumListing(files)).digest('hex');
}

export async function hashEvidence(reportDir: string): Promise<Evidence> {
  const paths = (await Promise.all(EVIDENCE.map((name) => filesUnder(reportDir, name)))).flat().sort();
  const files = await Promise.all(paths.map((path) => hashFile(reportDir, path)));
  return { algorithm: 'sha256', files, digest: digestOf(files) };
}

/** What no longer matches a certificate's evidence: changed, missing or added files, or a tampered listing. */
export async function verifyEvidence(reportDir: string, recorded: Evidence): Promise<string[]> {
  const problems: string[] = [];
  if (digestOf(recorded.files) !== recorded.digest) problems.push('the list of files does not match its digest: the certificate was edited');
  const current = await hashEvidence(reportDir);
  const now = new Map(current.files.map((f) => [f.path, f]));
  for (const file of recorded.files) {
    const found = now.get(file.path);
    if (!found) problems.push(`${file.path}: missing`);
    else if (found.sha256 !== file.sha256) problems.push(`${file.path}: changed (sha256 ${found.sha256}, certified ${file.sha256})`);
    now.delete(file.path);
  }
  for (const path of now.keys()) problems.push(`${path}: not in the certificate`);
  return problems;
}
