// One clock timer for the in-flight command's deadline, instead of a timer set and cancelled per command.
import type { Clock, Timer } from '../time/clock.ts';

/**
 * Commands answered back to back would each set and cancel a timer, which costs more than reading
 * their answers. The alarm keeps one timer, armed at the earliest deadline it was given: a command
 * that ends leaves it armed, the next command only moves it when its deadline comes sooner, and a
 * timer that goes off before the current deadline re-arms for it. The armed timer outlives an
 * answered command by at most that command's timeout (close() stops it).
 */
export class DeadlineAlarm {
  private timer: Timer | undefined;
  /** Rig ms the timer goes off at, and the deadline being watched (undefined: none). */
  private armedAt = Infinity;
  private due: number | undefined;
  private onDue: (() => void) | undefined;

  constructor(private readonly clock: Clock) {}

  /** Calls `onDue` once rig time reaches `due`, unless clear() or another watch() comes first. */
  watch(due: number, onDue: () => void): void {
    this.due = due;
    this.onDue = onDue;
    if (due < this.armedAt) this.arm(due);
  }

  clear(): void {
    this.due = undefined;
    this.onDue = undefined;
  }

  stop(): void {
    this.clear();
    this.timer?.cancel();
    this.timer = undefined;
    this.armedAt = Infinity;
  }

  private arm(at: number): void {
    this.timer?.cancel();
    this.armedAt = at;
    this.timer = this.clock.setTimer(this.wentOff, at - this.clock.now());
  }

  private readonly wentOff = (): void => {
    this.timer = undefined;
    this.armedAt = Infinity;
    if (this.due === undefined) return;
    // A timer may go off a fraction of a ms before the rig clock says so: wait out the rest.
    if (this.clock.now() < this.due) return this.arm(this.due);
    const onDue = this.onDue!;
    this.clear();
    onDue();
  };
}
