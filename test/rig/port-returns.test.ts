// A module whose serial port vanishes with its power and comes back a while after power-on, as a
// USB module re-enumerates: the PTY link is deleted at power-off and re-created later, in the
// background, by the rig's own power commands. `hil run` waits for it and records the blind window.
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import { controlRequest, type TruthSnapshot } from '../../harness/sim/index.ts';
import { runHil } from '../../support/hil-process.ts';
import { PtyBench } from './pty-bench.ts';

const SCALE = 25;

describe('a serial port that vanishes on power-off', function () {
  this.timeout(120_000);
  let bench: PtyBench;
  beforeEach(async () => {
    bench = await PtyBench.create('hil-reenum-');
    await bench.startSim(['--time-scale', String(SCALE), '--seed', '7']);
  });
  afterEach(() => bench.close());

  it('is waited for after each power-on, and the blind window is measured', async () => {
    // The link comes back 0.3 s (wall) after power-on, after the on command has returned.
    const reappear = `(sleep 0.3; ln -s ${bench.device} ${bench.link}) >/dev/null 2>&1 &`;
    const rig = await bench.rig('usb-like', SCALE, [
      `power: { type: exec, on: '${bench.ctl('on')} && { ${reappear} }', off: 'rm -f ${bench.link} && ${bench.ctl('off')}', edgeAt: end }`,
    ]);
    const reportDir = join(bench.dir, 'report');
    const run = await runHil(['run', '--rig', rig, '--suite', 'power-cycle-reset', '--report-dir', reportDir], 120_000);
    expect(run.code, run.stdout + run.stderr).to.equal(0);

    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    const truth = (await controlRequest(bench.socket, { op: 'truth' })) as TruthSnapshot;
    const windows = summary.blindWindows!;
    expect(windows, 'one blind window per power-on').to.have.length(truth.powerOns.length);
    for (const window of windows) {
      expect(window.portUsableMs, 'port usable after power-on').to.be.greaterThan(0);
      expect(window.firstByteMs, 'first byte once the port is usable').to.be.at.least(window.portUsableMs!);
    }
    const transcript = await readFile(join(reportDir, 'transcript.log'), 'utf8');
    expect(transcript.match(/note +blind window: port usable \d+\.\d{3} s and first byte \d+\.\d{3} s after power-on/g)).to.have.length(windows.length);
  });
});
