// A power switch driven by a command switches somewhere between the command's start and its return:
// a hub or PDU CLI that waits after switching returns late. The power-on mark is the middle of the
// command's run and the figures carry half of it in their ± bound, so the bound holds the truth.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import { controlRequest, type TruthSnapshot } from '../../harness/sim/index.ts';
import { HIL, runHil, startHil, stop } from '../../support/hil-process.ts';

const SCALE = 5;

describe('an exec power switch that returns a second after switching', function () {
  this.timeout(120_000);
  let dir: string;
  let sim: ChildProcess | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-exec-edge-'));
  });
  after(async () => {
    if (sim) await stop(sim);
    await rm(dir, { recursive: true, force: true });
  });

  it('measures the boot delay with a ± bound that holds the simulator\'s truth', async () => {
    const link = join(dir, 'module');
    const socket = join(dir, 'module.ctl');
    sim = await startHil(['sim', '--pty', link, '--time-scale', String(SCALE), '--power', 'off', '--seed', '7'], /virtual module on/);
    const ctl = (state: string) => `"${process.execPath}" "${HIL}" sim ctl "${socket}" power ${state}`;
    const rig = join(dir, 'rig.yaml');
    // The switch comes first; the command returns one second of wall time later.
    await writeFile(
      rig,
      ['name: slow-return', `simulator: { control: "${socket}" }`, `timeScale: ${SCALE}`, `serial: { path: "${link}" }`, `power: { type: exec, on: '${ctl('on')} && sleep 1', off: '${ctl('off')}', timeout: 20 s }`, ''].join('\n'),
    );
    const suites = join(dir, 'suites');
    await mkdir(suites);
    await writeFile(
      join(suites, 'boot.yaml'),
      `id: boot
title: Boot delay behind a slow switch
requirement: { source: the harness's own tests, text: the first check comes a minute or two after power-up }
measurements:
  - { name: boot_delay, description: power-on to the first ota.super open, unit: s, min: 0, max: 1000 }
steps:
  - power: off
  - power: on
  - ready: {}
  - expectSession: { from: power-on, within: { max: 3 min }, measure: boot_delay }
`,
    );
    const reportDir = join(dir, 'report');
    const run = await runHil(['run', '--rig', rig, '--suites-dir', suites, '--suite', 'boot', '--report-dir', reportDir, '--no-html'], 110_000);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    const measured = summary.tests[0]!.measurements.find((m) => m.name === 'boot_delay')!;

    const truth = (await controlRequest(socket, { op: 'truth' })) as TruthSnapshot;
    const powerOn = truth.powerOns.at(-1)!;
    const session = truth.sessions.find((s) => s.openedAt !== undefined && s.openedAt > powerOn)!;
    const real = (session.openedAt! - powerOn) / 1000;
    // Half of a run that lasts at least the one-second sleep: at least 2.5 s of rig time at scale 5.
    expect(measured.uncertainty, 'the bound covers half the command').to.be.at.least((0.5 * SCALE));
    // The truth within the stated bound, plus a fixed allowance for the PTY and the event loop, independent of it.
    expect(Math.abs(measured.value - real), `measured ${measured.value} ± ${measured.uncertainty}, truth ${real}`).to.be.at.most(measured.uncertainty! + 0.25);
  });
});
