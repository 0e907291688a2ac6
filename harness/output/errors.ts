// The errors that end a command with their own exit code, whichever part of the harness raises them,
// and the exit codes themselves: they tell the device failing from the bench failing.

/** What `hil` exits with (README, "Exit codes"). */
export const EXIT = {
  /** Every requirement met. */
  passed: 0,
  /** A requirement failed: the device. */
  failed: 1,
  /** Bad usage or configuration: a flag, a rig file, a suite file. */
  usage: 2,
  /** The bench or the infrastructure: a power switch, the port, the lock, doctor, the report folder. */
  bench: 3,
  /** The run did not finish: aborted by an error outside the tests, or a limit reached. */
  incomplete: 4,
  /** Interrupted by SIGINT or SIGTERM (128 + the signal number). */
  sigint: 130,
  sigterm: 143,
} as const;

/** Bad command-line usage or configuration: reported on stderr, exit code 2. */
export class UsageError extends Error {}

/** The bench or the infrastructure failed, not the device: exit code 3, a JUnit error. */
export class BenchError extends Error {}

/** Runs work on the bench's own equipment (a power switch, the port, the lock): its failure is the bench's. */
export async function onBench<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asBenchError(error);
  }
}

export function asBenchError(error: unknown): BenchError {
  return error instanceof BenchError ? error : new BenchError((error as Error).message, { cause: error });
}
