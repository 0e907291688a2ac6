// A report folder a certifier can trust: a real run on the virtual rig keeps its rig and suite files,
// `hil report --sign` signs every file of its folder, and `hil report --verify --pubkey` names any file
// edited since, or a key that is not the signer's. JUnit times are wall seconds; an aborted run says why.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportCommand } from '../../harness/cli/report.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import type { Certificate } from '../../harness/report/certificate.ts';
import { keepRunInputs } from '../../harness/report/run-inputs.ts';
import { hashEvidence } from '../../harness/report/evidence.ts';
import { runHil, startHil } from '../../support/hil-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `hil report` in-process: its exit code and what it wrote, or the usage error it threw. */
async function report(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  try {
    const code = await reportCommand(args, { stdout: (t) => void (out.stdout += `${t}\n`), stderr: (t) => void (out.stderr += `${t}\n`) });
    return { code, ...out };
  } catch (error) {
    return { code: 2, ...out, stderr: `${out.stderr}${(error as Error).message}\n` };
  }
}

function keyPair(dir: string, name: string, algorithm = 'ed25519'): { priv: string; pub: string } {
  const priv = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub.pem`);
  execFileSync('openssl', ['genpkey', '-algorithm', algorithm, '-out', priv], { stdio: 'ignore' });
  execFileSync('openssl', ['pkey', '-in', priv, '-pubout', '-out', pub], { stdio: 'ignore' });
  return { priv, pub };
}

describe('a signed report folder', function () {
  this.timeout(60_000);
  let dir: string;
  let signed: string;
  let keys: { priv: string; pub: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-signed-'));
    signed = join(dir, 'run');
    const run = await runHil(['run', '--no-broker', '--no-html', '--seed', '4', '--suite', 'boot-delay', '--report-dir', signed], 50_000);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    keys = keyPair(dir, 'signer');
    const sign = await report([signed, '--sign', keys.priv]);
    expect(sign.code, sign.stderr).to.equal(0);
    expect(sign.stdout).to.match(/^signed the \d+ files of .* with the key [0-9a-f]{64}: manifest\.sha256, manifest\.sha256\.sig\n$/);
  });

  after(() => rm(dir, { recursive: true, force: true }));

  /** A copy of the signed folder, to edit. */
  async function copyOfSigned(name: string): Promise<string> {
    const copy = join(dir, name);
    await cp(signed, copy, { recursive: true });
    return copy;
  }

  it('verifies with the signer\'s public key', async () => {
    const verified = await report([signed, '--verify', '--pubkey', keys.pub]);
    expect(verified.stderr).to.equal('');
    expect(verified.stdout).to.match(/the signature of manifest\.sha256 is good, and all \d+ files of the folder match it\n$/);
    expect(verified.code).to.equal(0);
  });

  const edits = ['summary.json', 'junit.xml', 'transcript.log', 'events.jsonl', 'inputs/suites/boot-delay.yaml', 'inputs/rig.yaml', 'certificate.json', 'certificate.html'];
  for (const file of edits) {
    it(`fails once ${file} is edited, naming it`, async () => {
      const copy = await copyOfSigned(`edit-${file.replaceAll('/', '-')}`);
      await writeFile(join(copy, file), `${await readFile(join(copy, file), 'utf8')} `);
      const verified = await report([copy, '--verify', '--pubkey', keys.pub]);
      expect(verified.code).to.equal(1);
      expect(verified.stderr).to.contain(`hil report: ${file}: changed since the folder was signed`);
    });
  }

  it('fails for a file added to the folder, and for an edited manifest', async () => {
    const copy = await copyOfSigned('added');
    await writeFile(join(copy, 'notes.txt'), 'verdict: pass\n');
    await writeFile(join(copy, 'manifest.sha256'), `${await readFile(join(copy, 'manifest.sha256'), 'utf8')}${'0'.repeat(64)}  notes.txt\n`);
    const verified = await report([copy, '--verify', '--pubkey', keys.pub]);
    expect(verified.code).to.equal(1);
    expect(verified.stderr).to.contain('hil report: manifest.sha256.sig: not a signature of manifest.sha256 by the key');
    expect(verified.stderr).to.contain('hil report: notes.txt: changed since the folder was signed');
  });

  it('fails with another public key, and for a folder never signed', async () => {
    const other = keyPair(dir, 'other');
    const wrong = await report([signed, '--verify', '--pubkey', other.pub]);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/manifest\.sha256\.sig: not a signature of manifest\.sha256 by the key [0-9a-f]{64}: signed with another key/);
    const unsigned = await copyOfSigned('unsigned');
    await rm(join(unsigned, 'manifest.sha256'));
    const never = await report([unsigned, '--verify', '--pubkey', keys.pub]);
    expect(never.code).to.equal(1);
    expect(never.stderr).to.contain('manifest.sha256: missing: the folder was never signed');
  });

  it('refuses a missing, unreadable or wrong kind of key, saying what it takes', async () => {
    const rsa = keyPair(dir, 'rsa', 'rsa');
    await writeFile(join(dir, 'garbage.pem'), 'not a key\n');
    const cases: [string[], RegExp][] = [
      [['--sign', join(dir, 'none.pem')], /--sign .*none\.pem: no such file; make an Ed25519 key pair with: openssl genpkey -algorithm ed25519/],
      [['--sign', dir], /--sign .*: a folder, not a key file/],
      [['--sign', rsa.priv], /--sign .*rsa\.pem: an rsa key; --sign takes an Ed25519 private key in PEM/],
      [['--sign', keys.pub], /--sign .*signer\.pub\.pem: a public key; --sign takes an Ed25519 private key/],
      [['--sign', join(dir, 'garbage.pem')], /--sign .*garbage\.pem: not a PEM private key/],
      [['--verify', '--pubkey', keys.priv], /--pubkey .*signer\.pem: a private key; --pubkey takes an Ed25519 public key in PEM: give its public key/],
      [['--verify', '--pubkey', rsa.pub], /--pubkey .*: an rsa key; --pubkey takes an Ed25519 public key/],
    ];
    for (const [args, message] of cases) {
      const result = await report([signed, ...args]);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stderr, args.join(' ')).to.match(message);
    }
  });

  it('refuses to sign a folder that does not match its certificate', async () => {
    const copy = await copyOfSigned('unsound');
    await writeFile(join(copy, 'summary.json'), (await readFile(join(copy, 'summary.json'), 'utf8')).replace('"passed"', '"failed"'));
    const sign = await report([copy, '--sign', keys.priv]);
    expect(sign.code).to.equal(1);
    expect(sign.stderr).to.match(/summary\.json: changed[\s\S]*does not match its certificate: not signed/);
  });

  it('keeps copies of the rig and suite files that match the originals, and names them in the certificate with their hashes', async () => {
    for (const [copy, original] of [['inputs/rig.yaml', 'rigs/virtual.yaml'], ['inputs/suites/boot-delay.yaml', 'suites/boot-delay.yaml']]) {
      expect(await readFile(join(signed, copy!), 'utf8'), copy).to.equal(await readFile(join(ROOT, original!), 'utf8'));
    }
    const certificate = JSON.parse(await readFile(join(signed, 'certificate.json'), 'utf8')) as Certificate;
    const hashOf = (path: string) => certificate.evidence.files.find((f) => f.path === path)?.sha256;
    expect(certificate.inputs!.rig).to.deep.equal({ original: join(ROOT, 'rigs/virtual.yaml'), copy: 'inputs/rig.yaml', sha256: hashOf('inputs/rig.yaml') });
    expect(certificate.inputs!.suites).to.deep.equal([
      { suiteId: 'boot-delay', original: join(ROOT, 'suites/boot-delay.yaml'), copy: 'inputs/suites/boot-delay.yaml', sha256: hashOf('inputs/suites/boot-delay.yaml') },
    ]);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    expect(certificate.harness).to.deep.equal({ name: 'sim-ota-hil', version: '0.1.0', commit: head });
    expect(await readFile(join(signed, 'certificate.html'), 'utf8')).to.contain(`commit ${head}`);
  });

  it('changes the evidence digest when a kept input changes', async () => {
    const copy = join(dir, 'inputs-only');
    const suite = join(dir, 'boot-delay.yaml');
    await cp(join(ROOT, 'suites/boot-delay.yaml'), suite);
    await keepRunInputs(copy, join(ROOT, 'rigs/virtual.yaml'), [{ id: 'boot-delay', file: suite }]);
    const before = await hashEvidence(copy);
    await writeFile(suite, `${await readFile(suite, 'utf8')}# edited\n`);
    await keepRunInputs(copy, join(ROOT, 'rigs/virtual.yaml'), [{ id: 'boot-delay', file: suite }]);
    const after = await hashEvidence(copy);
    expect(after.files.map((f) => f.path)).to.deep.equal(['inputs/index.json', 'inputs/rig.yaml', 'inputs/suites/boot-delay.yaml']);
    expect(after.digest).to.not.equal(before.digest);
  });

  it('times JUnit testcases in wall seconds, less than their rig time at time scale 120', async () => {
    const junit = await readFile(join(signed, 'junit.xml'), 'utf8');
    const testcase = /<testcase [^>]*time="([\d.]+)"><properties><property name="rig-time" value="([\d.]+)"\/>/.exec(junit)!;
    const [wall, rig] = [Number(testcase[1]), Number(testcase[2])];
    expect(rig, 'boot-delay waits a minute of rig time').to.be.greaterThan(60);
    expect(wall).to.be.lessThan(rig);
    expect(junit).to.match(/<testsuite [^>]*timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
  });
});

describe('the reason an aborted run ended', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-aborted-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is in summary.json, the certificate and its page', async () => {
    const reportDir = join(dir, 'run');
    const run = await startHil(['run', '--no-broker', '--no-html', '--suite', 'boot-delay', '--report-dir', reportDir], /power on/);
    const exited = new Promise<number | null>((resolve) => run.removeAllListeners('exit').once('exit', resolve));
    run.kill('SIGTERM');
    expect(await exited).to.equal(143);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary).to.deep.include({ status: 'aborted', abortReason: 'terminated (SIGTERM)' });
    const certificate = JSON.parse(await readFile(join(reportDir, 'certificate.json'), 'utf8')) as Certificate;
    expect(certificate).to.deep.include({ status: 'aborted', abortReason: 'terminated (SIGTERM)', verdict: 'incomplete' });
    expect(await readFile(join(reportDir, 'certificate.html'), 'utf8')).to.contain('The run was aborted: <strong>terminated (SIGTERM)</strong>');
    const verified = await report([reportDir, '--verify']);
    expect(verified.stderr).to.equal('');
  });
});
