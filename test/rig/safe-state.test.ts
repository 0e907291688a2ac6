// Starting from the rig's safe state: a bench found in an unknown state is switched before anything
// else, and a module already switched on is not switched on (or marked as booting) again.
import { expect } from 'chai';
import { join } from 'node:path';
import { RigController } from '../../harness/rig/controller.ts';
import { loadRigFile } from '../../harness/rig/rig-file.ts';
import { startSafe, type SafeStartRig } from '../../harness/rig/safe-state.ts';

function recordingRig(safeState: SafeStartRig['config']['safeState']): SafeStartRig & { calls: string[] } {
  const calls: string[] = [];
  return {
    config: { safeState },
    calls,
    note: (text) => calls.push(`note: ${text}`),
    powerOn: async () => void calls.push('power on'),
    powerOff: async () => void calls.push('power off'),
  };
}

describe('the safe state at start', () => {
  it('switches the bench to the state the rig file names, saying so', async () => {
    for (const [state, switched] of [['off', 'power off'], ['on', 'power on']] as const) {
      const rig = recordingRig(state);
      await startSafe(rig);
      expect(rig.calls, state).to.deep.equal([`note: driving the bench to its safe state (${switched}) before anything else`, switched]);
    }
  });

  it('leaves a "leave" bench untouched', async () => {
    const rig = recordingRig('leave');
    await startSafe(rig);
    expect(rig.calls.filter((call) => !call.startsWith('note:'))).to.deep.equal([]);
  });

  it('keeps the first power-on of a module switched on twice', async () => {
    const rig = await RigController.open(await loadRigFile(join('rigs', 'virtual.yaml')));
    try {
      await rig.powerOn();
      const poweredAt = rig.marks.get('power-on');
      await rig.clock.sleep(5_000);
      await rig.powerOn();
      expect(rig.marks.get('power-on'), 'power-on mark').to.equal(poweredAt);
      expect(rig.blindWindows, 'one boot, one blind window').to.have.length(1);
      expect(rig.simulator!.truth.toJSON().powerOns, 'the module booted once').to.have.length(1);
      await rig.powerOff();
      await rig.powerOn();
      expect(rig.blindWindows, 'switched on again after an off').to.have.length(2);
    } finally {
      await rig.safeState();
    }
  });
});
