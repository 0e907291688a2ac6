// The forced-check-energy suite on the virtual rig with the virtual PPK2: it passes, prints the
// charge of the forced check's window and its yearly cost, and the figures agree with the current
// model's ground truth within their stated ±. A module that draws more fails the charge limit.
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runHil } from '../../support/hil-process.ts';

const RIG = resolve(import.meta.dirname, '../../rigs/virtual-ppk2.yaml');

/** Each energy step's note of what it measured, and the model's ground truth after it. */
function measuredAndTruth(transcript: string): { measured: number; uncertainty: number; truth: number }[] {
  const measured = [...transcript.matchAll(/virtual PPK2 \(current model of the virtual module\): ([\d.]+) ± ([\d.]+) mC from force-check to last-close/g)];
  const truth = [...transcript.matchAll(/ground truth of the current model from force-check to last-close: ([\d.]+) mC/g)];
  expect(measured.length, 'energy notes in the transcript').to.equal(truth.length);
  return measured.map((m, i) => ({ measured: Number(m[1]), uncertainty: Number(m[2]), truth: Number(truth[i]![1]) }));
}

describe('forced-check-energy on the virtual rig with the virtual PPK2', function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-energy-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("passes, prints the window's charge and yearly cost, and agrees with the model's ground truth within its ±", async () => {
    const reports = join(dir, 'healthy');
    const run = await runHil(['run', '--rig', RIG, '--suite', 'forced-check-energy', '--report-dir', reports], 80_000);
    const output = run.stdout + run.stderr;
    expect(run.code, output).to.equal(0);
    expect(output).to.match(/check_charge = [\d.]+ ± [\d.]+ mC {2}\[≤ 500 mC\] {2}PASS/);
    expect(output).to.match(/yearly_cost = [\d.]+ ± [\d.]+ µAh\/year {2}\[≤ 7300 µAh\/year\] {2}PASS/);
    expect(output).to.match(/battery_share = [\d.]+ ± [\d.]+ % {2}\[≤ 0.5 %\] {2}PASS/);
    const windows = measuredAndTruth(await readFile(join(reports, 'transcript.log'), 'utf8'));
    expect(windows).to.have.length(3); // no update pending (in mC, in µAh), then a 3-block update
    for (const { measured, uncertainty, truth } of windows) {
      expect(truth, 'the window drew charge').to.be.above(5);
      expect(Math.abs(measured - truth), `measured ${measured} ± ${uncertainty} mC, ground truth ${truth} mC`).to.be.at.most(uncertainty);
    }
    const summary = JSON.parse(await readFile(join(reports, 'summary.json'), 'utf8')) as { tests: { measurements: { name: string; value: number }[] }[] };
    const figures = Object.fromEntries(summary.tests[0]!.measurements.map((m) => [m.name, m.value]));
    // A weekly check: 52.18 windows a year; µAh are mC / 3.6.
    expect(figures.yearly_cost).to.be.closeTo((figures.check_charge! / 3.6) * 52.1786, 0.1);
    expect(figures.check_charge_uah).to.be.closeTo(figures.check_charge! / 3.6, 0.01);
    expect(figures.update_charge, 'an update of 3 blocks costs more than a check with none').to.be.above(figures.check_charge! * 2);
    const timeline = await readFile(join(reports, 'timelines', 'forced-check-energy.svg'), 'utf8');
    expect(timeline, 'the current lane under the sessions').to.match(/>current<\/text>[\s\S]*>0–220 mA<\/text>/);
  });

  it('fails the charge limit, for the charge, when the module idles at 200 mA instead of paging (peak current still within its limit)', async () => {
    const rig = join(dir, 'hungry.yaml');
    const text = (await readFile(RIG, 'utf8')).replace('  supplyVoltage: 3.7', '  supplyVoltage: 3.7\n  draw: { registered: 0.2 }');
    expect(text).to.contain('draw: { registered: 0.2 }');
    await writeFile(rig, text);
    const run = await runHil(['run', '--rig', rig, '--suite', 'forced-check-energy', '--report-dir', join(dir, 'hungry')], 80_000);
    const output = run.stdout + run.stderr;
    expect(run.code, output).to.equal(1);
    expect(output).to.match(/check_charge = [\d.]+ ± [\d.]+ mC {2}\[≤ 500 mC\] {2}FAIL/);
    expect(output).to.match(/check_charge = [\d.]+ mC, outside ≤ 500 mC/);
    expect(output).to.match(/check_peak_current = [\d.]+ ± [\d.]+ mA {2}\[≤ 500 mA\] {2}PASS/);
  });

  it('is refused on a rig without a power monitor, saying what is missing, before the bench is touched', async () => {
    const run = await runHil(['run', '--suite', 'forced-check-energy', '--report-dir', join(dir, 'none')], 60_000);
    expect(run.code).to.equal(2);
    expect(run.stdout + run.stderr).to.contain('steps.1.monitor: needs a power monitor (and 4 more steps), and rig "virtual" has none: add a monitor: block (driver, supplyVoltage) to the rig file');
  });
});
