// Ground truth: what really happened inside the virtual module, in rig time.
// Tests and benchmarks compare what the harness measured against it.
import type { Clock } from '../time/clock.ts';

export type CheckTrigger = 'boot' | 'recheck' | 'forced' | 'follow-on';
export type SessionOutcome = 'completed' | 'refused' | 'unreachable' | 'interrupted';

export interface TruthSession {
  index: number;
  apn: string;
  trigger: CheckTrigger;
  /** Rig time the applet issued OPEN CHANNEL. */
  requestedAt: number;
  /** Rig time the PDP context came up (absent when the module refused). */
  openedAt?: number;
  closedAt?: number;
  cid?: number;
  outcome?: SessionOutcome;
  /** Update block carried by this session, 1-based, when an update was staged. */
  block?: number;
}

export interface TruthEvent {
  rig: number;
  wall: number;
  what: string;
  detail?: Record<string, unknown>;
}

export interface TruthSnapshot {
  timeScale: number;
  /**
   * Rig times the module started booting, which the boot delay counts from: the supply coming on or,
   * with PWRKEY modelled, the press reaching its `pulseOn` (events record the supply and the presses).
   */
  powerOns: number[];
  /** Rig times the module was off: the supply lost, or the end of a PWRKEY power-down. */
  powerOffs: number[];
  readyAt: number[];
  checksScheduled: { at: number; due: number; trigger: CheckTrigger }[];
  sessions: TruthSession[];
  events: TruthEvent[];
}

export class GroundTruth {
  private readonly snapshot: TruthSnapshot;
  private readonly listeners = new Set<(event: TruthEvent) => void>();

  constructor(private readonly clock: Clock) {
    this.snapshot = { timeScale: clock.scale, powerOns: [], powerOffs: [], readyAt: [], checksScheduled: [], sessions: [], events: [] };
  }

  record(what: string, detail?: Record<string, unknown>): void {
    const event: TruthEvent = { rig: this.clock.now(), wall: this.clock.wallNow(), what, ...(detail ? { detail } : {}) };
    this.snapshot.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: TruthEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  powered(on: boolean): void {
    (on ? this.snapshot.powerOns : this.snapshot.powerOffs).push(this.clock.now());
    this.record(on ? 'power-on' : 'power-off');
  }

  ready(): void {
    this.snapshot.readyAt.push(this.clock.now());
    this.record('ready');
  }

  checkScheduled(trigger: CheckTrigger, inRigMs: number): void {
    const at = this.clock.now();
    this.snapshot.checksScheduled.push({ at, due: at + inRigMs, trigger });
    this.record('check-scheduled', { trigger, inRigMs });
  }

  sessionRequested(apn: string, trigger: CheckTrigger, block?: number): TruthSession {
    const session: TruthSession = { index: this.snapshot.sessions.length, apn, trigger, requestedAt: this.clock.now(), ...(block ? { block } : {}) };
    this.snapshot.sessions.push(session);
    this.record('session-requested', { index: session.index, apn, trigger });
    return session;
  }

  sessionOpened(session: TruthSession, cid: number): void {
    session.openedAt = this.clock.now();
    session.cid = cid;
    this.record('session-opened', { index: session.index, cid });
  }

  sessionEnded(session: TruthSession, outcome: SessionOutcome): void {
    if (session.outcome) return;
    session.closedAt = this.clock.now();
    session.outcome = outcome;
    this.record('session-ended', { index: session.index, outcome });
  }

  /**
   * A proactive command handed to the host went unanswered for the whole wait: the module failed it
   * towards the card. For an OPEN CHANNEL that is the session named here, lost.
   */
  proactiveCommandUnanswered(type: number, command: string, wait: { rigMs: number; answer: string }): void {
    const session = this.openSession();
    this.record('proactive-command-unanswered', { command, type, awaited: wait.answer, waitedMs: wait.rigMs, ...(session ? { session: session.index } : {}) });
  }

  /** The session the applet asked for last, while it has not ended. */
  openSession(): TruthSession | undefined {
    const last = this.snapshot.sessions.at(-1);
    return last && !last.outcome ? last : undefined;
  }

  toJSON(): TruthSnapshot {
    return structuredClone(this.snapshot);
  }

  /** What happened from `from` to `to` (rig ms): a session counts if any of it falls in that span. */
  between(from: number, to: number): TruthSnapshot {
    const within = (at: number) => at >= from && at <= to;
    const { timeScale, powerOns, powerOffs, readyAt, checksScheduled, sessions, events } = this.toJSON();
    return {
      timeScale,
      powerOns: powerOns.filter(within),
      powerOffs: powerOffs.filter(within),
      readyAt: readyAt.filter(within),
      checksScheduled: checksScheduled.filter((check) => within(check.at) || within(check.due)),
      sessions: sessions.filter((session) => session.requestedAt <= to && (session.closedAt ?? Infinity) >= from),
      events: events.filter((event) => within(event.rig)),
    };
  }
}
