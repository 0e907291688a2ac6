// A window's figures from a trace: exact for constant currents, with a ± that covers a misplaced edge.
import { expect } from 'chai';
import { CurrentTrace, inUnit, windowFigures, batteryShare, WEEKLY_CHECKS_PER_YEAR } from '../../harness/energy/index.ts';

/** 1 ms bins: 10 mA for the first second, 100 mA for the next, each rounded by at most 1 µA. */
function trace(): CurrentTrace {
  const t = new CurrentTrace();
  for (let i = 0; i < 2000; i++) t.push({ start: i, duration: 1, mean: i < 1000 ? 0.01 : 0.1, peak: i < 1000 ? 0.01 : 0.1, rounding: 1e-6, logic: 0 });
  return t;
}

describe('window figures', () => {
  it('integrates charge, energy, average and peak between two rig times', () => {
    const figures = windowFigures(trace(), { from: 500, to: 1500, fromUncertainty: 0, toUncertainty: 0 }, 3.7);
    expect(figures.charge.value).to.be.closeTo(0.5 * 0.01 + 0.5 * 0.1, 1e-12);
    expect(figures.energy.value).to.be.closeTo(0.055 * 3.7, 1e-12);
    expect(figures.average.value).to.be.closeTo(0.055, 1e-12);
    expect(figures.peak.value).to.equal(0.1);
    expect(inUnit('charge', figures.charge.value, 'mC')).to.equal(55);
    expect(inUnit('charge', figures.charge.value, 'µAh')).to.be.closeTo(15.2778, 1e-4);
  });

  it('states a ± that holds wherever within their uncertainty the edges really were', () => {
    const stated = windowFigures(trace(), { from: 500, to: 1500, fromUncertainty: 40, toUncertainty: 40 }, 3.7);
    for (const [from, to] of [[460, 1540], [540, 1460], [460, 1460], [540, 1540]] as const) {
      const actual = windowFigures(trace(), { from, to, fromUncertainty: 0, toUncertainty: 0 }, 3.7).charge.value;
      expect(Math.abs(actual - stated.charge.value), `${from}–${to}`).to.be.at.most(stated.charge.uncertainty);
    }
    // Rounding (1 µA over 1 s) plus each edge's span (40 ms + a 1 ms bin) at the peak current near it.
    expect(stated.charge.uncertainty).to.be.closeTo(1e-6 + 0.041 * 0.01 + 0.041 * 0.1, 1e-9);
  });

  it('refuses a window the trace does not cover, saying what it covers', () => {
    expect(() => windowFigures(trace(), { from: 1500, to: 2500, fromUncertainty: 0, toUncertainty: 0 }, 3.7)).to.throw(
      'the power monitor has samples from 0.000 s to 2.000 s, not the whole window 1.500 s to 2.500 s (rig time): start it before the window opens',
    );
  });

  it("projects a weekly check's yearly cost and its share of a battery", () => {
    const yearly = 0.055 * WEEKLY_CHECKS_PER_YEAR;
    expect(inUnit('yearly', yearly, 'µAh/year')).to.be.closeTo((55 / 3.6) * 52.1786, 1e-2);
    expect(inUnit('share', batteryShare(yearly, 2000), '%')).to.be.closeTo(((55 / 3.6) * 52.1786) / 2_000_000 * 100, 1e-6);
  });
});
