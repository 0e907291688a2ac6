// Every module profile against the simulator playing its dialect: each setup command is accepted, the
// terminal profile reads as the profile says, and `hil run` measures the boot delay through that
// profile's evidence, dating the session by its OPEN CHANNEL where the profile reads proactive commands.
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODULE_PROFILES, moduleProfile } from '../../harness/module/profiles.ts';
import { readEventLog } from '../../harness/results/event-log.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import { SIMULATED_PROFILES } from '../../harness/sim/index.ts';
import { TERMINAL_PROFILE_WITH_BIP, TERMINAL_PROFILE_WITHOUT_BIP } from '../../harness/stk/index.ts';
import { SimRig } from '../sim/helpers.ts';
import { runHil } from '../../support/hil-process.ts';

const PROFILE_IDS = Object.keys(MODULE_PROFILES);
const VIRTUAL_RIG = new URL('../../rigs/virtual.yaml', import.meta.url);

describe('module profiles on the simulator', () => {
  it('include the six documented modules, and the earlier ids still work', () => {
    expect(PROFILE_IDS).to.include.members(['generic-27007', 'quectel-bg95', 'quectel-eg25', 'ublox-sara-r5', 'nordic-nrf9160', 'simcom-sim7080']);
    expect(moduleProfile('quectel').id).to.equal('quectel-bg95');
    expect(moduleProfile('nordic-nrf91').id).to.equal('nordic-nrf9160');
    expect(moduleProfile('u-blox').id).to.equal('ublox-sara-r5');
  });

  for (const id of PROFILE_IDS) {
    it(`${id}: has a simulated dialect that accepts every setup command, reads the ICCID and the terminal profile`, () => {
      expect(SIMULATED_PROFILES[id], id).to.exist;
      const rig = new SimRig({ profile: id }).ready();
      const profile = moduleProfile(id);
      for (const command of profile.setup) expect(rig.at(command).at(-1), command).to.equal('OK');
      expect(rig.at(profile.iccidCommand).join(' ')).to.match(/89883070000012345674.* OK$/);
      const { command, pattern } = profile.terminalProfile;
      const terminalProfile = (at: SimRig) => at.at(command).map((line) => new RegExp(pattern).exec(line)?.groups?.hex).find(Boolean);
      expect(terminalProfile(rig)).to.equal(TERMINAL_PROFILE_WITH_BIP);
      expect(terminalProfile(new SimRig({ profile: id, faults: ['no-bip'] }).ready())).to.equal(TERMINAL_PROFILE_WITHOUT_BIP);
    });
  }

  it('nordic-nrf9160: reports the BIP channel with %USATEV once AT%USATEV=1 asks', () => {
    const quiet = new SimRig({ profile: 'nordic-nrf9160' }).ready();
    quiet.advance(300_000);
    expect(quiet.linesFrom('%USATEV:')).to.deep.equal([]);

    const rig = new SimRig({ profile: 'nordic-nrf9160' }).ready();
    expect(rig.at('AT%USATEV=1')).to.deep.equal(['OK']);
    rig.advance(300_000);
    expect(rig.textsFrom('%USATEV:')).to.deep.equal(['%USATEV: BIP Connecting', '%USATEV: BIP Connected', '%USATEV: BIP Closed']);
  });

  it('keeps vendor commands to their dialect', () => {
    expect(new SimRig().ready().at('AT%USATEV=1')).to.deep.equal(['ERROR']);
  });
});

describe('hil run boot-delay with every module profile', function () {
  this.timeout(60_000);
  let dir: string;
  let virtualRig: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-profiles-'));
    virtualRig = await readFile(VIRTUAL_RIG, 'utf8');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const id of PROFILE_IDS) {
    it(`passes on the virtual rig with module: ${id}`, async () => {
      const rig = join(dir, `${id}.yaml`);
      await writeFile(rig, virtualRig.replace(/^module: .*$/m, `module: ${id}`));
      const reportDir = join(dir, id);
      const run = await runHil(['run', '--rig', rig, '--suite', 'boot-delay', '--seed', '11', '--report-dir', reportDir]);
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.match(/boot_delay = \d+(\.\d+)? ± \d+(\.\d+)? s/);
      const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
      expect(summary.rig.module).to.equal(id);
      expect(summary.module.iccid).to.match(/^89883070/);
      expect(summary.tests[0]!.measurements.map((m) => m.name)).to.include('boot_delay');
      const { events } = await readEventLog(reportDir);
      const session = events.flatMap((event) => (event.type === 'ota.opened' && event.data.apn === 'ota.super' ? [event.data] : []))[0];
      expect(session, 'an ota.super session').to.exist;
      if (moduleProfile(id).evidence.some((rule) => rule.kind === 'proactive-command')) {
        expect(session!.requestedAt, 'the OPEN CHANNEL the session was requested by').to.be.a('number').and.below(session!.openedAt);
      } else {
        expect(session!.requestedAt).to.equal(null);
      }
    });
  }
});
