// A broken suite file does not stop a run: it is skipped, named with its problems on stderr and in
// summary.json, and a run that would have run it does not exit 0.
import { expect } from 'chai';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import { runHil } from '../../support/hil-process.ts';

describe('hil run with a broken suite file', function () {
  this.timeout(120_000);
  let dir: string;
  let suites: string;
  let broken: string;
  const problem = () => `${broken}:1:1: steps: required key is missing (expected a list)`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-broken-suite-'));
    suites = join(dir, 'suites');
    await mkdir(suites);
    await copyFile('suites/boot-delay.yaml', join(suites, 'boot-delay.yml'));
    broken = join(suites, 'apn-hygiene.yaml');
    await writeFile(broken, 'id: apn-hygiene\ntitle: T\ntags: [standard]\nrequirement: {source: S, text: R}\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function run(name: string, args: string[]) {
    const reportDir = join(dir, name);
    const finished = await runHil(['run', '--seed', '11', '--no-html', '--suites-dir', suites, '--report-dir', reportDir, ...args], 90_000);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    return { ...finished, summary };
  }

  it('runs the standard suites that load, and exits 2 for the standard one it skipped', async () => {
    const { code, stderr, summary } = await run('standard', []);
    expect(summary.tests.map((t) => `${t.suiteId}: ${t.status}`)).to.deep.equal(['boot-delay: passed']);
    expect(summary.skippedSuiteFiles).to.deep.equal([{ file: broken, problems: [problem()], selected: true }]);
    expect(stderr).to.contain(`hil run: skipped the broken suite file ${broken} (a suite this run would have run):\n  ${problem()}\n`);
    expect(code, stderr).to.equal(2);
  });

  it('passes clean when the run asks for other suites, by id or by file, still naming the skipped file', async () => {
    const byId = await run('by-id', ['--suite', 'boot-delay']);
    expect(byId.code, byId.stderr).to.equal(0);
    expect(byId.summary.skippedSuiteFiles).to.deep.equal([{ file: broken, problems: [problem()], selected: false }]);
    expect(byId.stderr).to.contain(`hil run: skipped the broken suite file ${broken} (not selected)`);

    const byFile = await run('by-file', ['--suite', join(suites, 'boot-delay.yml')]);
    expect(byFile.code, byFile.stderr).to.equal(0);
    expect(byFile.summary.tests.map((t) => t.suiteId)).to.deep.equal(['boot-delay']);
  });
});
