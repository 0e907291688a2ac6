// `hil doctor` as a user runs it: a healthy bench passes; a module without BIP, a missing data APN
// and a port that never appears are each named with their fix; the bench ends powered off and free.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { AtEngine } from '../../harness/at/index.ts';
import { lockPath } from '../../harness/rig/lock.ts';
import { controlRequest } from '../../harness/sim/index.ts';
import { TERMINAL_PROFILE_WITH_BIP, TERMINAL_PROFILE_WITHOUT_BIP } from '../../harness/stk/index.ts';
import { ScaledClock } from '../../harness/time/clock.ts';
import { runHil, startHil, stop } from '../../support/hil-process.ts';
import { PtyBench } from './pty-bench.ts';

const SCALE = 25;
const failures = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('  ✗'));
/** What doctor names missing from the terminal profile of a module with the no-bip fault. */
const NO_BIP = `${TERMINAL_PROFILE_WITHOUT_BIP} lacks OPEN CHANNEL, CLOSE CHANNEL, RECEIVE DATA, SEND DATA, GET CHANNEL STATUS, packet bearer (GPRS or E-UTRAN), ` +
  'at least one channel, TCP or UDP client remote transport, data available event, channel status event';

/** Sets the module's data context as its last user left it, over its AT port. */
async function setDataApn(bench: PtyBench, apn: string): Promise<void> {
  await controlRequest(bench.socket, { op: 'power', on: true });
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path: bench.link, baudRate: 115200 }, (error) => (error ? reject(error) : resolve(p)));
  });
  const at = new AtEngine({ write: (bytes) => void port.write(bytes), clock: new ScaledClock(SCALE) });
  port.on('data', (bytes: Buffer) => at.feed(bytes));
  try {
    let ready = false;
    for (let i = 0; i < 50 && !ready; i++) ready = (await at.send('AT', { timeoutMs: 2_000 }).catch(() => undefined))?.ok ?? false;
    await at.expectOk(`AT+CGDCONT=1,"IP","${apn}"`);
  } finally {
    at.close();
    await new Promise((resolve) => port.close(resolve));
    await controlRequest(bench.socket, { op: 'power', on: false });
  }
}

describe('hil doctor', function () {
  this.timeout(60_000);
  let bench: PtyBench;
  beforeEach(async () => {
    bench = await PtyBench.create('hil-doctor-');
  });
  afterEach(() => bench.close());

  it('passes the virtual rig, every check ticked', async () => {
    const run = await runHil(['doctor', '--rig', 'rigs/virtual.yaml']);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.match(/✓ TERMINAL PROFILE has BIP: AT\+CUSATR=1: FFFFFFFF1F0C/);
    expect(run.stdout).to.match(/✓ Super SIM: ICCID 8988307/);
    expect(run.stdout).to.match(/\nthe bench is ready\n$/);
  });

  // These modules read the terminal profile with their own commands, not AT+CUSATR.
  for (const [module, command] of [['ublox-sara-r5', 'AT+STKPROF?'], ['cinterion', 'AT^SSTA?']]) {
    it(`reads the terminal profile of a ${module} module with ${command}, and fails it under the no-bip fault`, async () => {
      const virtual = (await readFile('rigs/virtual.yaml', 'utf8')).replace(/^module: .*$/m, `module: ${module}`);
      const doctor = async (faults: string) => {
        const rig = join(bench.dir, `${module}-${faults}.yaml`);
        await writeFile(rig, virtual.replace(/^( +faults:) \[\]/m, `$1 [${faults}]`));
        return (await runHil(['doctor', '--rig', rig])).stdout;
      };
      const healthy = await doctor('');
      expect(healthy).to.contain(`  ✓ TERMINAL PROFILE has BIP: ${command}: ${TERMINAL_PROFILE_WITH_BIP}\n`);
      expect(healthy, 'every check of a healthy module passes').to.match(/\nthe bench is ready\n$/);
      expect(failures(await doctor('no-bip'))).to.include(`  ✗ TERMINAL PROFILE has BIP: ${command}: ${NO_BIP}`);
    });
  }

  it('passes a hil sim --pty bench powered by an exec switch, switching it off first', async () => {
    await bench.startSim(['--time-scale', String(SCALE)]);
    await controlRequest(bench.socket, { op: 'power', on: true }); // as a previous user left it
    const run = await runHil(['doctor', '--rig', await bench.execRig('pty', SCALE)]);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.contain('    note: driving the bench to its safe state (power off) before anything else\n');
    expect(run.stdout).to.match(/\nthe bench is ready\n$/);
    expect(((await controlRequest(bench.socket, { op: 'state' })) as { powered: boolean }).powered).to.equal(false);
    expect(existsSync(lockPath(bench.link)), 'bench lock left behind').to.equal(false);
  });

  it('names a missing data APN and its fix, and leaves the module off and the bench free', async () => {
    await bench.startSim(['--time-scale', String(SCALE)]);
    await setDataApn(bench, 'internet');
    const rig = await bench.execRig('apn', SCALE);
    const run = await runHil(['doctor', '--rig', rig]);
    expect(run.code, run.stdout + run.stderr).to.equal(3);
    expect(failures(run.stdout)).to.deep.equal(['  ✗ APN super configured: no PDP context has APN "super" (contexts: 1 "internet")']);
    expect(run.stdout).to.contain('      fix: AT+CGDCONT=1,"IP","super"\n');
    expect(run.stdout).to.match(/✓ serial port opens: .*, usable \d+\.\d{3} s after power-on/);
    expect(((await controlRequest(bench.socket, { op: 'state' })) as { powered: boolean }).powered).to.equal(false);
    expect(existsSync(lockPath(bench.link)), 'bench lock left behind').to.equal(false);
  });

  it('fails a module whose terminal profile lacks BIP', async () => {
    await bench.startSim(['--time-scale', String(SCALE), '--fault', 'no-bip']);
    const run = await runHil(['doctor', '--rig', await bench.execRig('no-bip', SCALE)]);
    expect(run.code, run.stdout + run.stderr).to.equal(3);
    expect(failures(run.stdout)).to.deep.equal([`  ✗ TERMINAL PROFILE has BIP: AT+CUSATR=1: ${NO_BIP}`]);
  });

  it('refuses a bench that a run is using, naming the run, to hil doctor and to a second hil run that waits too little', async () => {
    await bench.startSim(['--time-scale', '1']);
    const rig = await bench.execRig('busy', 1);
    // The run holds the bench from its start; in real time its suite takes minutes.
    const run = await startHil(['run', '--rig', rig, '--suite', 'boot-delay', '--report-dir', `${bench.dir}/report`], /report folder:/);
    const holder = `process ${run.pid} \\(user [^,]+, rig "busy" on ${bench.link}, run [0-9TZ]+-[0-9a-f]+, suite\\(s\\) boot-delay, report ${bench.dir}/report\\) since `;
    // The bench is named by the port as written and the device it resolves to.
    const benchOn = `the bench on ${bench.link} \\(/dev/pts/\\d+\\)`;
    try {
      const doctor = await runHil(['doctor', '--rig', rig]);
      expect(doctor.code).to.equal(3);
      expect(failures(doctor.stdout)).to.have.length(1);
      expect(failures(doctor.stdout)[0]).to.match(new RegExp(`^  ✗ bench: ${benchOn} is in use by ${holder}`));

      const second = await runHil(['run', '--rig', rig, '--suite', 'boot-delay', '--wait-lock', '2 s', '--report-dir', `${bench.dir}/second`]);
      expect(second.code, second.stdout + second.stderr).to.not.equal(0);
      expect(second.stdout).to.match(new RegExp(`hil run: waiting for the bench, \\d+(\\.\\d)? s left: in use by ${holder}`));
      expect(second.stderr).to.match(new RegExp(`gave up waiting 2 s for the bench: ${benchOn} is in use by ${holder}`));
    } finally {
      await stop(run);
    }
  });

  it('names another process holding the port, and makes quitting it the fix when the module does not answer', async () => {
    await bench.startSim(['--time-scale', String(SCALE)]);
    // A terminal program left on the port: `sleep` holding the PTY open. The switch leaves the module
    // off, so that the module cannot answer whatever the holder does.
    const fd = openSync(bench.link, constants.O_RDWR | constants.O_NOCTTY);
    const holder = spawn('sleep', ['60'], { stdio: ['ignore', 'ignore', 'ignore', fd] });
    closeSync(fd);
    try {
      await new Promise((resolve) => holder.once('spawn', resolve));
      const rig = await bench.rig('held', SCALE, ["power: { type: exec, on: 'true', off: 'true' }", 'settle: { bootTimeout: 10 s }']);
      const run = await runHil(['doctor', '--rig', rig]);
      expect(run.code, run.stdout + run.stderr).to.equal(3);
      const held = `the port ${bench.link} is held by pid ${holder.pid} (sleep)`;
      const [heldCheck, answers, ...more] = failures(run.stdout);
      expect(heldCheck).to.equal(`  ✗ serial port held by no other process: ${held}`);
      expect(answers).to.match(/^ {2}✗ module answers AT: module not ready \d+ s after power-on: no RDY and no answer to AT$/);
      expect(more).to.deep.equal([]);
      const fix = `      fix: ${held}: quit it (a terminal program on the port reads the module's answers before the harness does)`;
      expect(run.stdout.split('\n').filter((line) => line.startsWith('      fix:'))).to.deep.equal([fix, fix]);
    } finally {
      holder.kill();
    }
  });

  it('says what to check when the port never appears after power-on', async () => {
    await bench.startSim(['--time-scale', String(SCALE)]);
    const gone = `${bench.link}-elsewhere`;
    const rig = await bench.rig('no-port', SCALE, [
      `power: { type: exec, on: '${bench.ctl('on')} && mv ${bench.link} ${gone}', off: '${bench.ctl('off')}' }`,
      'settle: { bootTimeout: 10 s }',
    ]);
    const run = await runHil(['doctor', '--rig', rig]);
    expect(run.code, run.stdout + run.stderr).to.equal(3);
    expect(failures(run.stdout)).to.deep.equal([
      `  ✗ power on, serial port opens: serial port ${bench.link} did not open within 10 s: ` +
        `Error: No such file or directory, cannot open ${bench.link}; the device did not appear: check that the module powers up and enumerates (watch \`dmesg -w\` while it switches on)`,
    ]);
    expect(((await controlRequest(bench.socket, { op: 'state' })) as { powered: boolean }).powered, 'module left powered').to.equal(false);
  });
});
