// `hil run` end to end: the boot-delay suite on the virtual rig, measured against the simulator's
// ground truth, and shown to fail, naming the broken behaviour, against the matching faults.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import type { TruthSnapshot } from '../../harness/sim/index.ts';
import { HIL, runHil } from '../../support/hil-process.ts';

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

describe('hil run on the virtual rig', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-run-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('passes boot-delay and measures the delay the simulator really had, within 1 %', async () => {
    const reportDir = join(dir, 'healthy');
    const run = await runHil(['run', '--suite', 'boot-delay', '--seed', '11', '--report-dir', reportDir]);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.match(/boot_delay = \d+(\.\d+)? ± \d+(\.\d+)? s/);

    const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
    expect(summary.status).to.equal('passed');
    expect(summary.module.iccid).to.match(/^89883070/);
    const [test] = summary.tests;
    expect(test!.suiteId).to.equal('boot-delay');
    const measured = test!.measurements.find((m) => m.name === 'boot_delay')!;

    const truth = await readJson<TruthSnapshot>(join(reportDir, 'ground-truth.json'));
    const lastPowerOn = truth.powerOns.at(-1)!;
    const session = truth.sessions.find((s) => s.openedAt !== undefined && s.openedAt > lastPowerOn)!;
    const trueDelay = (session.openedAt! - lastPowerOn) / 1000;
    expect(trueDelay).to.be.within(60, 120);
    expect(Math.abs(measured.value - trueDelay) / trueDelay).to.be.below(0.01);
  });

  const negativeControls: [fault: string, message: RegExp][] = [
    ['never-checks', /no ota\.super session within 2 min \(\+30 s grace\) of power-on/],
    ['early-check', /opened 1\d\.\d s after power-on, before the 1 min lower limit/],
    // PDN events do not show an OPEN CHANNEL the module refuses: no context ever comes up. The truth
    // below shows the refusal was the fault's, not a check that never came.
    ['no-bip', /no ota\.super session within 2 min \(\+30 s grace\) of power-on/],
  ];
  for (const [fault, message] of negativeControls) {
    it(`fails boot-delay against the ${fault} fault, naming what went wrong`, async () => {
      const reportDir = join(dir, fault);
      const run = await runHil(['run', '--suite', 'boot-delay', '--seed', '11', '--fault', fault, '--report-dir', reportDir]);
      expect(run.code, run.stdout + run.stderr).to.equal(1);
      const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
      expect(summary.status).to.equal('failed');
      expect(summary.rig.faults).to.deep.equal([fault]);
      expect(summary.tests[0]!.status).to.equal('failed');
      expect(summary.tests[0]!.error).to.match(message);
      if (fault === 'no-bip') {
        const truth = await readJson<TruthSnapshot>(join(reportDir, 'ground-truth.json'));
        expect(truth.events.filter((e) => e.what === 'open-channel-failed').map((e) => (e.detail?.result as { general?: number } | undefined)?.general)).to.include(0x30);
      }
    });
  }

  it('keeps running to the end when the reader of its output goes away (hil run | head)', async () => {
    const reportDir = join(dir, 'reader-gone');
    const child = spawn(process.execPath, [HIL, 'run', '--suite', 'boot-delay', '--report-dir', reportDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy()); // the reader closes after its first line
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).to.equal(0);
    const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
    expect(summary.status).to.equal('passed');
  });

  it('exits 2 naming the file and line of a broken rig file', async () => {
    const rig = join(dir, 'broken.yaml');
    await writeFile(rig, 'name: broken\nserial: {path: virtual}\npower: {type: relay}\n');
    const run = await runHil(['run', '--rig', rig]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(`${rig}:3:`);
    expect(run.stderr).to.match(/power\.type/);
  });

  it('exits 2 on an unknown suite or fault', async () => {
    const suite = await runHil(['run', '--suite', 'no-such-suite']);
    expect(suite.code).to.equal(2);
    expect(suite.stderr).to.match(/no suite "no-such-suite"; known: .*boot-delay/);
    const fault = await runHil(['run', '--fault', 'gremlins']);
    expect(fault.code).to.equal(2);
    expect(fault.stderr).to.match(/unknown fault "gremlins"; known faults: no-bip/);
  });
});
