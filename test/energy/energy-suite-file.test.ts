// Suite files: the monitor and energy steps, their anchors, and measurements of fitting units.
import { expect } from 'chai';
import { parseYamlText } from '../../harness/config/index.ts';
import { WEEKLY_CHECKS_PER_YEAR } from '../../harness/energy/index.ts';
import { suiteSchema } from '../../harness/suite/suite-file.ts';
import { configProblems } from '../config/problems.ts';

const parse = (text: string) => parseYamlText(text, 'suite.yaml', suiteSchema);
const suite = (steps: string) => `id: s
title: T
requirement: {source: S, text: R}
measurements:
  - {name: charge, description: D, unit: mC, max: 500}
  - {name: yearly, description: D, unit: µAh/year, max: 1000}
  - {name: share, description: D, unit: '%', max: 1}
  - {name: delay, description: D, unit: s, max: 1}
steps:
${steps}`;

describe('energy steps in suite files', () => {
  it('reads monitor and energy steps, a weekly check by default', () => {
    const parsed = parse(suite('  - monitor: start\n  - forceCheck: {}\n  - energy: {from: force-check, to: last-close, measureCharge: charge, measureYearly: yearly}\n  - monitor: stop\n'));
    expect(parsed.steps[0]).to.deep.equal({ kind: 'monitor', action: 'start' });
    expect(parsed.steps[2]).to.deep.include({ kind: 'energy', from: 'force-check', to: 'last-close', measureCharge: 'charge', checksPerYear: WEEKLY_CHECKS_PER_YEAR });
  });

  it('requires a monitor: stop after the last monitor: start', async () => {
    expect(await configProblems(() => parse(suite('  - monitor: start\n  - wait: 1 s\n')))).to.deep.equal([
      'suite.yaml:10:14: steps[0].monitor: expected a later "monitor: stop", got none: the monitor would stay open after the suite',
    ]);
  });

  it('names a measurement whose unit does not fit, an unknown anchor, and a share without a battery', async () => {
    const problems = await configProblems(() => parse(suite('  - energy: {from: force-check, to: closed, measureCharge: delay, measureEnergy: charge, measureBatteryShare: share}\n')));
    expect(problems).to.deep.equal([
      'suite.yaml:10:37: steps[0].energy.to: expected power-on, ready, force-check, last-close or a mark set by an earlier step, got "closed"',
      'suite.yaml:10:60: steps[0].energy.measureCharge: expected a measurement with unit "C", "mC", "µC", "uC", "mAh", "µAh", "uAh", got "delay" (its unit is "s")',
      'suite.yaml:10:82: steps[0].energy.measureEnergy: expected a measurement with unit "J", "mJ", "µJ", "uJ", "mWh", got "charge" (its unit is "mC")',
      'suite.yaml:10:111: steps[0].energy.measureBatteryShare: expected a batteryCapacity (mAh) to take the share of, got none',
    ]);
  });
});
