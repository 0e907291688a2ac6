// The PPK2 driver against the virtual PPK2 and the virtual module's current model, on a ManualClock:
// the trace follows the model, its figures agree with the model's ground truth within their ±
// wherever within that ± the window's edges really are, and the PPK2 in source mode switches the DUT.
import { expect } from 'chai';
import { setTimeout as wallSleep } from 'node:timers/promises';
import { Ppk2Monitor, windowFigures } from '../../harness/energy/index.ts';
import { CurrentModel } from '../../harness/sim/current-model.ts';
import { VirtualPpk2 } from '../../harness/sim/virtual-ppk2.ts';
import { FORCE_CHECK, MINUTE, SECOND, SimRig } from '../sim/helpers.ts';

/** Moves rig time on in steps, giving the virtual PPK2 wall time to send each step's samples. */
async function run(rig: SimRig, rigMs: number, stepMs = 2 * SECOND): Promise<void> {
  for (let done = 0; done < rigMs; done += stepMs) {
    rig.clock.advance(Math.min(stepMs, rigMs - done));
    await wallSleep(15);
  }
}

function setUp(mode: 'ampere' | 'source' = 'ampere') {
  const rig = new SimRig();
  const model = new CurrentModel(rig.module);
  const device = new VirtualPpk2(rig.clock, model, () => {}, 1000); // 1 ms words: fewer than the scale-1 default
  const monitor = new Ppk2Monitor({ clock: rig.clock, link: device, description: 'virtual PPK2', mode, supplyVolts: 3.7, startUncertainty: 0 });
  return { rig, model, device, monitor };
}

describe('the PPK2 driver on the virtual PPK2', function () {
  this.timeout(20_000);

  it("traces the module's draw through boot, registration and the boot-time OTA session, within the stated ± of the ground truth", async () => {
    const { rig, model, monitor } = setUp();
    await monitor.start();
    rig.module.power(true);
    await run(rig, 3 * MINUTE);
    await monitor.stop();
    const session = rig.module.truth.toJSON().sessions[0]!;
    expect(session.closedAt, 'the boot-time session closed').to.be.a('number');
    expect(monitor.trace.bins.length).to.be.above(1000);
    expect(monitor.trace.peakBetween(session.openedAt!, session.closedAt!)).to.be.closeTo(model.draw.transmit, 1e-4);
    const windows = [
      [0, 3 * MINUTE - SECOND],
      [session.requestedAt, session.closedAt!],
      [session.openedAt! + 10, session.openedAt! + 400],
    ] as const;
    const slack = 250;
    for (const [from, to] of windows) {
      const figures = windowFigures(monitor.trace, { from, to, fromUncertainty: slack, toUncertainty: slack }, 3.7);
      for (const [realFrom, realTo] of [[from, to], [from - slack, to + slack], [from + slack, to - slack], [from - slack, to - slack]] as const) {
        const truth = model.charge(realFrom, realTo);
        expect(Math.abs(figures.charge.value - truth), `${from}–${to} against ${realFrom}–${realTo}: ${figures.charge.value} ± ${figures.charge.uncertainty} C, truth ${truth} C`).to.be.at.most(figures.charge.uncertainty);
      }
    }
  });

  it('measures the forced check that the module makes after AT+CSIM', async () => {
    const { rig, model, monitor } = setUp();
    rig.module.power(true);
    await run(rig, 2.5 * MINUTE);
    await monitor.start();
    const before = rig.clock.now();
    rig.at(FORCE_CHECK);
    await run(rig, 20 * SECOND, 500);
    await monitor.waitFor(rig.clock.now() - SECOND, 1_000);
    const figures = windowFigures(monitor.trace, { from: before, to: rig.clock.now() - SECOND, fromUncertainty: 0, toUncertainty: 0 }, 3.7);
    const truth = model.charge(before, rig.clock.now() - SECOND);
    expect(truth).to.be.above(0.05);
    expect(Math.abs(figures.charge.value - truth)).to.be.at.most(figures.charge.uncertainty);
    expect(figures.energy.value).to.be.closeTo(figures.charge.value * 3.7, 1e-12);
  });

  it('cuts the DUT in source mode, and shows the supply on digital input D0', async () => {
    const { rig, model, monitor } = setUp('source');
    rig.module.power(true);
    await monitor.start();
    await run(rig, 10 * SECOND);
    expect(monitor.trace.bins.at(-1)!.logic & 1, 'D0 high while supplied').to.equal(1);
    (monitor as unknown as { options: { link: VirtualPpk2 } }).options.link.write(Uint8Array.of(0x0c, 0));
    const cut = rig.clock.now();
    await run(rig, 10 * SECOND);
    await monitor.waitFor(cut + 9 * SECOND, 1_000);
    expect(model.charge(cut + 1, cut + 9 * SECOND)).to.equal(0);
    const after = windowFigures(monitor.trace, { from: cut + SECOND, to: cut + 9 * SECOND, fromUncertainty: 0, toUncertainty: 0 }, 3.7);
    expect(after.charge.value).to.equal(0);
    expect(monitor.trace.bins.at(-1)!.logic & 1, 'D0 low without supply').to.equal(0);
  });

  it('reads commands split across writes, and says what its words stand for in its metadata', () => {
    const { rig, device } = setUp();
    const out: Uint8Array[] = [];
    device.onData((bytes) => out.push(bytes));
    device.write(Uint8Array.of(0x0d, 0x0c));
    device.write(Uint8Array.of(0x80, 0x19));
    expect(device.vddMv).to.equal(0x0c80);
    const text = Buffer.concat(out).toString('latin1');
    expect(text).to.match(/^R0: 1031.64\n/);
    expect(text).to.contain(`VDD: 3200\n`);
    expect(text).to.contain('rig_sample_us: 1000\nEND\n');
    expect(rig.clock.scale).to.equal(1);
  });
});
