// The monitor steps on the virtual rig with the virtual PPK2: a step that fails stops the monitor
// it was sampling with, so nothing of the suite keeps running (or, on a serial port, the run open).
import { expect } from 'chai';
import { resolve } from 'node:path';
import { setTimeout as wallSleep } from 'node:timers/promises';
import { RigController } from '../../harness/rig/controller.ts';
import { loadRigFile } from '../../harness/rig/rig-file.ts';
import { monitorTrace, runStep, type StepContext } from '../../harness/suite/steps.ts';
import type { Step, Suite } from '../../harness/suite/suite-file.ts';

describe('monitor steps', () => {
  let rig: RigController;
  before(async () => {
    rig = await RigController.open(await loadRigFile(resolve(import.meta.dirname, '../../rigs/virtual-ppk2.yaml')));
  });
  after(() => rig.safeState());

  it('stops the monitor when a later step fails', async () => {
    const context: StepContext = {
      rig, suite: { measurements: [] } as unknown as Suite, measured: () => {}, captures: new Map(), progress: () => {}, limited: () => {}, update: undefined,
    };
    await runStep({ kind: 'monitor', action: 'start' }, context);
    await wallSleep(100);
    const trace = monitorTrace(rig)!;
    expect(trace.bins.length, 'sampling').to.be.above(10);
    const energy = { kind: 'energy', from: 'nowhere', to: 'ready', checksPerYear: 52 } as Step;
    let failure: Error | undefined;
    await runStep(energy, context).catch((error: Error) => (failure = error));
    expect(failure?.message).to.equal('the anchor "nowhere" was never set in this run: no earlier step sets it');
    const stoppedAt = trace.bins.length;
    await wallSleep(100);
    expect(trace.bins.length, 'no samples after the failure').to.equal(stoppedAt);
  });
});
