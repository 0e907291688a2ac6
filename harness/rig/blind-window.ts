// The blind window after each power-on: how long until the AT port could be opened (a USB module
// re-enumerates) and until the module's first byte arrived. The harness sees nothing before that.
import type { BlindWindow } from '../record/index.ts';

export class BlindWindows {
  readonly all: BlindWindow[] = [];
  private current: BlindWindow | undefined;

  poweredOn(at: number): void {
    this.current = { powerOnAt: at, portUsableMs: undefined, firstByteMs: undefined };
    this.all.push(this.current);
  }

  portUsable(at: number): void {
    if (this.current && this.current.portUsableMs === undefined) this.current.portUsableMs = at - this.current.powerOnAt;
  }

  /** A byte came; returns the window it completes, once per power-on. */
  byte(at: number): BlindWindow | undefined {
    const window = this.current;
    if (!window || window.portUsableMs === undefined || window.firstByteMs !== undefined) return undefined;
    window.firstByteMs = at - window.powerOnAt;
    return window;
  }

  poweredOff(): void {
    this.current = undefined;
  }
}
