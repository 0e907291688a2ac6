// A signed report folder: manifest.sha256 lists the SHA-256 of every file in the folder (the
// certificate, its HTML page and report.html too) as `sha256sum` prints it, and manifest.sha256.sig
// holds the Ed25519 signature of that listing, base64. With the signer's public key, anyone can
// check that the listing is the signer's and that every file is still as it was when signed.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { hashFile, sha256sumListing, type EvidenceFile } from './evidence.ts';
import { REPORT_FILES } from './paths.ts';
import { writeWhole } from './write-failure.ts';

export const MAKE_KEY_PAIR = 'openssl genpkey -algorithm ed25519 -out hil-signing.pem; openssl pkey -in hil-signing.pem -pubout -out hil-signing.pub.pem';

type KeyKind = 'private' | 'public';

async function readKeyFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'cannot read it (permission denied)' : code === 'EISDIR' ? 'a folder, not a key file' : message;
    throw new Error(`${flag} ${path}: ${why}; make an Ed25519 key pair with: ${MAKE_KEY_PAIR}`);
  }
}

/** An Ed25519 key from a PEM file, with an error naming the file and what was expected otherwise. */
export async function readKey(path: string, kind: KeyKind): Promise<KeyObject> {
  const flag = kind === 'private' ? '--sign' : '--pubkey';
  const pem = await readKeyFile(path, flag);
  const expected = `${flag} takes an Ed25519 ${kind} key in PEM`;
  // A private key would do for checking too, but whoever checks a report must never need it.
  if (kind === 'public' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new Error(`${flag} ${path}: a private key; ${expected}: give its public key (openssl pkey -in ${path} -pubout)`);
  }
  if (kind === 'private' && /-----BEGIN PUBLIC KEY-----/.test(pem)) throw new Error(`${flag} ${path}: a public key; ${expected}`);
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (error) {
    throw new Error(`${flag} ${path}: not a PEM ${kind} key (${(error as Error).message}); ${expected}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${flag} ${path}: an ${key.asymmetricKeyType ?? 'unknown'} key; ${expected}`);
  return key;
}

/** SHA-256 of the public key's DER (SubjectPublicKeyInfo): names the key in messages. */
export function fingerprint(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Every file in the folder but the manifest and its signature, relative with forward slashes, sorted. */
async function folderFiles(reportDir: string): Promise<{ files: string[]; odd: string[] }> {
  const entries = (await readdir(reportDir, { recursive: true, withFileTypes: true })).filter((e) => !e.isDirectory());
  const path = (e: (typeof entries)[number]) => relative(reportDir, join(e.parentPath, e.name)).split(sep).join('/');
  const signing = new Set<string>([REPORT_FILES.manifest, REPORT_FILES.signature]);
  const listed = entries.filter((e) => !signing.has(path(e)));
  // Only regular files are hashed: a link to a device (/dev/zero) would be read forever.
  return { files: listed.filter((e) => e.isFile()).map(path).sort(), odd: listed.filter((e) => !e.isFile()).map(path).sort() };
}

async function hashFolder(reportDir: string): Promise<{ files: EvidenceFile[]; odd: string[] }> {
  const { files, odd } = await folderFiles(reportDir);
  return { files: await Promise.all(files.map((f) => hashFile(reportDir, f))), odd };
}

export interface Signed {
  files: number;
  fingerprint: string;
}

/** Writes manifest.sha256 over every file in the folder and its signature with `key`. */
export async function signReport(reportDir: string, key: KeyObject): Promise<Signed> {
  const { files, odd } = await hashFolder(reportDir);
  if (odd.length > 0) throw new Error(`${odd.join(', ')}: not a regular file; a report folder holds only files and folders`);
  const manifest = sha256sumListing(files);
  const signature = sign(null, Buffer.from(manifest), key).toString('base64');
  await writeWhole(join(reportDir, REPORT_FILES.manifest), manifest);
  await writeWhole(join(reportDir, REPORT_FILES.signature), `${signature}\n`);
  return { files: files.length, fingerprint: fingerprint(key) };
}

const LISTING_LINE = /^([0-9a-f]{64}) {2}(.+)$/;

/** The files of manifest.sha256 by path; a line `sha256sum` would not have written is a problem. */
function parseManifest(text: string): { listed: Map<string, string>; problems: string[] } {
  const listed = new Map<string, string>();
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const match = LISTING_LINE.exec(line);
    if (match) listed.set(match[2]!, match[1]!);
    else problems.push(`${REPORT_FILES.manifest}:${i + 1}:1: expected "<sha256>  <path>", got ${JSON.stringify(line.slice(0, 80))}`);
  });
  return { listed, problems };
}

async function readIfThere(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface SignatureCheck {
  /** Whether the folder holds a manifest at all. */
  signed: boolean;
  /** Files the manifest lists. */
  files: number;
  problems: string[];
}

/**
 * What no longer matches the folder's manifest: files changed, missing or added since it was signed;
 * with `key`, also a signature that is missing or not that key's over the manifest as it is.
 */
export async function checkSignedFolder(reportDir: string, key?: KeyObject): Promise<SignatureCheck> {
  const manifest = await readIfThere(join(reportDir, REPORT_FILES.manifest));
  if (manifest === undefined) {
    return { signed: false, files: 0, problems: key ? [`${REPORT_FILES.manifest}: missing: the folder was never signed (hil report --sign)`] : [] };
  }
  const { listed, problems } = parseManifest(manifest);
  if (key) problems.push(...(await signatureProblems(reportDir, manifest, key)));
  const { files, odd } = await hashFolder(reportDir);
  const now = new Map(files.map((f) => [f.path, f.sha256]));
  for (const [path, sha256] of listed) {
    const found = now.get(path);
    if (found === undefined) problems.push(`${path}: missing since the folder was signed`);
    else if (found !== sha256) problems.push(`${path}: changed since the folder was signed (sha256 ${found}, signed ${sha256})`);
    now.delete(path);
  }
  for (const path of [...now.keys(), ...odd]) problems.push(`${path}: added since the folder was signed`);
  return { signed: true, files: listed.size, problems };
}

async function signatureProblems(reportDir: string, manifest: string, key: KeyObject): Promise<string[]> {
  const text = await readIfThere(join(reportDir, REPORT_FILES.signature));
  if (text === undefined) return [`${REPORT_FILES.signature}: missing: ${REPORT_FILES.manifest} is not signed`];
  const signature = Buffer.from(text.trim(), 'base64');
  if (verify(null, Buffer.from(manifest), key, signature)) return [];
  return [`${REPORT_FILES.signature}: not a signature of ${REPORT_FILES.manifest} by the key ${fingerprint(key)}: signed with another key, or one of the two was edited`];
}
