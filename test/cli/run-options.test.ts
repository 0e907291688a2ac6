// hil run's options for nights nobody watches, each asserted on a real run of the virtual rig: what
// is selected (--grep, --exclude-tag, --rerun-failed), when the run stops (--bail, --max-time) and
// that a module's failure is never retried (--retries).
import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../harness/output/errors.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import { runHil } from '../../support/hil-process.ts';

describe('hil run options', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-run-options-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const run = (name: string, args: string[]) => runHil(['run', '--no-broker', '--no-html', '--report-dir', join(dir, name), ...args]);
  const summary = async (name: string) => JSON.parse(await readFile(join(dir, name, 'summary.json'), 'utf8')) as RunSummary;
  const outcomes = (s: RunSummary) => s.tests.map((t) => `${t.suiteId}: ${t.status}${t.error ? ` (${t.error})` : ''}`);

  it('--grep and --exclude-tag narrow the selection, and say which filter left nothing', async () => {
    const grep = await run('grep', ['--tag', 'standard', '--grep', '^boot', '--exclude-tag', 'csim']);
    expect(grep.code, grep.stderr).to.equal(EXIT.passed);
    expect((await summary('grep')).tests.map((t) => t.suiteId)).to.deep.equal(['boot-delay']);
    // The title matches too: power-cycle-reset's says "restarts", its id does not.
    const title = await run('title', ['--tag', 'standard', '--grep', 'restarts']);
    expect((await summary('title')).tests.map((t) => t.suiteId), title.stdout).to.deep.equal(['power-cycle-reset']);
    const none = await run('none', ['--suite', 'boot-delay', '--exclude-tag', 'boot']);
    expect(none.code).to.equal(EXIT.usage);
    expect(none.stderr).to.include('hil run: no suite selected: --exclude-tag boot left none of the selected suites');
    const bad = await run('bad', ['--grep', '(']);
    expect(bad.code).to.equal(EXIT.usage);
    expect(bad.stderr).to.match(/hil run: --grep: Invalid regular expression: \/\(\/: Unterminated group/);
  });

  it('--bail stops after the first failing test and reports the rest as not run', async () => {
    const bail = await run('bail', ['--suite', 'apn-hygiene', '--suite', 'boot-delay', '--suite', 'csim-forced-check', '--fault', 'never-checks', '--bail']);
    expect(bail.code, bail.stderr).to.equal(EXIT.failed);
    expect(outcomes(await summary('bail'))).to.deep.equal([
      "apn-hygiene: failed (no ota.super session within 30 s of force-check: the SIM's OTA session must use APN ota.super)",
      'boot-delay: skipped (not run: --bail: apn-hygiene failed)',
      'csim-forced-check: skipped (not run: --bail: apn-hygiene failed)',
    ]);
    expect(bail.stdout).to.include('  - boot-delay: not run (--bail: apn-hygiene failed)');
    expect(bail.stdout).to.include('0 passed, 1 failed, 2 not run');
    expect(await readFile(join(dir, 'bail', 'junit.xml'), 'utf8')).to.include('<skipped message="not run: --bail: apn-hygiene failed"/>');
  });

  it('--retries never runs again a test the module failed', async () => {
    const retried = await run('device', ['--suite', 'boot-delay', '--fault', 'never-checks', '--retries', '3']);
    expect(retried.code, retried.stderr).to.equal(EXIT.failed);
    const [test] = (await summary('device')).tests;
    expect(test).to.deep.include({ status: 'failed' });
    expect(test!.error).to.match(/no ota\.super session/);
    expect(test!.attempts, 'ran once').to.equal(undefined);
    expect(test!.flaky).to.equal(undefined);
    expect(retried.stdout.match(/boot-delay — /g), 'the suite started once').to.have.length(1);
    expect(retried.stdout).not.to.include('retry');
  });

  it('--max-time ends the run cleanly: bench safe, report written, the rest not run, exit 4 with the reason', async () => {
    // Five suites at a tenth of the virtual rig's speed take far longer than 3 s.
    const timed = await run('timed', ['--tag', 'standard', '--time-scale', '12', '--max-time', '3s']);
    expect(timed.code, timed.stdout + timed.stderr).to.equal(EXIT.incomplete);
    expect(timed.stderr).to.include('hil run: max time 3s reached: switching the module off… then writing the report');
    expect(timed.stderr).to.match(/hil run: run incomplete: max time 3s reached; \d+ test\(s\) finished/);
    const s = await summary('timed');
    expect(s).to.deep.include({ status: 'incomplete', abortReason: 'max time 3s reached' });
    const notRun = s.tests.filter((t) => t.error === 'not run: max time 3s reached');
    expect(notRun.length, outcomes(s).join('\n')).to.be.at.least(1);
    expect(s.tests.map((t) => t.suiteId)).to.deep.equal(['apn-hygiene', 'boot-delay', 'csim-forced-check', 'power-cycle-reset', 'sleep-too-early']);
    const transcript = await readFile(join(dir, 'timed', 'transcript.log'), 'utf8');
    expect(transcript).to.match(/note    max time 3s reached: switching the bench to its safe state \(power off\)\n(.*\n)*.*note    bench in its safe state: power off\n/);
    expect((JSON.parse(await readFile(join(dir, 'timed', 'certificate.json'), 'utf8')) as { verdict: string }).verdict).to.equal('incomplete');
  });

  it('--rerun-failed runs exactly the suites that failed or broke, and refuses a folder with none or no summary', async () => {
    const first = await run('first', ['--suite', 'boot-delay', '--suite', 'apn-hygiene', '--suite', 'csim-forced-check', '--fault', 'early-check']);
    const failed = (await summary('first')).tests.filter((t) => t.status === 'failed' || t.status === 'broken').map((t) => t.suiteId);
    expect(failed.length, first.stdout).to.be.within(1, 2);
    const again = await run('again', ['--rerun-failed', join(dir, 'first')]);
    expect((await summary('again')).tests.map((t) => t.suiteId), again.stderr).to.deep.equal(failed);

    const passed = await run('passed', ['--suite', 'boot-delay']);
    expect(passed.code).to.equal(EXIT.passed);
    const nothing = await run('nothing', ['--rerun-failed', join(dir, 'passed')]);
    expect(nothing.code).to.equal(EXIT.usage);
    expect(nothing.stderr).to.match(new RegExp(`hil run: --rerun-failed ${join(dir, 'passed')}: no test failed or broke in run \\S+ \\(1 test\\(s\\)\\); nothing to rerun`));
    await mkdir(join(dir, 'empty'));
    const empty = await run('x', ['--rerun-failed', join(dir, 'empty')]);
    expect(empty.stderr).to.include(`hil run: --rerun-failed ${join(dir, 'empty')}: not a report folder: it has no summary.json`);
    await writeFile(join(dir, 'empty', 'summary.json'), '{"hello": 1}');
    const odd = await run('y', ['--rerun-failed', join(dir, 'empty')]);
    expect(odd.stderr).to.include('summary.json: expected a run summary with runId and tests');
    const both = await run('z', ['--rerun-failed', join(dir, 'first'), '--tag', 'standard']);
    expect(both.stderr).to.include('hil run: --rerun-failed selects the suites itself; give it without --suite or --tag');
  });

  it('--keep prunes the older run folders beside this run\'s after it, and leaves what is no run folder', async () => {
    const reports = join(dir, 'reports');
    await mkdir(join(reports, 'notes'), { recursive: true });
    for (const name of ['a', 'b', 'c']) {
      const ran = await runHil(['run', '--no-broker', '--no-html', '--suite', 'boot-delay', '--report-dir', join(reports, name)]);
      expect(ran.code, ran.stderr).to.equal(EXIT.passed);
    }
    const kept = await runHil(['run', '--no-broker', '--no-html', '--suite', 'boot-delay', '--report-dir', join(reports, 'd'), '--keep', '2']);
    expect(kept.code, kept.stderr).to.equal(EXIT.passed);
    expect(kept.stdout).to.include(`pruned 2 older report folder(s) from ${reports}, keeping the newest 2`);
    expect((await readdir(reports)).sort()).to.deep.equal(['c', 'd', 'notes']);
    const zero = await run('zero', ['--keep', '0']);
    expect(zero.stderr).to.include('hil run: --keep: takes a whole number of 1 or more, got "0"');
  });
});
