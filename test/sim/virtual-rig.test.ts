// The simulator as the harness starts it: no OTA update staged unless asked, and the evidence dialect
// chosen in the rig file (virtual.dialect) or on the command line (hil sim --dialect).
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRigFile } from '../../harness/rig/rig-file.ts';
import { RigController } from '../../harness/rig/controller.ts';
import { controlRequest, type SettingsUpdate } from '../../harness/sim/index.ts';
import { configProblems } from '../config/problems.ts';
import { tempDirEach } from '../config/temp-dir.ts';
import { runHil, startHil, stop } from '../../support/hil-process.ts';
import { forcedSession, SimRig } from './helpers.ts';

const VIRTUAL_RIG = 'name: v\nserial: {path: virtual}\npower: {type: virtual}\n';

describe('virtual module: nothing staged unless asked, dialect as configured', () => {
  const dir = tempDirEach('sim-virtual-rig-');

  it('a module created without an update has none: its check finds nothing and installs nothing', () => {
    const rig = new SimRig().ready();
    expect(rig.module.server.lookup()).to.deep.equal([]);
    expect(forcedSession(rig).outcome).to.equal('completed');
    expect(rig.module.server.requests).to.have.length(1);
    expect(rig.module.truth.toJSON().events.map((e) => e.what)).to.not.include('update-installed');
  });

  it('the shipped virtual rig stages no update, and passes virtual.dialect to the simulator', async () => {
    const shipped = await RigController.open(await loadRigFile(join('rigs', 'virtual.yaml')));
    try {
      expect(shipped.simulator!.server.lookup()).to.deep.equal([]);
      expect(shipped.simulator!.dialectName).to.equal('pdn-events');
    } finally {
      await shipped.safeState();
    }
    const file = join(dir(), 'rig.yaml');
    await writeFile(file, `${VIRTUAL_RIG}module: nordic-nrf9160\nvirtual: {dialect: pdn-events}\n`);
    const chosen = await RigController.open(await loadRigFile(file));
    try {
      expect(chosen.simulator!.dialectName).to.equal('pdn-events');
      expect(chosen.simulator!.server.lookup()).to.deep.equal([]);
    } finally {
      await chosen.safeState();
    }
  });

  it('a rig file naming a dialect its module does not offer fails at virtual.dialect, with the ones it does', async () => {
    const file = join(dir(), 'rig.yaml');
    await writeFile(file, `${VIRTUAL_RIG}module: cinterion\nvirtual:\n  dialect: pdn-events\n`);
    expect(await configProblems(() => loadRigFile(file))).to.deep.equal([
      `${file}:6:12: virtual.dialect: expected a dialect module "cinterion" offers (proactive-commands), got "pdn-events"`,
    ]);
    await writeFile(file, `${VIRTUAL_RIG}virtual:\n  dialect: chatty\n`);
    const [unknown] = await configProblems(() => loadRigFile(file));
    expect(unknown).to.match(new RegExp(`^${file}:5:12: virtual.dialect: expected one of "pdn-events", "no-pdn-events", "proactive-commands", "toolkit-notifications", "usat-events", got "chatty"`));
  });

  it('hil sim stages nothing until hil sim ctl … stage, and refuses a dialect its profile does not offer', async function () {
    this.timeout(120_000);
    const link = join(dir(), 'module');
    const socket = `${link}.ctl`;
    const sim = await startHil(['sim', '--pty', link, '--profile', 'cinterion'], /dialect proactive-commands/, 60_000);
    try {
      expect(await controlRequest(socket, { op: 'updates' })).to.deep.equal([]);
      const staged = JSON.parse((await runHil(['sim', 'ctl', socket, 'stage', '2'])).stdout) as SettingsUpdate;
      expect(staged).to.deep.include({ status: 'scheduled', blocks: 2, packages: [{ name: 'operator-settings', version: '2' }] });
      expect(await controlRequest(socket, { op: 'updates' })).to.deep.equal([staged]);
    } finally {
      await stop(sim);
    }
    const refused = await runHil(['sim', '--pty', link, '--dialect', 'toolkit-notifications']);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('hil sim: simulated module profile "generic-27007" has no dialect "toolkit-notifications"; it offers: pdn-events, no-pdn-events');
  });
});
