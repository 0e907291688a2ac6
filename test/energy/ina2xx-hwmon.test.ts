// The INA2xx driver against a folder shaped like the kernel's ina2xx hwmon one, written by another
// process over time: the charge of a step schedule within the stated ±, and clear errors for a
// folder of another chip, a missing one, and a reading that is not a number.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Ina2xxMonitor, windowFigures } from '../../harness/energy/index.ts';
import { ScaledClock } from '../../harness/time/clock.ts';

const WRITER = fileURLToPath(new URL('./hwmon-writer.py', import.meta.url));

interface Step {
  /** Rig time of the change: the middle of the writer's writes, ± half their span. */
  at: number;
  span: number;
  amperes: number;
}

/** Runs the writer to its end: the rig time and mA of each step it set. */
function runWriter(folder: string, name: string, interval: string, clock: ScaledClock, onFirst: () => Promise<void>): Promise<Step[]> {
  const child = spawn('python3', [WRITER, folder, name, interval], { stdio: ['ignore', 'pipe', 'inherit'] });
  const steps: Step[] = [];
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [what, before, after, ma] = line.split(' ');
      if (what === 'done') return resolve(steps);
      const rigOf = (unixMs: string) => clock.now() - (clock.wallNow() - Number(unixMs));
      steps.push({ at: (rigOf(before!) + rigOf(after!)) / 2, span: Number(after) - Number(before), amperes: Number(ma) / 1000 });
      if (steps.length === 1) onFirst().catch(reject);
    });
  });
}

/** Coulombs of the steps from rig time `from` to `to`. */
function stepCharge(steps: Step[], from: number, to: number): number {
  return steps.reduce((sum, step, n) => sum + (Math.max(0, Math.min(to, steps[n + 1]?.at ?? Infinity) - Math.max(from, step.at)) * step.amperes) / 1000, 0);
}

describe('the INA2xx driver on an ina2xx hwmon folder', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hil-hwmon-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, interval] of [['ina226', '35'], ['ina219', 'none']] as const) {
    it(`measures an ${name}'s step schedule within the stated ± (update_interval ${interval})`, async () => {
      const clock = new ScaledClock();
      const folder = join(dir, 'hwmon3');
      const monitor = new Ina2xxMonitor({ clock, path: folder, supplyVolts: 3.7, pollInterval: 10, timingResolution: 2 });
      const steps = await runWriter(folder, name, interval, clock, () => monitor.start());
      await monitor.waitFor(clock.now(), 5_000);
      await monitor.stop();
      expect(monitor.description).to.equal(`${name} at ${folder}`);
      // Both edges in the middle of a steady step: an edge's ± costs what flows there.
      const from = steps[0]!.at + 150;
      const to = steps.at(-1)!.at + 150;
      const uncertainty = monitor.alignmentAt(from);
      const figures = windowFigures(monitor.trace, { from, to, fromUncertainty: uncertainty, toUncertainty: monitor.alignmentAt(to) }, 3.7);
      const truth = stepCharge(steps, from, to);
      // The truth is as good as the writer's own stamps: each step's change times half its writes' span.
      const truthUncertainty = steps.reduce((sum, step, n) => sum + (Math.abs(step.amperes - (steps[n - 1]?.amperes ?? step.amperes)) * step.span) / 2 / 1000, 0);
      const text = `${figures.charge.value} ± ${figures.charge.uncertainty} C, truth ${truth} ± ${truthUncertainty} C, alignment ± ${uncertainty} ms`;
      expect(Math.abs(figures.charge.value - truth), text).to.be.at.most(figures.charge.uncertainty + truthUncertainty);
      expect(figures.charge.uncertainty, text).to.be.below(0.3 * truth);
      expect(uncertainty, 'the chip\'s averaging is in the ±').to.be.at.least(interval === 'none' ? 1.064 : 35);
      expect(monitor.trace.peakBetween(from, to)).to.equal(0.12);
    });
  }

  it('refuses a hwmon folder of another chip, and a missing one', async () => {
    const clock = new ScaledClock();
    const lm75 = join(dir, 'hwmon0');
    mkdirSync(lm75);
    writeFileSync(join(lm75, 'name'), 'lm75\n');
    const options = { clock, supplyVolts: 3.7, pollInterval: 10, timingResolution: 2 };
    const other = await new Ina2xxMonitor({ ...options, path: lm75 }).start().then(() => undefined, (e: Error) => e);
    expect(other?.message).to.match(new RegExp(`^${lm75}/name is "lm75": not a chip of the ina2xx hwmon driver \\(ina219, ina220, ina226`));
    const missing = await new Ina2xxMonitor({ ...options, path: join(dir, 'hwmon9') }).start().then(() => undefined, (e: Error) => e);
    expect(missing?.message).to.equal(`no ${join(dir, 'hwmon9', 'name')}: is the ina2xx driver bound (\`echo ina219 0x40 > /sys/bus/i2c/devices/i2c-1/new_device\`) and is this its hwmon folder?`);
  });

  it('rejects a reading that is not a whole number of mA, and uses no figure after it', async () => {
    const clock = new ScaledClock();
    const folder = join(dir, 'hwmon1');
    mkdirSync(folder);
    writeFileSync(join(folder, 'name'), 'ina226\n');
    writeFileSync(join(folder, 'curr1_input'), '12\n');
    const monitor = new Ina2xxMonitor({ clock, path: folder, supplyVolts: 3.7, pollInterval: 10, timingResolution: 2 });
    await monitor.start();
    writeFileSync(join(folder, '.curr1_input'), '12.5\n');
    renameSync(join(folder, '.curr1_input'), join(folder, 'curr1_input'));
    const error = await monitor.waitFor(clock.now() + 60_000, 5_000).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal(`ina226 at ${folder}: ${folder}/curr1_input: expected an integer, got "12.5"; its figures are not used`);
    await monitor.close();
  });
});
