// Starting from the rig's safe state: a bench found in an unknown state is switched before anything
// else, and a module already switched on is not switched on (or marked as booting) again.
import { expect } from 'chai';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { controlRequest } from '../../harness/sim/index.ts';
import { RigController } from '../../harness/rig/controller.ts';
import { loadRigFile } from '../../harness/rig/rig-file.ts';
import { startSafe, type SafeStartRig } from '../../harness/rig/safe-state.ts';
import { HilProcess } from '../results/hil.ts';
import { PtyBench } from './pty-bench.ts';

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

const GUARDED_BENCH = new URL('guarded-bench.ts', import.meta.url).pathname;

describe('the safe state when the process is taken down', function () {
  this.timeout(60_000);
  let bench: PtyBench;
  beforeEach(async () => {
    bench = await PtyBench.create('hil-guard-');
    await bench.startSim(['--time-scale', '25']);
  });
  afterEach(() => bench.close());

  const endings = [['SIGTERM', 143], ['uncaughtException', 3], ['unhandledRejection', 3]] as const;
  for (const [how, code] of endings) {
    it(`switches an exec bench off on ${how}, before the partial report, and releases its lock`, async () => {
      const state = join(bench.dir, 'state');
      const rig = await bench.rig(`guard-${how}`, 25, [`power: { type: exec, on: '${bench.ctl('on')} && echo on > ${state}', off: '${bench.ctl('off')} && echo off > ${state}', timeout: 20 s }`]);
      const report = join(bench.dir, 'report');
      const locks = join(bench.dir, 'locks');
      await mkdir(locks);
      const child = new HilProcess([how, rig, state, report], { HIL_LOCK_DIR: locks }, GUARDED_BENCH);
      await child.waitFor(/bench on/);
      expect(((await controlRequest(bench.socket, { op: 'state' })) as { powered: boolean }).powered).to.equal(true);
      if (how === 'SIGTERM') child.kill('SIGTERM');
      const exit = await child.exited;
      expect(exit.code, child.output).to.equal(code);
      if (how !== 'SIGTERM') expect(child.stderr).to.match(/^harness crashed: Error: boom\n/);
      expect(((await controlRequest(bench.socket, { op: 'state' })) as { powered: boolean }).powered, 'module powered').to.equal(false);
      const why = how === 'SIGTERM' ? 'terminated (SIGTERM)' : 'crashed: boom';
      expect(await readFile(report, 'utf8'), 'power state when the report is written').to.equal(`${why}; power off\n`);
      expect((await readdir(locks)).filter((name) => name.endsWith('.lock'))).to.deep.equal([]);
    });
  }
});
