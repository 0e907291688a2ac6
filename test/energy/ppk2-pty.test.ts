// `hil sim --ppk2 PATH`: the PPK2 driver, over the real serialport binding, against the virtual PPK2
// on a pseudo-terminal, streaming the current of the module `hil sim` runs.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wallSleep } from 'node:timers/promises';
import { Ppk2Monitor, serialPpk2Link } from '../../harness/energy/index.ts';
import { ScaledClock } from '../../harness/time/clock.ts';
import { startHil, stop } from '../../support/hil-process.ts';

const SCALE = 30;

describe('hil sim --ppk2', function () {
  this.timeout(30_000);
  let dir: string;
  let sim: ChildProcess | undefined;
  let output = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-ppk2-'));
    sim = await startHil(['sim', '--pty', join(dir, 'module'), '--ppk2', join(dir, 'ppk2'), '--time-scale', String(SCALE)], /virtual module on/);
    sim.stdout!.on('data', (d) => (output += d));
  });
  after(async () => {
    if (sim) await stop(sim);
    await rm(dir, { recursive: true, force: true });
  });

  it("streams the simulated module's current in PPK2 sample words the driver reads", async () => {
    const clock = new ScaledClock(SCALE);
    const path = join(dir, 'ppk2');
    const monitor = new Ppk2Monitor({ clock, link: await serialPpk2Link(path), description: `PPK2 on ${path}`, mode: 'ampere', supplyVolts: 3.7, startUncertainty: clock.scale * 2 });
    try {
      await monitor.start();
      await wallSleep(500);
      await monitor.stop();
    } finally {
      await monitor.close();
    }
    const bins = monitor.trace.bins;
    expect(bins.length, 'bins in half a second of wall time').to.be.above(100);
    expect(bins[0]!.duration, 'one word of 100 µs wall time, in rig ms').to.equal(SCALE * 0.1);
    expect(bins.every((bin) => bin.mean > 0.001 && bin.mean < 0.1), 'a powered module booting, searching or registered').to.equal(true);
    expect(bins.every((bin) => (bin.logic & 1) === 1), 'D0: the supply on').to.equal(true);
    expect(output).to.contain('PPK2: ampere meter');
    expect(output).to.contain('PPK2: supply 3700 mV');
    expect(output).to.contain('PPK2: sampling');
  });
});
