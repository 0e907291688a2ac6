// The current the virtual module draws: a state read from the module (off, booting, searching,
// registered, a PDP context up, radio off) and transmit bursts while an OTA session carries its
// data. Its exact integral is the ground truth a power monitor's figures are held against.
import { DEFAULT_DRAW, type Draw, type DrawState } from '../energy/index.ts';
import type { TruthEvent } from './truth.ts';
import type { VirtualModule } from './module.ts';

/** Rig ms of the burst that sends the applet's request (SEND DATA) and of the one that fetches the reply (RECEIVE DATA). */
const SEND_BURST_MS = 150;
const RECEIVE_BURST_MS = 100;
const MS_PER_S = 1000;

interface Burst {
  from: number;
  to: number;
}

export class CurrentModel {
  readonly draw: Draw;
  /** Whether the module has its supply from the profiler's point of view (a PPK2 in source mode can cut it). */
  supplied = true;
  /** State changes in rig time; each holds until the next. */
  private readonly states: { at: number; state: DrawState }[] = [];
  private readonly bursts: Burst[] = [];

  constructor(private readonly module: VirtualModule, draw: Partial<Draw> = {}) {
    this.draw = { ...DEFAULT_DRAW, ...draw };
    this.states.push({ at: module.clock.now(), state: this.stateNow() });
    module.truth.subscribe((event) => this.observe(event));
  }

  /**
   * Reads the module's state; called on each of its ground-truth events and before each batch of
   * samples, so a change that raises no event (registration, a context the host activates) is
   * dated to the next read.
   */
  refresh(): void {
    const state = this.stateNow();
    if (this.states.at(-1)!.state !== state) this.states.push({ at: this.module.clock.now(), state });
  }

  /** Amperes at rig time `at`. */
  currentAt(at: number): number {
    const state = this.stateAt(at);
    const radioOn = state !== 'off' && state !== 'sleep';
    return radioOn && this.bursts.some((b) => at >= b.from && at < b.to) ? this.draw.transmit : this.draw[state];
  }

  /** Coulombs drawn from `from` to `to` (rig ms): the exact integral of the piecewise-constant current. */
  charge(from: number, to: number): number {
    const edges = [from, to, ...this.states.map((s) => s.at), ...this.bursts.flatMap((b) => [b.from, b.to])].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
    let coulombs = 0;
    for (let i = 1; i < edges.length; i++) {
      const span = edges[i]! - edges[i - 1]!;
      if (span > 0) coulombs += (this.currentAt(edges[i - 1]! + span / 2) * span) / MS_PER_S;
    }
    return coulombs;
  }

  private stateAt(at: number): DrawState {
    let state = this.states[0]!.state;
    for (const change of this.states) {
      if (change.at > at) break;
      state = change.state;
    }
    return state;
  }

  private stateNow(): DrawState {
    const module = this.module;
    if (!this.supplied || module.phase === 'off') return 'off';
    if (module.phase !== 'ready') return 'booting';
    if (module.functionality !== 1) return 'sleep';
    if ([...module.contexts.values()].some((context) => context.active)) return 'pdn';
    return module.hasService() ? 'registered' : 'searching';
  }

  /**
   * The module raises no event per SEND or RECEIVE DATA: the applet sends its request as soon as the
   * channel is open and the reply is there one network round trip later, so the bursts are dated
   * from the session's open, and cut where the session ends.
   */
  private observe(event: TruthEvent): void {
    this.refresh();
    const now = event.rig;
    if (event.what === 'session-opened') {
      const reply = now + this.module.timing.networkRttMs;
      this.bursts.push({ from: now, to: now + SEND_BURST_MS }, { from: reply, to: reply + RECEIVE_BURST_MS });
    } else if (event.what === 'session-ended' || event.what === 'power-off') {
      for (const burst of this.bursts) {
        if (burst.to > now) burst.to = Math.max(burst.from, now);
      }
    }
  }
}
