// Brings the bench to its safe state however the process ends: normal exit, SIGINT, SIGTERM,
// an uncaught exception or an unhandled rejection. The safe state comes first, before any report:
// a supervisor's SIGKILL may follow a SIGTERM within seconds.
import { EXIT } from '../output/errors.ts';

export interface BenchGuard {
  release(): void;
  /** A signal, a crash or abort() is taking the run down: the guard finishes it and exits. */
  aborted(): boolean;
  /** Takes the run down as a signal would, for `why`, exiting with `exitCode`. */
  abort(why: string, exitCode: number): void;
}

/**
 * On a signal or crash: `toSafeState`, then `onAbort` (write what is known), then exit with 130
 * (SIGINT), 143 (SIGTERM) or 3 (a crash is the harness's, never the device's). The caller handles the normal path itself.
 */
export function guardBench(toSafeState: (why: string) => Promise<unknown>, onAbort: (why: string) => Promise<void>): BenchGuard {
  let aborting = false;
  const abort = (why: string, exitCode: number) => {
    if (aborting) return;
    aborting = true;
    const finish = async () => {
      try {
        await toSafeState(why).catch((error: Error) => process.stderr.write(`could not bring the bench to its safe state: ${error.message}\n`));
        await onAbort(why);
      } finally {
        process.exit(exitCode);
      }
    };
    void finish();
  };
  const onSigint = () => abort('interrupted (SIGINT)', EXIT.sigint);
  const onSigterm = () => abort('terminated (SIGTERM)', EXIT.sigterm);
  const onCrash = (error: unknown) => {
    // What fails while the run is being taken down (a step whose port just closed) is expected.
    if (aborting) return;
    process.stderr.write(`harness crashed: ${(error as Error)?.stack ?? String(error)}\n`);
    abort(`crashed: ${(error as Error)?.message ?? String(error)}`, EXIT.bench);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return {
    aborted: () => aborting,
    abort,
    release: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    },
  };
}

/** What opening a rig needs of it to bring it to its safe state. */
export interface SafeStartRig {
  readonly config: { safeState: 'off' | 'on' | 'leave' };
  note(text: string): void;
  powerOn(): Promise<void>;
  powerOff(): Promise<void>;
}

/** A rig found in an unknown state is driven to its safe state before anything else. */
export async function startSafe(rig: SafeStartRig): Promise<void> {
  switch (rig.config.safeState) {
    case 'leave':
      rig.note('safe state "leave": the bench is left as found until the first power switch');
      return;
    case 'on':
      rig.note('driving the bench to its safe state (power on) before anything else');
      return rig.powerOn();
    case 'off':
      rig.note('driving the bench to its safe state (power off) before anything else');
      return rig.powerOff();
  }
}
