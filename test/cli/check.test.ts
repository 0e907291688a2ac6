// `hil check` as a user runs it: what a run would refuse, found without the bench (no power
// switched, no port opened), every problem with its file:line:col and what was expected.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runHil } from '../../support/hil-process.ts';
import { tempDirEach } from '../config/temp-dir.ts';
import { BROKEN_SUITE, GOOD_SUITE } from './suite-files.ts';

describe('hil check', function () {
  this.timeout(30_000);
  const dir = tempDirEach('hil-check-');

  it('passes the virtual rig and the suites that ship, exit 0', async () => {
    const run = await runHil(['check', '--rig', 'rigs/virtual.yaml']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/rig "virtual" .*: virtual, module generic-27007/);
    expect(run.stdout).to.include('no problems');
  });

  it('switches no power and opens no port', async () => {
    const marker = join(dir(), 'switched');
    const rig = join(dir(), 'rig.yaml');
    await writeFile(rig, `name: exec-bench\nserial: {path: ${join(dir(), 'no-such-tty')}}\npower: {type: exec, on: 'touch ${marker}', off: 'touch ${marker}'}\n`);
    const run = await runHil(['check', '--rig', rig, '--suite', 'boot-delay']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/rig "exec-bench" .*: hardware, module generic-27007/);
    expect(existsSync(marker), 'the power switch was never run').to.equal(false);
  });

  it('names an unknown module profile and an unknown fault in the rig file at their line and column, exit 2', async () => {
    const rig = join(dir(), 'rig.yaml');
    await writeFile(rig, 'name: bad\nserial:\n  path: virtual\npower: {type: virtual}\nmodule: quectel-bg69\nvirtual:\n  faults: [no-bip, slow-booot]\n');
    const run = await runHil(['check', '--rig', rig]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`${rig}:5:9: module: expected a module profile (generic-27007, quectel-bg95,`);
    expect(run.stderr).to.include('got "quectel-bg69"; did you mean "quectel-bg95"?');
    expect(run.stderr).to.include(`${rig}:7:20: virtual.faults[1]: expected one of "no-bip"`);
    expect(run.stderr).to.include('got "slow-booot"; did you mean "slow-boot"?');
    expect(run.stdout).to.include('2 problem(s)');
  });

  it('names unknown suite ids and --fault names, and a fault asked of a hardware rig, all at once', async () => {
    const rig = join(dir(), 'rig.yaml');
    await writeFile(rig, `name: hw\nserial: {path: /dev/ttyUSB9}\npower: {type: exec, on: 'true', off: 'true'}\n`);
    const unknown = await runHil(['check', '--suite', 'boot-dealy', '--suite', 'power-cycle-reset', '--fault', 'no-bipp']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('--suite: no suite "boot-dealy"; known: ');
    expect(unknown.stderr).to.include('did you mean "boot-delay"?');
    expect(unknown.stderr).to.include('--fault: unknown fault "no-bipp"; known faults: no-bip,');
    expect(unknown.stdout).to.include('suites: power-cycle-reset');

    const hardware = await runHil(['check', '--rig', rig, '--suite', 'boot-delay', '--fault', 'no-bip']);
    expect(hardware.code).to.equal(2);
    expect(hardware.stderr).to.include('--fault: --fault applies to the virtual rig only');
  });

  it('refuses a suite that measures charge on a rig without a power monitor, as a run does, before the bench', async () => {
    const reason = 'forced-check-energy.yaml: steps.1.monitor: needs a power monitor (and 4 more steps), and rig "virtual" has none';
    const check = await runHil(['check', '--rig', 'rigs/virtual.yaml', '--tag', 'energy']);
    expect(check.code).to.equal(2);
    expect(check.stderr).to.include(reason);
    const reportDir = join(dir(), 'report');
    const run = await runHil(['run', '--rig', 'rigs/virtual.yaml', '--suite', 'forced-check-energy', '--report-dir', reportDir]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`hil run: a selected suite cannot run on this rig:\n  ${join(process.cwd(), 'suites', reason)}`);
    expect(existsSync(reportDir), 'a run that never started leaves no report folder').to.equal(false);
    // With a monitor the same suite fits.
    expect((await runHil(['check', '--rig', 'rigs/virtual-ppk2.yaml', '--suite', 'forced-check-energy'])).code).to.equal(0);
  });

  it('holds every suite file of the folder to be valid, and only the selected ones with --suite', async () => {
    await writeFile(join(dir(), 'a.yaml'), GOOD_SUITE);
    await writeFile(join(dir(), 'b.yaml'), BROKEN_SUITE);
    const all = await runHil(['check', '--suites-dir', dir()]);
    expect(all.code).to.equal(2);
    expect(all.stderr).to.include(`${join(dir(), 'b.yaml')}:6:5: steps[0].wiat: unknown key; did you mean "wait"?`);

    const selected = await runHil(['check', '--suites-dir', dir(), '--suite', 'quick-wait']);
    expect(selected.code, selected.stderr).to.equal(0);
    expect(selected.stdout).to.include(`not selected, broken: ${join(dir(), 'b.yaml')}:6:5:`);

    const byTag = await runHil(['check', '--suites-dir', dir(), '--tag', 'smoke']);
    expect(byTag.code).to.equal(2);
    expect(byTag.stderr).to.include(`${join(dir(), 'b.yaml')}:6:5: steps[0].wiat`);
  });

  it('names a broken suite file given by path and a path that is no file', async () => {
    const broken = join(dir(), 'mine.yaml');
    await writeFile(broken, BROKEN_SUITE);
    const run = await runHil(['check', '--suite', broken, '--suite', join(dir(), 'gone.yaml')]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`${broken}:6:5: steps[0].wiat: unknown key`);
    expect(run.stderr).to.include(`--suite: ${join(dir(), 'gone.yaml')}: no such suite file`);
  });
});
