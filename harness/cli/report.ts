// `hil report <report-dir>`: writes a finished run's reports from its folder, checks the folder
// against its certificate (and its signature), or signs it; `hil report prune` removes old run folders.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunSummary } from '../record/index.ts';
import { verifyCertificate, type Certificate } from '../report/certificate.ts';
import { REPORT_FILES, TREND_NIGHTS, writeRunReports } from '../report/index.ts';
import { checkSignedFolder, MAKE_KEY_PAIR, readKey, signReport } from '../report/signing.ts';
import { pruneReports } from '../report/prune.ts';
import { UsageError } from '../output/errors.ts';
import { type CliOutput } from '../output/streams.ts';
import { parseDuration } from '../time/duration.ts';
import { flagValue } from './flags.ts';

export const REPORT_USAGE = `usage: hil report <report-dir> [options]
       hil report prune <reports-root> --keep N [--older-than DUR] [--dry-run] [--json]

Writes the reports of the run in <report-dir>, a folder hil run wrote:
  ${REPORT_FILES.junit.padEnd(20)}JUnit XML for CI systems
  ${REPORT_FILES.certificateHtml.padEnd(20)}the certification summary; ${REPORT_FILES.certificateJson} holds it with the
                      hashes of the evidence files it rests on
  ${REPORT_FILES.html.padEnd(20)}the allure report as one file that opens from disk, offline

  --no-html           skip ${REPORT_FILES.html}
  --history DIR       keep allure's history and each run's figures in DIR (the same DIR every night):
                      ${REPORT_FILES.html} then shows trends, the certificate the last ${TREND_NIGHTS} nights
  --verify            write nothing; check the evidence files against ${REPORT_FILES.certificateJson}
                      and its verdicts against ${REPORT_FILES.summary}, and exit 1 if a file was
                      changed, removed or added, or a verdict does not follow from the evidence;
                      in a signed folder, also every file against ${REPORT_FILES.manifest}
  --pubkey FILE       with --verify: also check ${REPORT_FILES.signature} with this Ed25519 public key (PEM)
  --sign FILE         write nothing else; check the folder as --verify does, then list the SHA-256 of
                      every file in ${REPORT_FILES.manifest} and sign it with this Ed25519 private key
                      (PEM) into ${REPORT_FILES.signature}. Make a key pair with:
                      ${MAKE_KEY_PAIR}
  --json              print what was done as one JSON object instead of lines:
                      writing: {"reportDir","files": [path],"verdict"}
                      --verify: {"reportDir","ok","runId","digest","evidenceFiles","problems": [text],
                                 "signature": "good"|"bad"|"unchecked"|"unsigned","manifestFiles"}
                      --sign: {"reportDir","ok","problems": [text],"files","fingerprint","written": [path]}

hil report prune removes whole run report folders (those with a summary.json; never a history
folder, a run under way or anything else) from <reports-root>: those beyond the newest N runs by
their start; with --older-than also, only those of them that started longer ago than DUR ("30 d");
with --older-than alone, every run that did. --dry-run says what would go and removes nothing.
  --json              {"root","dryRun","removed": [{"dir","runId","startedAt"}],"kept": [...],
                       "ignored": [{"path","why"}]}`;

async function readJson<T>(path: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(`hil report: ${missing ? `no ${what} in ${resolve(path, '..')}` : `${path}: ${(error as Error).message}`}`);
  }
}

/** The key of `--sign` or `--pubkey`; a key that cannot be used is a usage error. */
async function key(path: string, kind: 'private' | 'public') {
  try {
    return await readKey(resolve(path), kind);
  } catch (error) {
    throw new UsageError(`hil report: ${(error as Error).message}`);
  }
}

async function verify(dir: string, pubkey: string | undefined, out: CliOutput, json: boolean): Promise<number> {
  const publicKey = pubkey === undefined ? undefined : await key(pubkey, 'public');
  const certificate = await readJson<Certificate>(join(dir, REPORT_FILES.certificateJson), REPORT_FILES.certificateJson);
  const signed = await checkSignedFolder(dir, publicKey);
  const problems = [...(await verifyCertificate(dir, certificate)), ...signed.problems];
  if (json) {
    out.stdout(JSON.stringify({
      reportDir: dir,
      ok: problems.length === 0,
      runId: certificate.runId,
      digest: certificate.evidence.digest,
      evidenceFiles: certificate.evidence.files.length,
      problems,
      signature: publicKey ? (signed.problems.length === 0 ? 'good' : 'bad') : signed.signed ? 'unchecked' : 'unsigned',
      manifestFiles: signed.files,
    }, null, 2));
    return problems.length > 0 ? 1 : 0;
  }
  if (problems.length > 0) {
    for (const problem of problems) out.stderr(`hil report: ${problem}`);
    out.stderr(`hil report: ${dir} does not match its ${publicKey ? 'signature and ' : ''}certificate (digest ${certificate.evidence.digest})`);
    return 1;
  }
  out.stdout(`all ${certificate.evidence.files.length} evidence files match the certificate of run ${certificate.runId} (digest ${certificate.evidence.digest})`);
  if (publicKey) out.stdout(`the signature of ${REPORT_FILES.manifest} is good, and all ${signed.files} files of the folder match it`);
  else if (signed.signed) out.stdout(`all ${signed.files} files of the folder match ${REPORT_FILES.manifest}; its signature was not checked: give --pubkey`);
  return 0;
}

async function signFolder(dir: string, privateKey: string, out: CliOutput, json: boolean): Promise<number> {
  const keyObject = await key(privateKey, 'private');
  const certificate = await readJson<Certificate>(join(dir, REPORT_FILES.certificateJson), REPORT_FILES.certificateJson);
  const problems = await verifyCertificate(dir, certificate);
  if (json && problems.length > 0) {
    out.stdout(JSON.stringify({ reportDir: dir, ok: false, problems }, null, 2));
    return 1;
  }
  if (problems.length > 0) {
    for (const problem of problems) out.stderr(`hil report: ${problem}`);
    out.stderr(`hil report: ${dir} does not match its certificate: not signed`);
    return 1;
  }
  const signed = await signReport(dir, keyObject);
  if (json) {
    const written = [REPORT_FILES.manifest, REPORT_FILES.signature].map((file) => join(dir, file));
    out.stdout(JSON.stringify({ reportDir: dir, ok: true, problems, files: signed.files, fingerprint: signed.fingerprint, written }, null, 2));
    return 0;
  }
  out.stdout(`signed the ${signed.files} files of ${shortPath(dir)} with the key ${signed.fingerprint}: ${REPORT_FILES.manifest}, ${REPORT_FILES.signature}`);
  return 0;
}

/** A path relative to the working directory when it lies under it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

async function pruneCommand(args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      keep: { type: 'string' },
      'older-than': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`hil report prune: expected one folder of run report folders, got ${positionals.length}\n${REPORT_USAGE}`);
  const keep = flagValue('hil report prune', '--keep', values.keep, runCount);
  const olderThan = flagValue('hil report prune', '--older-than', values['older-than'], (text) => parseDuration(text));
  if (keep === undefined && olderThan === undefined) throw new UsageError('hil report prune: give --keep N, --older-than DUR or both');
  const root = resolve(positionals[0]!);
  const pruned = await pruneReports(root, { ...(keep !== undefined ? { keep } : {}), ...(olderThan !== undefined ? { olderThan } : {}), dryRun: values['dry-run'] }).catch((error: Error) => {
    throw new UsageError(`hil report prune: ${error.message}`);
  });
  if (values.json) {
    out.stdout(JSON.stringify({ root, dryRun: values['dry-run'], ...pruned }, null, 2));
    return 0;
  }
  const verb = values['dry-run'] ? 'would remove' : 'removed';
  for (const run of pruned.removed) out.stdout(`${verb} ${shortPath(run.dir)} (run ${run.runId}, started ${run.startedAt})`);
  out.stdout(`${verb} ${pruned.removed.length} run folder(s), kept ${pruned.kept.length}; left alone ${pruned.ignored.length} other entr${pruned.ignored.length === 1 ? 'y' : 'ies'}`);
  return 0;
}

function runCount(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new Error(`takes a whole number of runs, got "${text}"`);
  return value;
}

export async function reportCommand(args: string[], out: CliOutput): Promise<number> {
  if (args[0] === 'prune') return pruneCommand(args.slice(1), out);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'no-html': { type: 'boolean', default: false },
      history: { type: 'string' },
      verify: { type: 'boolean', default: false },
      pubkey: { type: 'string' },
      sign: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`hil report: expected one report folder, got ${positionals.length}\n${REPORT_USAGE}`);
  if (values.pubkey !== undefined && !values.verify) throw new UsageError('hil report: --pubkey goes with --verify');
  if (values.sign !== undefined && values.verify) throw new UsageError('hil report: --sign and --verify are two steps; give one');
  const dir = resolve(positionals[0]!);
  if (values.verify) return verify(dir, values.pubkey, out, values.json);
  if (values.sign !== undefined) return signFolder(dir, values.sign, out, values.json);
  const summary = await readJson<RunSummary>(join(dir, REPORT_FILES.summary), REPORT_FILES.summary);
  const reports = await writeRunReports({
    reportDir: dir,
    summary,
    html: !values['no-html'],
    ...(values.history ? { history: resolve(values.history) } : {}),
  });
  if (values.json) {
    out.stdout(JSON.stringify({ reportDir: dir, files: reports.files, verdict: reports.verdict }, null, 2));
    return 0;
  }
  for (const file of reports.files) out.stdout(`wrote ${shortPath(file)}`);
  out.stdout(`certificate verdict: ${reports.verdict}`);
  return 0;
}
