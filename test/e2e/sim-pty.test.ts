// `hil sim --pty` as its own process: the harness talks to it over a real pseudo-terminal with the
// real serialport binding, powers it through its control socket, and `hil run` drives it through
// an exec power switch, as it would a module it does not own.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { AtEngine, type Urc } from '../../harness/at/index.ts';
import type { Certificate } from '../../harness/report/certificate.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import { controlRequest, type TruthSnapshot } from '../../harness/sim/index.ts';
import { ScaledClock } from '../../harness/time/clock.ts';
import { HIL, runHil, startHil, stop } from '../../support/hil-process.ts';

// Fast enough for a test, slow enough that the exec switch's few milliseconds stay small in rig time.
const SCALE = 25;
/**
 * The whole standard set runs slower: the simulator is a process of its own, and at scale 25 a
 * follow-on session's 10 s limit is 0.4 s of wall time, which two stalled processes on a loaded
 * host can outlast together.
 */
const STANDARD_SCALE = 12;
const FORCE_CHECK = 'AT+CSIM=52,"80C2000015D613190103820282811B0100130799F08900010001"';

function openPort(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 115200 }, (error) => (error ? reject(error) : resolve(port)));
  });
}

describe('hil sim on a pseudo-terminal', function () {
  this.timeout(60_000);
  let dir: string;
  let link: string;
  let socket: string;
  let sim: ChildProcess;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-sim-'));
    link = join(dir, 'module');
    socket = join(dir, 'module.ctl');
  });
  afterEach(async () => {
    if (sim) await stop(sim);
    await rm(dir, { recursive: true, force: true });
  });

  it('answers AT on the PTY and shows a forced OTA check to the host in rig time', async () => {
    sim = await startHil(['sim', '--pty', link, '--time-scale', String(SCALE), '--seed', '3'], /virtual module on/);
    const clock = new ScaledClock(SCALE);
    const port = await openPort(link);
    const at = new AtEngine({ write: (bytes) => void port.write(bytes), clock });
    port.on('data', (bytes: Buffer) => at.feed(bytes));
    const urcs: Urc[] = [];
    at.onUrc((urc) => urcs.push(urc));
    try {
      // The module booted before the port was opened: ask until it answers.
      let ready = false;
      for (let i = 0; i < 20 && !ready; i++) ready = (await at.send('AT', { timeoutMs: 2000 }).catch(() => undefined))?.ok ?? false;
      expect(ready, 'AT answered OK').to.equal(true);
      // Only PDN events: a host that watches does not take the toolkit over with AT+CUSATA=1.
      await at.expectOk('AT+CGEREP=2,1');
      // Wait for registration, so the forced check can bring up its data connection.
      for (let i = 0; i < 50 && !/\+CEREG: \d,5/.test((await at.send('AT+CEREG?')).lines.join()); i++) await clock.sleep(1000);

      const triggeredAt = clock.now();
      const csim = await at.expectOk(FORCE_CHECK);
      expect(csim.lines[0]).to.match(/^\+CSIM: 4,"(9000|91[0-9A-F]{2})"$/);
      await clock.sleep(30_000);

      const opened = urcs.find((u) => u.line.startsWith('+CGEV: ME PDN ACT'));
      expect(opened, 'a +CGEV PDN ACT URC').to.not.equal(undefined);
      const cid = opened!.line.split(' ').at(-1);
      expect(urcs.some((u) => u.line === `+CGEV: ME PDN DEACT ${cid}`)).to.equal(true);
      expect(urcs.filter((u) => u.line.startsWith('+CUSATP')), 'proactive commands shown without AT+CUSATA=1').to.deep.equal([]);

      const truth = (await controlRequest(socket, { op: 'truth' })) as TruthSnapshot;
      const forced = truth.sessions.find((s) => s.trigger === 'forced')!;
      expect(forced.outcome).to.equal('completed');
      const envelopeAt = truth.events.find((e) => e.what === 'force-check-envelope')!.rig;
      // Both sides agree on how long the check took to open, in rig time (one PTY round trip apart).
      expect(opened!.rig - triggeredAt).to.be.closeTo(forced.openedAt! - envelopeAt, 1500);
    } finally {
      at.close();
      await new Promise((resolve) => port.close(resolve));
    }
  });

  it('is switched by `hil sim ctl` and reports its state', async () => {
    sim = await startHil(['sim', '--pty', link, '--power', 'off'], /virtual module on/);
    const off = await runHil(['sim', 'ctl', socket, 'state']);
    expect(JSON.parse(off.stdout).powered).to.equal(false);
    const on = await runHil(['sim', 'ctl', socket, 'power', 'on']);
    expect(on.code).to.equal(0);
    expect(JSON.parse(on.stdout)).to.deep.equal({ powered: true });
    const bad = await runHil(['sim', 'ctl', socket, 'explode']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/^hil sim ctl: expected power on\|off, state, truth, updates, stage \[BLOCKS \[NEW-IMSI\]\] or reset, got "explode"\n/);
  });

  it('is brought back to its start by `hil sim ctl reset`: the update staged at the start alone, undelivered', async () => {
    sim = await startHil(['sim', '--pty', link, '--power', 'off', '--update-blocks', '2', '--new-imsi', '732123200009999'], /virtual module on/);
    expect((await runHil(['sim', 'ctl', socket, 'stage', '3'])).code).to.equal(0);
    const reset = await runHil(['sim', 'ctl', socket, 'reset']);
    expect(reset.code, reset.stderr).to.equal(0);
    const result = JSON.parse(reset.stdout) as { powered: boolean; imsi: string; updates: { blocks: number; status: string; newImsi?: string }[] };
    expect(result).to.deep.include({ powered: false, imsi: '732123200001234' });
    expect(result.updates.map((u) => [u.blocks, u.status, u.newImsi])).to.deep.equal([[2, 'scheduled', '732123200009999']]);
  });

  it('takes its PTY from HIL_SIM_PTY, as rigs/sim-pty.yaml and `hil sim ctl` do: `hil doctor` passes the shipped rig on it', async function () {
    this.timeout(120_000);
    process.env.HIL_SIM_PTY = link;
    try {
      sim = await startHil(['sim', '--time-scale', '30', '--power', 'off'], /virtual module on/);
      const state = await runHil(['sim', 'ctl', 'state']);
      expect(state.code, state.stderr).to.equal(0);
      expect(JSON.parse(state.stdout)).to.deep.include({ powered: false });
      const doctor = await runHil(['doctor', '--rig', 'rigs/sim-pty.yaml'], 120_000);
      expect(doctor.stdout).to.contain(`✓ serial port opens: ${link}, usable`);
      expect(doctor.stdout, doctor.stdout + doctor.stderr).to.match(/\nthe bench is ready\n$/);
    } finally {
      delete process.env.HIL_SIM_PTY;
    }
  });

  /** A rig file for the simulator on the PTY, powered through `hil sim ctl` as an exec switch. */
  async function writePtyRig(timeScale = SCALE): Promise<string> {
    const ctl = (state: string) => `"${process.execPath}" "${HIL}" sim ctl "${socket}" power ${state}`;
    const rig = join(dir, 'pty-rig.yaml');
    await writeFile(
      rig,
      [
        'name: pty-sim',
        `simulator: { control: "${socket}" }`,
        `timeScale: ${timeScale}`,
        `serial: { path: "${link}" }`,
        // `hil sim ctl` switches as its last act: its start-up time is not part of the edge.
        `power: { type: exec, on: '${ctl('on')}', off: '${ctl('off')}', timeout: 20 s, edgeAt: end }`,
        '',
      ].join('\n'),
    );
    return rig;
  }

  it('passes the standard suites unchanged through `hil run` with an exec power switch and the real serialport binding', async function () {
    this.timeout(300_000);
    sim = await startHil(['sim', '--pty', link, '--time-scale', String(STANDARD_SCALE), '--power', 'off', '--seed', '5'], /virtual module on/);
    const rig = await writePtyRig(STANDARD_SCALE);
    const reportDir = join(dir, 'report');
    const run = await runHil(['run', '--rig', rig, '--report-dir', reportDir], 280_000);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.tests.map((t) => `${t.suiteId}: ${t.status}`)).to.deep.equal(
      ['apn-hygiene', 'boot-delay', 'csim-forced-check', 'power-cycle-reset', 'sleep-too-early'].map((id) => `${id}: passed`),
    );
    expect(summary.rig.power).to.match(/^exec/);
  });

  it('passes the standard suites on a module showing PDN events only with no update pending, and says where its evidence is limited', async function () {
    this.timeout(300_000);
    sim = await startHil(['sim', '--pty', link, '--time-scale', String(STANDARD_SCALE), '--power', 'off', '--seed', '5'], /virtual module on/);
    const rig = await writePtyRig(STANDARD_SCALE);
    const reportDir = join(dir, 'no-update');
    const run = await runHil(['run', '--rig', rig, '--report-dir', reportDir, '--no-update-pending'], 280_000);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const certificate = JSON.parse(await readFile(join(reportDir, 'certificate.json'), 'utf8')) as Certificate;
    expect(certificate.verdict).to.equal('pass');
    expect(certificate.rig.evidence).to.equal('pdn');
    const evidence = Object.fromEntries(certificate.requirements.map((r) => [r.suiteId, r.evidence]));
    // Data exchange is judged nowhere on PDN events; an update's delivery nowhere without one pending.
    expect(evidence).to.deep.equal({ 'apn-hygiene': 'limited', 'boot-delay': 'complete', 'csim-forced-check': 'limited', 'power-cycle-reset': 'complete', 'sleep-too-early': 'limited' });
    const csim = certificate.requirements.find((r) => r.suiteId === 'csim-forced-check')!;
    expect(csim.limitations.join('\n')).to.match(/data exchange with the OTA server is not observable on generic-27007 \(pdn evidence\)/);
    expect(csim.limitations.join('\n')).to.match(/counted, not judged against its blocks: no update is pending \(the operator's declaration\)/);
    expect(await readFile(join(reportDir, 'certificate.html'), 'utf8')).to.contain('Limited evidence');
  });

  it('passes apn-hygiene again on the same simulator once `hil sim ctl reset` has undone the first run', async function () {
    this.timeout(180_000);
    sim = await startHil(['sim', '--pty', link, '--time-scale', String(SCALE), '--power', 'off', '--seed', '5'], /virtual module on/);
    const rig = await writePtyRig();
    const apnHygiene = async (name: string) => {
      const run = await runHil(['run', '--rig', rig, '--suite', 'apn-hygiene', '--no-html', '--report-dir', join(dir, name)], 120_000);
      return { ...run, output: run.stdout + run.stderr };
    };
    const first = await apnHygiene('first');
    expect(first.code, first.output).to.equal(0);
    // The first run's update switched the IMSI: a second run without a reset cannot see a switch.
    const again = await apnHygiene('again');
    expect(again.code, again.output).to.equal(1);
    expect(again.output).to.match(/AT\+CIMI answered "\d+", unchanged from imsi_before: the update was meant to switch the IMSI/);
    expect((await runHil(['sim', 'ctl', socket, 'reset'])).code).to.equal(0);
    const afterReset = await apnHygiene('after-reset');
    expect(afterReset.code, afterReset.output).to.equal(0);
  });

  it('leaves the bench powered off and writes a partial report when interrupted', async () => {
    sim = await startHil(['sim', '--pty', link, '--time-scale', '1', '--power', 'off'], /virtual module on/);
    const rig = await writePtyRig(1);
    const reportDir = join(dir, 'interrupted');
    // In real time the suite is still waiting for the module to boot when the signal comes.
    const child = await startHil(['run', '--rig', rig, '--suite', 'boot-delay', '--report-dir', reportDir], /✓ power on/, 60_000);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    const state = (await controlRequest(socket, { op: 'state' })) as { powered: boolean };
    expect(state.powered, 'module powered after the interrupted run').to.equal(false);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.status).to.equal('aborted');
    expect(summary.abortReason).to.match(/SIGINT/);
    const certificate = JSON.parse(await readFile(join(reportDir, 'certificate.json'), 'utf8')) as { verdict: string };
    expect(certificate.verdict, 'certificate of an aborted run').to.equal('incomplete');
    expect(await readFile(join(reportDir, 'junit.xml'), 'utf8')).to.contain('<testsuites');
  });
});
