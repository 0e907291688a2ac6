// Every shipped suite passes on a healthy virtual module and fails, naming the broken behaviour,
// against the virtual module with the matching fault. A suite that cannot fail proves nothing.
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import type { TruthSnapshot } from '../../harness/sim/index.ts';
import { runHil } from '../../support/hil-process.ts';
import { TIMER_SURVIVED } from './reasons.ts';

const SEED = '11';


interface Run {
  code: number | null;
  summary: RunSummary;
  truth: TruthSnapshot;
  output: string;
}

async function run(dir: string, name: string, args: string[]): Promise<Run> {
  const reportDir = join(dir, name);
  const finished = await runHil(['run', '--seed', SEED, '--report-dir', reportDir, ...args], 90_000);
  const read = async <T>(file: string) => JSON.parse(await readFile(join(reportDir, file), 'utf8')) as T;
  return { code: finished.code, summary: await read('summary.json'), truth: await read('ground-truth.json'), output: finished.stdout + finished.stderr };
}

/**
 * What the simulator says each measured figure really was, during one test's span of rig time (the
 * virtual rig shares its clock with the harness). Delays run from the last power-on or from the
 * forced-check ENVELOPE reaching the card; the window ends at the last session's close.
 */
function truthFigures(truth: TruthSnapshot, span: { startedAt: number; endedAt: number }): Record<string, number> {
  const inSpan = (t: number | undefined) => t !== undefined && t >= span.startedAt && t <= span.endedAt;
  const sessions = truth.sessions.filter((s) => inSpan(s.openedAt));
  const lastPowerOn = truth.powerOns.filter(inSpan).at(-1);
  const envelope = truth.events.find((e) => e.what === 'force-check-envelope' && inSpan(e.rig))?.rig;
  const figures: Record<string, number> = {};
  if (lastPowerOn !== undefined) {
    const first = sessions.find((s) => s.openedAt! > lastPowerOn);
    if (first) figures.boot_delay = figures.reset_delay = (first.openedAt! - lastPowerOn) / 1000;
  }
  if (envelope !== undefined) {
    const forced = sessions.filter((s) => s.openedAt! > envelope);
    figures.trigger_to_open = (forced[0]!.openedAt! - envelope) / 1000;
    figures.update_window = (forced.at(-1)!.closedAt! - envelope) / 1000;
    figures.session_count = forced.length;
  }
  return figures;
}

describe('the shipped suites on the virtual rig', function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-suites-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the standard set passes on a healthy module, every figure within 1 % of the ground truth', async () => {
    const { code, summary, truth, output } = await run(dir, 'standard', []);
    expect(code, output).to.equal(0);
    expect(summary.tests.map((t) => t.suiteId)).to.deep.equal(['apn-hygiene', 'boot-delay', 'csim-forced-check', 'power-cycle-reset', 'sleep-too-early']);
    let compared = 0;
    for (const test of summary.tests) {
      expect(test.status, `${test.suiteId}: ${test.error}`).to.equal('passed');
      const real = truthFigures(truth, test);
      for (const m of test.measurements) {
        expect(m.verdict, `${test.suiteId} ${m.name}`).to.not.equal('fail');
        if (real[m.name] === undefined) continue;
        // Within 1 %, or within the bound the harness states for the figure, whichever is wider.
        const allowed = Math.max(real[m.name]! * 0.01, m.uncertainty ?? 0);
        expect(Math.abs(m.value - real[m.name]!), `${test.suiteId} ${m.name}: measured ${m.value}, truth ${real[m.name]}`).to.be.at.most(allowed);
        compared++;
      }
    }
    expect(compared, 'figures compared with the ground truth').to.equal(7);
    const csim = summary.tests.find((t) => t.suiteId === 'csim-forced-check')!;
    expect(csim.measurements.map((m) => m.name).sort()).to.deep.equal(['session_count', 'stay_awake_timer', 'trigger_to_open', 'update_window']);
    expect(csim.measurements.find((m) => m.name === 'session_count')!.value).to.equal(3);
  });

  it('at a low time scale the forced-check figures are within 1 % of the ground truth', async () => {
    const suites = join(dir, 'forced-suites');
    await mkdir(suites);
    await writeFile(
      join(suites, 'forced.yaml'),
      `id: forced-figures
title: Forced check figures
requirement: { source: the harness's own tests, text: a forced check with a two-block update }
measurements:
  - { name: trigger_to_open, description: trigger to first open, unit: s, max: 30 }
  - { name: update_window, description: trigger to last close, unit: s, max: 120 }
steps:
  - power: off
  - stageUpdate: { blocks: 2 }
  - power: on
  - ready: {}
  - registered: {}
  - forceCheck: {}
  - expectSession: { from: force-check, within: { max: 30 s }, count: 2, measure: trigger_to_open, measureWindow: update_window }
`,
    );
    const { code, summary, truth, output } = await run(dir, 'forced-low-scale', ['--suites-dir', suites, '--suite', 'forced-figures', '--time-scale', '10']);
    expect(code, output).to.equal(0);
    const [test] = summary.tests;
    const real = truthFigures(truth, test!);
    for (const m of test!.measurements) {
      expect(Math.abs(m.value - real[m.name]!), `${m.name}: measured ${m.value}, truth ${real[m.name]}`).to.be.at.most(real[m.name]! * 0.01);
    }
  });

  const weekly = ['--suite', 'weekly-recheck', '--time-scale', '100000'];
  it('weekly-recheck measures the weekly check at a large time scale', async () => {
    const { code, summary, output } = await run(dir, 'weekly', weekly);
    expect(code, output).to.equal(0);
    const period = summary.tests[0]!.measurements.find((m) => m.name === 'recheck_period')!;
    expect(period.value).to.be.within(6.9, 7.1);
  });

  it('weekly-recheck fails against the no-weekly-recheck fault', async () => {
    const { code, summary } = await run(dir, 'weekly-fault', [...weekly, '--fault', 'no-weekly-recheck']);
    expect(code).to.equal(1);
    expect(summary.tests[0]!.error).to.match(/no ota\.super session within 8 d of last-close: the SIM must check again about once a week/);
  });

  it('power-cycle-reset passes a healthy applet on a module that takes 45 s to boot', async () => {
    // Its windows run from each power-on, not from ready: from ready, the first would have reached
    // past the healthy check a minute after power-up and failed the module.
    const { code, summary, output } = await run(dir, 'slow-boot-cycle', ['--suite', 'power-cycle-reset', '--fault', 'slow-boot']);
    expect(code, output).to.equal(0);
    expect(summary.tests[0]!.measurements.find((m) => m.name === 'reset_delay')!.verdict).to.equal('pass');
    expect(output).to.match(/expect no OTA session on ota\.super for 55 s from power-on/);
  });

  const negativeControls: [suite: string, fault: string, message: RegExp][] = [
    // The surviving timer fires a minute or two after the power-on before the last, in a window where
    // none is expected, or during the boot after the cycle, where the module refuses it for want of a
    // network (a refusal PDN events do not show): then no check comes after the cycle.
    ['power-cycle-reset', 'timer-survives-power-cycle', TIMER_SURVIVED],
    ['power-cycle-reset', 'early-check', /the applet checked before the documented delay/],
    ['csim-forced-check', 'lost-follow-on', /only 1 of 3 ota\.super sessions: no follow-on session within 10 s/],
    // PDN events do not show the missing data exchange; the blocks that never came do.
    ['csim-forced-check', 'server-unreachable', /only 1 of 3 ota\.super sessions: no follow-on session within 10 s/],
    ['sleep-too-early', 'never-checks', /no ota\.super session within 30 s of force-check: a device that sleeps soon after boot would never get its update/],
    ['sleep-too-early', 'early-check', /the applet checked before the documented delay/],
    ['csim-forced-check', 'trigger-ignored', /no ota\.super session within 30 s of force-check/],
    ['boot-delay-p95', 'never-checks', /boot_delay was measured in 0 of 10 cycles; 10 of 10 cycles failed/],
    ['apn-hygiene', 'derives-apn-from-imsi', /the module answered: \+CGDCONT: 1,"IP","mnc260\.mcc310\.gprs".*the data APN changed with the IMSI/],
  ];
  for (const [suite, fault, message] of negativeControls) {
    it(`${suite} fails against the ${fault} fault`, async () => {
      const { code, summary, output } = await run(dir, `${suite}-${fault}`, ['--suite', suite, '--fault', fault]);
      expect(code, output).to.equal(1);
      // A repeated suite is judged by its last test, over all cycles.
      const judged = summary.tests.at(-1)!;
      expect(judged.status).to.equal('failed');
      expect(judged.error).to.match(message);
    });
  }
});
