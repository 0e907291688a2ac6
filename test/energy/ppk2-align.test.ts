// A PPK2 trace aligned on a digital input: the rig drives a GPIO line (exported and written through
// a sysfs-shaped GPIO tree that test/gpio/sysfs-gpio.ts plays) wired to the virtual PPK2's D3. The
// virtual PPK2 starts sampling 300 rig ms after its start command, as a real one's USB round trip
// would put it: the aligned trace agrees with the current model's ground truth within its ±, the
// same trace placed by the start command does not, and an input the line is not wired to fails.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as wallSleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Ppk2Monitor, windowFigures } from '../../harness/energy/index.ts';
import { CurrentModel } from '../../harness/sim/current-model.ts';
import { VirtualPpk2 } from '../../harness/sim/virtual-ppk2.ts';
import { MINUTE, SECOND, SimRig } from '../sim/helpers.ts';

const EMULATOR = fileURLToPath(new URL('../gpio/sysfs-gpio.ts', import.meta.url));
const LINE = 588; // pinctrl-rp1 line 17 on a Raspberry Pi 5
const START_LATENCY = 300;

async function until(what: string, condition: () => boolean, wallMs = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > wallMs) throw new Error(`${what} not within ${wallMs} wall ms`);
    await wallSleep(5);
  }
}

/** A GPIO line driven through the sysfs files as onoff drives them: export, direction out, value. */
class SysfsLine {
  readonly description = `GPIO ${LINE}`;
  /** A write is under way: the rig clock waits for it. */
  pending = false;
  constructor(private readonly root: string) {}

  async open(): Promise<void> {
    await writeFile(join(this.root, 'export'), String(LINE));
    await until('the exported line', () => existsSync(join(this.root, `gpio${LINE}`, 'value')));
    await writeFile(join(this.root, `gpio${LINE}`, 'direction'), 'out');
  }

  async set(active: boolean): Promise<void> {
    this.pending = true;
    await writeFile(join(this.root, `gpio${LINE}`, 'value'), active ? '1' : '0');
    this.pending = false;
  }
}

describe('a PPK2 trace aligned on a digital input wired to a GPIO line', function () {
  this.timeout(60_000);
  let dir: string;
  let emulator: ChildProcess;
  let line: SysfsLine;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hil-align-'));
    emulator = spawn('node', ['--import', 'tsx', EMULATOR, '--root', join(dir, 'gpio'), '--pins', join(dir, 'pins'), '--chip', 'pinctrl-rp1:571:54'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => createInterface({ input: emulator.stdout! }).on('line', (text) => text === 'ready' && resolve()));
    line = new SysfsLine(join(dir, 'gpio'));
    await line.open();
  });
  const devices: VirtualPpk2[] = [];
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.close()));
    emulator.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  function setUp(input: number, wiredTo = 3) {
    const rig = new SimRig();
    const model = new CurrentModel(rig.module);
    const device = new VirtualPpk2(rig.clock, model, () => {}, 1000, { inputs: [{ bit: wiredTo, path: join(dir, 'pins', `gpio${LINE}`) }], startLatency: START_LATENCY });
    devices.push(device);
    const options = { clock: rig.clock, link: device, mode: 'ampere' as const, supplyVolts: 3.7, startUncertainty: 0 };
    const aligned = new Ppk2Monitor({ ...options, description: 'virtual PPK2, aligned', align: { line, bit: input } });
    return { rig, model, device, aligned };
  }

  /** Moves rig time on, never while the line is being written or its change is not yet seen by the PPK2. */
  async function run(rig: SimRig, device: VirtualPpk2, rigMs: number, stepMs: number): Promise<void> {
    for (let done = 0; done < rigMs; done += stepMs) {
      await until('the line write', () => !line.pending);
      const changes = device.inputs[0]!.changes;
      const driven = readFileSync(join(dir, 'gpio', `gpio${LINE}`, 'value'), 'utf8').trim() === '1';
      await until('the PPK2 to see the line', () => !driven || changes.at(-1)!.high);
      rig.clock.advance(Math.min(stepMs, rigMs - done));
      await wallSleep(15);
    }
  }

  it("places the trace by the line's edge: the module's boot and OTA session within the stated ± of the ground truth", async () => {
    const { rig, model, device, aligned } = setUp(3);
    await aligned.start();
    rig.module.power(true);
    await run(rig, device, 2 * SECOND, 20);
    await run(rig, device, 3 * MINUTE, 2 * SECOND);
    await aligned.waitFor(3 * MINUTE, 5_000);
    await aligned.stop();
    const edge = device.inputs[0]!.changes.find((change) => change.high)!.at;
    expect(edge, 'the line went high once sampling showed').to.be.above(START_LATENCY);
    const session = rig.module.truth.toJSON().sessions[0]!;
    const alignment = aligned.alignmentAt(edge);
    expect(alignment, 'one sample period and the write').to.be.at.least(1).and.below(5);
    // The session's whole window, and its first transmit burst, where 300 ms makes a difference.
    for (const [from, to, burst] of [[session.requestedAt, session.closedAt!, false], [session.openedAt! + 10, session.openedAt! + 400, true]] as const) {
      const figures = windowFigures(aligned.trace, { from, to, fromUncertainty: aligned.alignmentAt(from), toUncertainty: aligned.alignmentAt(to) }, 3.7);
      const truth = model.charge(from, to);
      const text = `${from}–${to}: ${figures.charge.value} ± ${figures.charge.uncertainty} C, truth ${truth} C`;
      expect(Math.abs(figures.charge.value - truth), text).to.be.at.most(figures.charge.uncertainty);
      expect(figures.charge.uncertainty, text).to.be.below(0.1 * truth);
      if (!burst) continue;
      // The same words placed by the start command are 300 ms off: outside their ±.
      const shifted = windowFigures(aligned.trace, { from: from - START_LATENCY, to: to - START_LATENCY, fromUncertainty: 0, toUncertainty: 0 }, 3.7);
      expect(Math.abs(shifted.charge.value - truth), `unaligned ${text}`).to.be.above(figures.charge.uncertainty);
    }
  });

  it('fails with the reason when the edge never shows on the input named', async () => {
    const { rig, device, aligned } = setUp(1);
    await aligned.start();
    rig.module.power(true);
    await run(rig, device, 3 * SECOND, 20);
    const error = await aligned.waitFor(2 * SECOND, 5_000).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal(`virtual PPK2, aligned: no edge on digital input D1 within 1 s of samples after GPIO ${LINE} was driven active: is the line wired to D1? The trace cannot be placed in rig time; its figures are not used`);
    expect(await aligned.stop().then(() => undefined, (e: Error) => e)).to.equal(error);
    expect(aligned.trace.bins.length, 'the unaligned bins are there, but waitFor and stop refuse them').to.be.above(0);
  });

  it('fails when the input is high before the line is driven', async () => {
    const { rig, device, aligned } = setUp(0);
    rig.module.power(true);
    await aligned.start();
    await run(rig, device, 1 * SECOND, 20);
    const error = await aligned.waitFor(SECOND, 5_000).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal(`virtual PPK2, aligned: digital input D0 was high before GPIO ${LINE} was driven: is the line left active, or is D0 wired to something else?; its figures are not used`);
  });
});
