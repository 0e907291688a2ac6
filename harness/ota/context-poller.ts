// Polls the module's context list for OTA sessions no event shows (events off, or a modem that runs
// BIP on a context it raises no +CGEV for). Each poll dates what changed to the middle of the
// interval since the poll before, so a polled figure carries half an interval of uncertainty.
import type { Clock } from '../time/clock.ts';
import type { ContextReader } from '../module/index.ts';
import type { OtaObserver } from './observer.ts';

export class ContextPoller {
  private running = false;
  private stopped: AbortController | undefined;

  constructor(
    private readonly contexts: ContextReader,
    private readonly observer: OtaObserver,
    private readonly clock: Clock,
    /** Rig ms between polls. */
    readonly intervalMs: number,
    /** The host's own data context is never an OTA session. */
    private readonly dataApn: string,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = new AbortController();
    void this.loop(this.stopped.signal);
  }

  stop(): void {
    this.running = false;
    this.stopped?.abort();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let last = this.clock.now();
    while (!signal.aborted) {
      try {
        await this.clock.sleep(this.intervalMs, signal);
      } catch {
        return; // stopped
      }
      const now = await this.pollOnce(last, signal);
      if (now === undefined) return;
      last = now;
    }
  }

  /**
   * Reads the context list once and reports it as covering the time since `since`; returns when it
   * read, or undefined if stopped meanwhile. A rig also calls it once after setup, for a session the
   * SIM began before the host's events were on.
   */
  async pollOnce(since: number, signal?: AbortSignal): Promise<number | undefined> {
    const asked = this.clock.now();
    const active = await this.contexts.active();
    if (signal?.aborted) return undefined;
    const now = this.clock.now();
    this.observer.polled(new Map([...active].filter(([, apn]) => apn !== this.dataApn)), now, now - since, asked);
    return now;
  }
}
