// `--json` on hil list, check, doctor and report: one JSON object on stdout in the shapes their
// usage texts document, parsed here as a program reading them would.
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULTS } from '../../harness/sim/faults.ts';
import { runHil } from '../../support/hil-process.ts';
import { BROKEN_SUITE, GOOD_SUITE } from './suite-files.ts';

const parse = <T>(stdout: string): T => JSON.parse(stdout) as T;

describe('--json', function () {
  this.timeout(120_000);
  let dir: string;
  const reportDir = () => join(dir, 'report');
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-json-'));
    const run = await runHil(['run', '--suite', 'boot-delay', '--seed', '11', '--no-broker', '--no-html', '--report-dir', reportDir()], 90_000);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('hil list --json: every kind, each a list; a kind alone gives its keys only', async () => {
    const suites = join(dir, 'suites');
    await mkdir(suites);
    await writeFile(join(suites, 'a.yaml'), GOOD_SUITE);
    await writeFile(join(suites, 'b.yaml'), BROKEN_SUITE);
    const all = await runHil(['list', '--json', '--suites-dir', suites]);
    expect(all.code, all.stderr).to.equal(0);
    const listing = parse<Record<string, { [key: string]: unknown }[]>>(all.stdout);
    expect(Object.keys(listing)).to.have.members(['suites', 'brokenSuites', 'faults', 'profiles', 'rigs', 'brokenRigs']);
    expect(listing.suites).to.deep.equal([{ id: 'quick-wait', title: 'A quick wait', tags: ['smoke', 'standard'], file: join(suites, 'a.yaml') }]);
    expect(listing.brokenSuites![0]!.problems).to.deep.equal([`${join(suites, 'b.yaml')}:6:5: steps[0].wiat: unknown key; did you mean "wait"?`]);
    expect(listing.faults!.map((f) => f.name)).to.deep.equal(Object.keys(FAULTS));
    expect(listing.profiles!.find((p) => p.id === 'quectel-bg95')).to.include({ evidenceLevel: 'pdn' }).and.to.have.deep.property('aliases', ['quectel']);
    expect(listing.rigs!.find((r) => r.name === 'virtual')).to.include({ kind: 'virtual', power: 'virtual', module: 'generic-27007' });

    const faults = await runHil(['list', 'faults', '--json']);
    expect(Object.keys(parse<object>(faults.stdout))).to.deep.equal(['faults']);
  });

  it('hil check --json: ok with the suites, or each problem with its file, line, column and text', async () => {
    const good = await runHil(['check', '--rig', 'rigs/virtual.yaml', '--suite', 'boot-delay', '--json']);
    expect(good.code, good.stderr).to.equal(0);
    const ok = parse<{ ok: boolean; rig: { name: string; kind: string }; suites: { id: string }[]; problems: unknown[] }>(good.stdout);
    expect(ok).to.deep.include({ ok: true, problems: [] });
    expect(ok.rig).to.include({ name: 'virtual', kind: 'virtual' });
    expect(ok.suites.map((s) => s.id)).to.deep.equal(['boot-delay']);

    const rig = join(dir, 'rig.yaml');
    await writeFile(rig, 'name: bad\nserial: {path: virtual}\npower: {type: virtual}\nmodule: quectel-bg69\n');
    const bad = await runHil(['check', '--rig', rig, '--suite', 'nope', '--json']);
    expect(bad.code).to.equal(2);
    const result = parse<{ ok: boolean; rig: null; problems: { file: string; line: number; col: number; path: string; message: string; text: string }[] }>(bad.stdout);
    expect(result.ok).to.equal(false);
    expect(result.rig).to.equal(null);
    expect(result.problems[0]).to.include({ file: rig, line: 4, col: 9, path: 'module' });
    expect(result.problems[0]!.message).to.match(/^expected a module profile .*got "quectel-bg69"; did you mean "quectel-bg95"\?$/);
    expect(result.problems[0]!.text).to.equal(`${rig}:4:9: module: ${result.problems[0]!.message}`);
    expect(result.problems[1]).to.include({ file: '--suite', line: 0 });
    expect(result.problems[1]!.message).to.match(/^no suite "nope"; known: /);
  });

  it('hil doctor --json: each check with its verdict; a module without BIP fails its check, exit 3', async () => {
    const healthy = await runHil(['doctor', '--rig', 'rigs/virtual.yaml', '--json']);
    expect(healthy.code, healthy.stderr).to.equal(0);
    const ready = parse<{ ready: boolean; failed: number; rig: { name: string }; checks: { name: string; verdict: string }[]; notes: string[] }>(healthy.stdout);
    expect(ready).to.include({ ready: true, failed: 0 });
    expect(ready.rig.name).to.equal('virtual');
    expect(ready.checks.find((c) => c.name === 'TERMINAL PROFILE has BIP')!.verdict).to.equal('ok');
    expect(ready.notes.some((n) => n.startsWith('driving the bench to its safe state'))).to.equal(true);

    const rig = join(dir, 'no-bip.yaml');
    await writeFile(rig, 'name: no-bip\nserial: {path: virtual}\npower: {type: virtual}\nvirtual:\n  faults: [no-bip]\n');
    const sick = await runHil(['doctor', '--rig', rig, '--json']);
    expect(sick.code).to.equal(3);
    const result = parse<{ ready: boolean; failed: number; checks: { name: string; verdict: string; detail: string; fix?: string }[] }>(sick.stdout);
    expect(result.ready).to.equal(false);
    const bip = result.checks.find((c) => c.name === 'TERMINAL PROFILE has BIP')!;
    expect(bip.verdict).to.equal('fail');
    expect(bip.detail).to.include('lacks OPEN CHANNEL');
  });

  it('hil report --json: the files written and the verdict; --verify and --sign their result', async () => {
    const wrote = await runHil(['report', reportDir(), '--no-html', '--json']);
    expect(wrote.code, wrote.stderr).to.equal(0);
    expect(parse(wrote.stdout)).to.deep.equal({ reportDir: reportDir(), files: ['junit.xml', 'certificate.json', 'certificate.html'].map((f) => join(reportDir(), f)), verdict: 'pass' });

    const keys = generateKeyPairSync('ed25519');
    const priv = join(dir, 'key.pem');
    const pub = join(dir, 'key.pub.pem');
    await writeFile(priv, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(pub, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const signed = await runHil(['report', reportDir(), '--sign', priv, '--json']);
    expect(signed.code, signed.stderr).to.equal(0);
    const sign = parse<{ ok: boolean; files: number; fingerprint: string; written: string[] }>(signed.stdout);
    expect(sign.ok).to.equal(true);
    expect(sign.written).to.deep.equal([join(reportDir(), 'manifest.sha256'), join(reportDir(), 'manifest.sha256.sig')]);

    const verified = await runHil(['report', reportDir(), '--verify', '--pubkey', pub, '--json']);
    expect(verified.code, verified.stderr).to.equal(0);
    const good = parse<{ ok: boolean; signature: string; problems: string[]; manifestFiles: number; evidenceFiles: number }>(verified.stdout);
    expect(good).to.include({ ok: true, signature: 'good', manifestFiles: sign.files });
    expect(good.evidenceFiles).to.be.above(0);

    await appendFile(join(reportDir(), 'transcript.log'), 'edited\n');
    const tampered = await runHil(['report', reportDir(), '--verify', '--pubkey', pub, '--json']);
    expect(tampered.code).to.equal(1);
    const bad = parse<{ ok: boolean; signature: string; problems: string[] }>(tampered.stdout);
    expect(bad.ok).to.equal(false);
    expect(bad.signature).to.equal('bad');
    expect(bad.problems.join('\n')).to.include('transcript.log');
  });
});
