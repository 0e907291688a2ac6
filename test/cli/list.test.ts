// `hil list` as a user runs it: suites with their ids, tags and titles and the suite files that do
// not load with where and why, the simulator's faults, the module profiles, the rig files' kinds.
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODULE_PROFILES } from '../../harness/module/index.ts';
import { FAULTS } from '../../harness/sim/faults.ts';
import { runHil } from '../../support/hil-process.ts';
import { tempDirEach } from '../config/temp-dir.ts';
import { BROKEN_SUITE, GOOD_SUITE } from './suite-files.ts';

describe('hil list', function () {
  this.timeout(30_000);
  const dir = tempDirEach('hil-list-');

  it('lists each suite with its tags and title, and a broken suite file with file:line:col and the fix', async () => {
    await writeFile(join(dir(), 'a.yaml'), GOOD_SUITE);
    await writeFile(join(dir(), 'b.yaml'), BROKEN_SUITE);
    const run = await runHil(['list', 'suites', '--suites-dir', dir()]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^ {2}quick-wait +smoke,standard +A quick wait$/m);
    expect(run.stdout).to.include(`skipped, broken: ${join(dir(), 'b.yaml')}`);
    expect(run.stdout).to.include(`${join(dir(), 'b.yaml')}:6:5: steps[0].wiat: unknown key; did you mean "wait"?`);
    expect(run.stdout).not.to.include('faults');
  });

  it('lists every fault of the simulator with what it breaks, and every module profile', async () => {
    const run = await runHil(['list']);
    expect(run.code, run.stderr).to.equal(0);
    for (const [name, description] of Object.entries(FAULTS)) expect(run.stdout).to.match(new RegExp(`^  ${name} +${description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    for (const id of Object.keys(MODULE_PROFILES)) expect(run.stdout).to.match(new RegExp(`^  ${id} +(pdn|toolkit-notifications|proactive-commands) `, 'm'));
    expect(run.stdout).to.match(/^ {2}quectel-bg95 .*\(also: quectel\)$/m);
    expect(run.stdout).to.match(/^ {2}boot-delay +standard,boot +First OTA check/m);
  });

  it('lists rig files with their name and kind, and a broken one with its problem', async () => {
    await writeFile(join(dir(), 'bench.yaml'), "name: bench-a\nserial: {path: /dev/ttyUSB9}\npower: {type: exec, on: 'true', off: 'true'}\nmodule: quectel\n");
    await writeFile(join(dir(), 'virt.yml'), 'name: virt-b\nserial: {path: virtual}\npower: {type: virtual}\n');
    await writeFile(join(dir(), 'bad.yaml'), 'name: bad\nserial: {path: virtual}\npower: {type: virtual}\nmodule: quectel-bg69\n');
    await writeFile(join(dir(), 'notes.txt'), 'not a rig');
    const run = await runHil(['list', 'rigs', '--rigs-dir', dir()]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/bench\.yaml +bench-a +hardware +exec power, module quectel$/m);
    expect(run.stdout).to.match(/virt\.yml +virt-b +virtual +virtual power, module generic-27007$/m);
    expect(run.stdout).to.include(`${join(dir(), 'bad.yaml')}:4:9: module: expected a module profile`);
    expect(run.stdout).to.include('did you mean "quectel-bg95"?');
    expect(run.stdout).not.to.include('notes.txt');
  });

  it('refuses an unknown kind with the nearest one, exit 2', async () => {
    const run = await runHil(['list', 'rig']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('hil list: no kind "rig"; known: suites, faults, profiles, rigs; did you mean "rigs"?');
  });
});
