// Every shipped suite passes on a healthy virtual module and fails, naming the broken behaviour,
// against the virtual module with the matching fault. A suite that cannot fail proves nothing.
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/results/summary.ts';
import { runHil } from './cli.ts';

const SEED = '11';

async function run(dir: string, name: string, args: string[]): Promise<{ code: number | null; summary: RunSummary; output: string }> {
  const reportDir = join(dir, name);
  const finished = await runHil(['run', '--seed', SEED, '--report-dir', reportDir, ...args], 90_000);
  const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
  return { code: finished.code, summary, output: finished.stdout + finished.stderr };
}

describe('the shipped suites on the virtual rig', function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-suites-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the standard set passes on a healthy module, with every declared measurement taken', async () => {
    const { code, summary, output } = await run(dir, 'standard', []);
    expect(code, output).to.equal(0);
    expect(summary.tests.map((t) => t.suiteId)).to.deep.equal(['apn-hygiene', 'boot-delay', 'csim-forced-check', 'power-cycle-reset', 'sleep-too-early']);
    for (const test of summary.tests) {
      expect(test.status, `${test.suiteId}: ${test.error}`).to.equal('passed');
      for (const m of test.measurements) expect(m.verdict, `${test.suiteId} ${m.name}`).to.not.equal('fail');
    }
    const csim = summary.tests.find((t) => t.suiteId === 'csim-forced-check')!;
    expect(csim.measurements.map((m) => m.name).sort()).to.deep.equal(['session_count', 'stay_awake_timer', 'trigger_to_open', 'update_window']);
    expect(csim.measurements.find((m) => m.name === 'session_count')!.value).to.equal(3);
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

  const negativeControls: [suite: string, fault: string, message: RegExp][] = [
    ['power-cycle-reset', 'timer-survives-power-cycle', /the power cycle did not restart the applet's check timer/],
    ['power-cycle-reset', 'early-check', /the applet checked before the documented delay/],
    ['csim-forced-check', 'lost-follow-on', /only 1 of 3 ota\.super sessions: no follow-on session within 10 s/],
    ['csim-forced-check', 'server-unreachable', /closed after .* without exchanging data with the OTA server/],
    ['sleep-too-early', 'never-checks', /no ota\.super session within 30 s of force-check: a device that sleeps soon after boot would never get its update/],
    ['sleep-too-early', 'early-check', /the applet checked before the documented delay/],
    ['csim-forced-check', 'trigger-ignored', /no ota\.super session within 30 s of force-check/],
    ['apn-hygiene', 'derives-apn-from-imsi', /the module answered: \+CGDCONT: 1,"IP","mnc260\.mcc310\.gprs".*the data APN changed with the IMSI/],
  ];
  for (const [suite, fault, message] of negativeControls) {
    it(`${suite} fails against the ${fault} fault`, async () => {
      const { code, summary, output } = await run(dir, `${suite}-${fault}`, ['--suite', suite, '--fault', fault]);
      expect(code, output).to.equal(1);
      expect(summary.tests[0]!.status).to.equal('failed');
      expect(summary.tests[0]!.error).to.match(message);
    });
  }
});
