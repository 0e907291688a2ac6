// The bench guard, in this process: a signal, a crash or abort() brings the bench to its safe state
// first, then writes what is known, then exits with the signal's code. process.exit and the
// standard error stream are replaced for the length of each test, so that the guard's exit is seen
// rather than ending the test run; signals are delivered as Node delivers them, to the listeners.
import { expect } from 'chai';
import { guardBench, type BenchGuard } from '../../harness/rig/safe-state.ts';

type Listener = (...args: unknown[]) => void;

describe('the bench guard', () => {
  const realExit = process.exit;
  const realWrite = process.stderr.write;
  let calls: string[];
  let exited: Promise<number>;
  let guard: BenchGuard | undefined;
  const before = { SIGINT: 0, SIGTERM: 0, uncaughtException: 0, unhandledRejection: 0 };

  beforeEach(() => {
    calls = [];
    for (const event of Object.keys(before) as (keyof typeof before)[]) before[event] = process.listenerCount(event);
    exited = new Promise((resolve) => {
      process.exit = ((code?: number) => {
        calls.push(`exit ${code}`);
        resolve(code ?? 0);
      }) as typeof process.exit;
    });
    process.stderr.write = ((text: string) => {
      calls.push(`stderr: ${text.split('\n')[0]}`);
      return true;
    }) as typeof process.stderr.write;
  });

  afterEach(() => {
    process.exit = realExit;
    process.stderr.write = realWrite;
    guard?.release();
    guard = undefined;
  });

  function guarded(options: { safeState?: () => Promise<void>; report?: () => Promise<void> } = {}): BenchGuard {
    guard = guardBench(
      async (why) => {
        calls.push(`safe state: ${why}`);
        await options.safeState?.();
      },
      async (why) => {
        calls.push(`report: ${why}`);
        await options.report?.();
      },
    );
    return guard;
  }

  /** The guard's own listener for `event`: the one added after those already there. */
  function guardListener(event: 'uncaughtException' | 'unhandledRejection'): Listener {
    return process.rawListeners(event).at(-1) as unknown as Listener;
  }

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: safe state, then the report, then exit ${code}`, async () => {
      const g = guarded();
      expect(g.aborted()).to.equal(false);
      process.emit(signal);
      expect(g.aborted()).to.equal(true);
      expect(await exited).to.equal(code);
      const why = signal === 'SIGINT' ? 'interrupted (SIGINT)' : 'terminated (SIGTERM)';
      expect(calls).to.deep.equal([`safe state: ${why}`, `report: ${why}`, `exit ${code}`]);
    });
  }

  it("an uncaught exception: says so, then the same, exit 3 (the harness's, not the device's)", async () => {
    guarded();
    guardListener('uncaughtException')(new Error('port gone'));
    expect(await exited).to.equal(3);
    expect(calls).to.deep.equal(['stderr: harness crashed: Error: port gone', 'safe state: crashed: port gone', 'report: crashed: port gone', 'exit 3']);
  });

  it('an unhandled rejection of something that is no Error', async () => {
    guarded();
    guardListener('unhandledRejection')('relay timeout');
    expect(await exited).to.equal(3);
    expect(calls).to.deep.equal(['stderr: harness crashed: relay timeout', 'safe state: crashed: relay timeout', 'report: crashed: relay timeout', 'exit 3']);
  });

  it('takes the run down once: a second signal, abort() or a crash on the way is let be', async () => {
    let finishSafeState!: () => void;
    const g = guarded({ safeState: () => new Promise<void>((resolve) => (finishSafeState = resolve)) });
    g.abort('the module never answered', 3);
    process.emit('SIGTERM');
    g.abort('again', 4);
    guardListener('uncaughtException')(new Error('a step whose port just closed'));
    finishSafeState();
    expect(await exited).to.equal(3);
    expect(calls).to.deep.equal(['safe state: the module never answered', 'report: the module never answered', 'exit 3']);
  });

  it('still reports and exits when the safe state cannot be reached, saying why', async () => {
    guarded({ safeState: () => Promise.reject(new Error('relay stuck')) });
    process.emit('SIGINT');
    expect(await exited).to.equal(130);
    expect(calls).to.deep.equal(['safe state: interrupted (SIGINT)', 'stderr: could not bring the bench to its safe state: relay stuck', 'report: interrupted (SIGINT)', 'exit 130']);
  });

  it('exits with the code even when the report fails', async () => {
    guarded({ report: () => Promise.reject(new Error('disk full')) });
    const unhandled: unknown[] = [];
    const keep = (reason: unknown) => unhandled.push(reason);
    process.prependOnceListener('unhandledRejection', keep);
    process.emit('SIGTERM');
    expect(await exited).to.equal(143);
    expect(calls).to.deep.equal(['safe state: terminated (SIGTERM)', 'report: terminated (SIGTERM)', 'exit 143']);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', keep);
  });

  it('stops listening once released', () => {
    const g = guarded();
    for (const event of Object.keys(before) as (keyof typeof before)[]) expect(process.listenerCount(event), event).to.equal(before[event] + 1);
    g.release();
    for (const event of Object.keys(before) as (keyof typeof before)[]) expect(process.listenerCount(event), event).to.equal(before[event]);
    guard = undefined;
  });
});
