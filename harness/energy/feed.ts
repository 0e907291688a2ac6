// What every monitor driver does with its trace: wake whoever waits for it to reach a rig time, and
// keep the reason the stream was rejected, so no figure is taken from a trace that went wrong.
import { CurrentTrace } from './trace.ts';

export class TraceFeed {
  readonly trace = new CurrentTrace();
  /** Why the stream was rejected; figures from it would be wrong. */
  failure: Error | undefined;
  private readonly waiters = new Set<() => void>();

  /** Keeps the first failure only: later ones follow from it. */
  fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  /** The trace grew (or something `ready` depends on changed). */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /**
   * Until the trace reaches rig time `until` and `ready()` holds, or `timeoutWallMs` of wall time
   * pass; throws the failure if the stream was rejected.
   */
  async waitFor(until: number, timeoutWallMs: number, ready: () => boolean = () => true): Promise<void> {
    const covered = () => this.failure !== undefined || (ready() && (this.trace.end ?? -Infinity) >= until);
    if (!covered()) {
      await new Promise<void>((resolve) => {
        const done = () => {
          if (!covered()) return;
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(() => {
          this.waiters.delete(done);
          resolve();
        }, timeoutWallMs);
        this.waiters.add(done);
      });
    }
    if (this.failure) throw this.failure;
  }
}
