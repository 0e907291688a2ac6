// `hil report <report-dir>`: writes a finished run's reports from its folder, checks the folder
// against its certificate (and its signature), or signs it.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunSummary } from '../record/index.ts';
import { verifyCertificate, type Certificate } from '../report/certificate.ts';
import { REPORT_FILES, TREND_NIGHTS, writeRunReports } from '../report/index.ts';
import { checkSignedFolder, MAKE_KEY_PAIR, readKey, signReport } from '../report/signing.ts';
import { UsageError } from '../output/errors.ts';
import { type CliOutput } from '../output/streams.ts';

export const REPORT_USAGE = `usage: hil report <report-dir> [options]

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
                      ${MAKE_KEY_PAIR}`;

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

async function verify(dir: string, pubkey: string | undefined, out: CliOutput): Promise<number> {
  const publicKey = pubkey === undefined ? undefined : await key(pubkey, 'public');
  const certificate = await readJson<Certificate>(join(dir, REPORT_FILES.certificateJson), REPORT_FILES.certificateJson);
  const signed = await checkSignedFolder(dir, publicKey);
  const problems = [...(await verifyCertificate(dir, certificate)), ...signed.problems];
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

async function signFolder(dir: string, privateKey: string, out: CliOutput): Promise<number> {
  const keyObject = await key(privateKey, 'private');
  const certificate = await readJson<Certificate>(join(dir, REPORT_FILES.certificateJson), REPORT_FILES.certificateJson);
  const problems = await verifyCertificate(dir, certificate);
  if (problems.length > 0) {
    for (const problem of problems) out.stderr(`hil report: ${problem}`);
    out.stderr(`hil report: ${dir} does not match its certificate: not signed`);
    return 1;
  }
  const signed = await signReport(dir, keyObject);
  out.stdout(`signed the ${signed.files} files of ${shortPath(dir)} with the key ${signed.fingerprint}: ${REPORT_FILES.manifest}, ${REPORT_FILES.signature}`);
  return 0;
}

/** A path relative to the working directory when it lies under it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export async function reportCommand(args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'no-html': { type: 'boolean', default: false },
      history: { type: 'string' },
      verify: { type: 'boolean', default: false },
      pubkey: { type: 'string' },
      sign: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`hil report: expected one report folder, got ${positionals.length}\n${REPORT_USAGE}`);
  if (values.pubkey !== undefined && !values.verify) throw new UsageError('hil report: --pubkey goes with --verify');
  if (values.sign !== undefined && values.verify) throw new UsageError('hil report: --sign and --verify are two steps; give one');
  const dir = resolve(positionals[0]!);
  if (values.verify) return verify(dir, values.pubkey, out);
  if (values.sign !== undefined) return signFolder(dir, values.sign, out);
  const summary = await readJson<RunSummary>(join(dir, REPORT_FILES.summary), REPORT_FILES.summary);
  const reports = await writeRunReports({
    reportDir: dir,
    summary,
    html: !values['no-html'],
    ...(values.history ? { history: resolve(values.history) } : {}),
  });
  for (const file of reports.files) out.stdout(`wrote ${shortPath(file)}`);
  out.stdout(`certificate verdict: ${reports.verdict}`);
  return 0;
}
