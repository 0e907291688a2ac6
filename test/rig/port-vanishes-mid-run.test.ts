// A module whose USB port vanishes while the harness has it open: the module restarts itself
// (AT+CFUN=1,1), its port goes away and comes back as a new device behind the same link. The harness
// waits for it, reopens it, turns the module's OTA evidence on again, and still sees the OTA session
// the restart starts.
import { expect } from 'chai';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import { controlRequest, type TruthSnapshot } from '../../harness/sim/index.ts';
import { runHil } from '../../support/hil-process.ts';
import { PtyBench } from './pty-bench.ts';

const SCALE = 25;

const RESTART_SUITE = `id: restart-mid-run
title: The OTA check after the module restarts itself
tags: [restart]
requirement:
  source: the applet's timer starts when the SIM is powered, also by a module restart
  text: A restarted module's SIM checks for updates a minute or two after the restart.
measurements:
  - { name: restart_delay, description: module restart to the first ota.super channel open, unit: s, min: 60, max: 120 }
steps:
  - power: off
  - power: on
  - ready: {}
  - at: { send: 'AT+CFUN=1,1' }
  - mark: restarted
  - expectSession: { apn: ota.super, from: restarted, within: { min: 55 s, max: 125 s }, measure: restart_delay }
`;

describe('a serial port that vanishes while in use', function () {
  this.timeout(120_000);
  let bench: PtyBench;
  beforeEach(async () => {
    bench = await PtyBench.create('hil-vanish-');
    await bench.startSim(['--usb', '--time-scale', String(SCALE), '--seed', '3']);
  });
  afterEach(() => bench.close());

  it('is waited for and reopened, and the restarted module is followed to its OTA session', async () => {
    const suites = join(bench.dir, 'suites');
    await mkdir(suites);
    await writeFile(join(suites, 'restart-mid-run.yaml'), RESTART_SUITE);
    const rig = await bench.execRig('usb-module', SCALE);
    const reportDir = join(bench.dir, 'report');
    const run = await runHil(['run', '--rig', rig, '--suites-dir', suites, '--suite', 'restart-mid-run', '--report-dir', reportDir], 120_000);
    expect(run.code, run.stdout + run.stderr).to.equal(0);

    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    const truth = (await controlRequest(bench.socket, { op: 'truth' })) as TruthSnapshot;
    const restart = truth.events.find((event) => event.what === 'module-restart');
    expect(restart, 'the module restarted').to.not.equal(undefined);
    expect(summary.portOutages, 'one outage, ended').to.have.length(1);
    const [outage] = summary.portOutages!;
    expect(outage!.returnedAt, 'the port returned').to.be.a('number');
    // The simulator keeps its own rig clock: the outage is placed by the harness's own steps.
    const restartStep = summary.tests[0]!.steps.find((step) => step.title.startsWith('send AT+CFUN=1,1'))!;
    expect(outage!.lostAt, 'lost once the restart was asked for').to.be.within(restartStep.startedAt, outage!.returnedAt!);

    const transcript = await readFile(join(reportDir, 'transcript.log'), 'utf8');
    expect(transcript).to.match(/note +serial port \S+ vanished at \d+\.\d{3} s \(.*\): the module restarted or re-enumerated on USB/);
    expect(transcript).to.match(/note +serial port \S+ returned \d+\.\d{3} s after it vanished; turning the module's OTA evidence on again/);
    const delay = summary.tests[0]!.measurements.find((m) => m.name === 'restart_delay')!;
    const session = truth.sessions.find((s) => s.apn === 'ota.super' && s.openedAt !== undefined && s.openedAt > restart!.rig)!;
    expect(delay.value * 1000, 'restart to OTA session, as measured').to.be.closeTo(session.openedAt! - restart!.rig, 1_000);
  });
});
