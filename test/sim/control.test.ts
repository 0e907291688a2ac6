import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequest, followPowerFile, serveControl, type SettingsUpdate, type TruthSnapshot } from '../../harness/sim/index.ts';
import { READY_MS, rejectionOf, SimRig, waitFor } from './helpers.ts';

describe('virtual module: control socket and power file', () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-control-'));
  });
  afterEach(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('powers the module, reports its state and truth, and stages updates', async () => {
    const rig = new SimRig({ faults: ['early-check'] });
    const socket = join(dir, 'module.ctl');
    server = await serveControl(rig.module, socket);

    expect(await controlRequest(socket, { op: 'power', on: true })).to.deep.equal({ powered: true });
    expect(rig.module.powered).to.equal(true);
    expect(await controlRequest(socket, { op: 'state' })).to.deep.include({ powered: true, phase: 'booting', registration: 0, rigTime: 0 });
    rig.advance(READY_MS);
    const state = await controlRequest(socket, { op: 'state' });
    expect(state).to.deep.include({ phase: 'ready', registration: 5, timeScale: 1, rigTime: READY_MS });
    expect(state).to.have.deep.property('faults', [{ name: 'early-check', effect: 'the first check comes 10 s after power-up instead of a minute or two' }]);

    const staged = (await controlRequest(socket, { op: 'stage', packages: [{ name: 'apn', version: '3' }], blocks: 2 })) as SettingsUpdate;
    expect(staged).to.deep.include({ iccid: rig.module.uicc.iccid, status: 'scheduled', blocks: 2 });
    expect(await controlRequest(socket, { op: 'updates' })).to.deep.equal(rig.module.server.lookup());

    // The early check comes at 10 s and fetches the staged update in two sessions.
    rig.advance(20_000);
    const truth = (await controlRequest(socket, { op: 'truth' })) as TruthSnapshot;
    expect(truth.powerOns).to.deep.equal([0]);
    expect(truth.readyAt).to.deep.equal([rig.module.timing.bootMs]);
    expect(truth.sessions.map((s) => [s.trigger, s.outcome])).to.deep.equal([['boot', 'completed'], ['follow-on', 'completed']]);
    const [update] = (await controlRequest(socket, { op: 'updates' })) as SettingsUpdate[];
    expect(update).to.deep.include({ sid: staged.sid, status: 'successful' });

    expect(await controlRequest(socket, { op: 'power', on: false })).to.deep.equal({ powered: false });
    expect(rig.module.phase).to.equal('off');
  });

  it('resets the module to its start: the IMSI, the update staged at the start, no applet check due', async () => {
    const startImsi = '732123200001234';
    const update = { packages: [{ name: 'operator-settings', version: '2' }], blocks: 1, newImsi: '732123200009999' };
    // The surviving timer would carry the weekly recheck over a power cycle: only a reset clears it.
    const rig = new SimRig({ faults: ['early-check', 'timer-survives-power-cycle'], imsi: startImsi, update });
    const socket = join(dir, 'module.ctl');
    server = await serveControl(rig.module, socket);
    await controlRequest(socket, { op: 'power', on: true });
    rig.advance(20_000);
    expect(rig.module.uicc.imsi, 'the update staged at the start installs').to.equal(update.newImsi);
    await controlRequest(socket, { op: 'stage', packages: [{ name: 'apn', version: '3' }] });

    const checksBefore = rig.module.truth.toJSON().events.filter((e) => e.what === 'check-scheduled').length;
    const reply = (await controlRequest(socket, { op: 'reset' })) as { powered: boolean; imsi: string; updates: SettingsUpdate[] };
    expect(reply).to.deep.include({ powered: true, imsi: startImsi });
    expect(reply.updates.map((u) => ({ status: u.status, deliveredBlocks: u.deliveredBlocks, packages: u.packages, newImsi: u.newImsi }))).to.deep.equal([
      { status: 'scheduled', deliveredBlocks: 0, packages: update.packages, newImsi: update.newImsi },
    ]);
    const checksAfter = rig.module.truth.toJSON().events.filter((e) => e.what === 'check-scheduled').slice(checksBefore);
    expect(checksAfter.map((e) => e.detail), 'after the reset the applet schedules its boot check afresh').to.deep.equal([{ trigger: 'boot', inRigMs: 10_000 }]);

    // The module starts over: the boot check fetches the start's update again and switches the IMSI again.
    rig.advance(20_000);
    expect(rig.module.uicc.imsi).to.equal(update.newImsi);
    expect(rig.sessions().map((s) => [s.trigger, s.outcome]).slice(-1)).to.deep.equal([['boot', 'completed']]);
  });

  it('answers a bad request with a clear error', async () => {
    const rig = new SimRig();
    const socket = join(dir, 'module.ctl');
    server = await serveControl(rig.module, socket);
    expect((await rejectionOf(controlRequest(socket, { op: 'explode' } as never))).message).to.equal(
      'simulator: unknown op "explode"; known: power, state, truth, updates, stage, reset',
    );
    expect((await rejectionOf(controlRequest(socket, { op: 'power', on: 'off' } as never))).message).to.equal(
      'simulator: power takes "on": true or false, got "off"',
    );
    expect(rig.module.powered).to.equal(false);
    const missing = join(dir, 'nobody.ctl');
    expect((await rejectionOf(controlRequest(missing, { op: 'state' }))).message).to.include(
      `cannot reach the simulator's control socket ${missing}`,
    );
  });

  it('removes a stale socket file when it starts', async () => {
    const socket = join(dir, 'module.ctl');
    writeFileSync(socket, 'left over');
    server = await serveControl(new SimRig().module, socket);
    expect(await controlRequest(socket, { op: 'state' })).to.deep.include({ powered: false });
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    expect(existsSync(socket)).to.equal(false);
  });

  it('follows a GPIO value file as the power input', async () => {
    const rig = new SimRig();
    const value = join(dir, 'value');
    writeFileSync(value, '0\n');
    const follower = followPowerFile(rig.module, value);
    try {
      expect(rig.module.powered).to.equal(false);
      writeFileSync(value, '1\n');
      await waitFor(() => rig.module.powered, 'power on');
      writeFileSync(value, '0\n');
      await waitFor(() => !rig.module.powered, 'power off');
    } finally {
      follower.stop();
    }
  });
});
