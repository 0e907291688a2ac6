// `hil compare` on two real report folders of the virtual rig, one of a healthy module and one of a
// module whose applet checks too early: the verdict that got worse is named with its requirement and
// why, each figure is shown in both runs, and the exit code says whether anything got worse.
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunComparison } from '../../harness/report/compare.ts';
import { runHil } from '../../support/hil-process.ts';

describe('hil compare', function () {
  this.timeout(120_000);
  let dir: string;
  const healthy = () => join(dir, 'healthy');
  const early = () => join(dir, 'early-check');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-compare-'));
    const run = (reportDir: string, faults: string[]) =>
      runHil(['run', '--suite', 'boot-delay', '--seed', '11', ...faults, '--no-broker', '--no-html', '--report-dir', reportDir], 90_000);
    const [a, b] = await Promise.all([run(healthy(), []), run(early(), ['--fault', 'early-check'])]);
    expect(a.code, a.stdout + a.stderr).to.equal(0);
    expect(b.code, b.stdout + b.stderr).to.equal(1);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('names the requirement that went from pass to fail and why, and exits 1', async () => {
    const run = await runHil(['compare', healthy(), early()]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.include('boot-delay: passed → failed  WORSE');
    expect(run.stdout).to.match(/requirement: The SIM's applet pulls its updates\. A minute or two after the module powers up/);
    expect(run.stdout).to.match(/the first ota\.super session opened 1\d\.\d s after power-on, before the 1 min lower limit/);
    expect(run.stdout).to.match(/boot-delay\.boot_delay: \d+\.\d+ ± [\d.]+ s \(pass\) → 1\d\.\d+ ± [\d.]+ s \(fail\)  \(-\d+(\.\d+)? s\)  WORSE/);
    expect(run.stdout).to.include('2 worse, 0 better');
  });

  it('says fail to pass is better, and exits 0', async () => {
    const run = await runHil(['compare', early(), healthy()]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('boot-delay: failed → passed  BETTER');
    expect(run.stdout).to.include('0 worse, 2 better');
  });

  it('gives the same comparison as JSON', async () => {
    const run = await runHil(['compare', healthy(), early(), '--json']);
    expect(run.code, run.stderr).to.equal(1);
    const comparison = JSON.parse(run.stdout) as RunComparison;
    expect(comparison.a.status).to.equal('passed');
    expect(comparison.b.status).to.equal('failed');
    const [test] = comparison.tests;
    expect(test).to.include({ suiteId: 'boot-delay', before: 'passed', after: 'failed', change: 'worse' });
    expect(test!.error).to.match(/before the 1 min lower limit/);
    const figure = comparison.figures.find((f) => f.key === 'boot-delay.boot_delay')!;
    expect(figure.before!.verdict).to.equal('pass');
    expect(figure.after!.verdict).to.equal('fail');
    expect(figure.after!.value).to.be.within(10, 20);
    expect(figure.delta).to.be.closeTo(figure.after!.value - figure.before!.value, 1e-9);
    expect(comparison.worse).to.equal(2);
  });

  it('lists a suite only one run has as new or gone; a new suite that fails counts as worse', async () => {
    // The failed run's record with its suite under another id: one suite gone, one new.
    const renamed = join(dir, 'renamed');
    await mkdir(renamed);
    const summary = (await readFile(join(early(), 'summary.json'), 'utf8')).replaceAll('"boot-delay"', '"boot-delay-renamed"');
    await writeFile(join(renamed, 'summary.json'), summary);
    const run = await runHil(['compare', healthy(), renamed]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.include('boot-delay: passed → -  GONE');
    expect(run.stdout).to.include('boot-delay-renamed: - → failed  WORSE');
    expect(run.stdout).to.match(/boot-delay-renamed\.boot_delay: - → 1\d\.\d+ ± [\d.]+ s \(fail\)  NEW/);
    expect(run.stdout).to.include('1 worse, 0 better');
  });

  it('refuses a folder that is no run report folder, exit 2', async () => {
    const run = await runHil(['compare', healthy(), dir]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`hil compare: ${dir}: no summary.json: not a run's report folder`);
  });
});
