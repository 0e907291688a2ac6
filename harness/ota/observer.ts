// Turns what a module shows the host into OTA session events: a session opens when its PDP
// context (or BIP link) comes up and closes when it goes down. Its APN comes from the OPEN CHANNEL
// the module reported in full (+CUSATP) or, failing that, from AT+CGDCONT? for the cid: a vendor
// notification that names only the command type (+STKPRO, ^SSTN) dates the request and adds its line
// to the evidence, and the PDN event that follows gives the APN. An OPEN CHANNEL followed by the end
// of the proactive session with no link is a refused session; its APN is unknown when only the type
// was reported, as no context was ever set up to read it from. A module that reports both the PDN
// context and the BIP link on it (nRF91 +CGEV and %USATEV) shows one session: the second of the two
// events joins the session the first one opened, when they come close together. Where the module
// raises no event for a context, a poll of its context list opens and closes the session instead,
// dated to the middle of the polling interval. Each session records what the module showed of it.
import { EventEmitter } from 'node:events';
import type { AtEngine, Urc } from '../at/index.ts';
import { CommandType, decodeStk, type ProactiveCommand } from '../stk/index.ts';
import type { ContextReader, EvidenceKind, EvidenceRule } from '../module/index.ts';

/** What a session was seen through. */
export type EvidenceSource = 'pdn-event' | 'bip-event' | 'toolkit-notification' | 'proactive-command' | 'context-poll';

export interface OtaSession {
  index: number;
  /** APN of the session; undefined when the module gave no way to learn it. */
  apn: string | undefined;
  cid: number | undefined;
  /** Rig time of the OPEN CHANNEL, when the module reported it. */
  requestedAt: number | undefined;
  /** Rig time the link came up; for a refused session, when the refusal was seen. */
  openedAt: number;
  closedAt: number | undefined;
  state: 'open' | 'closed' | 'refused';
  /** SEND DATA or RECEIVE DATA was seen while the session was open. */
  exchangedData: boolean;
  /** What the module showed of this session, in the order first seen. */
  seen: EvidenceSource[];
  /**
   * How far openedAt and closedAt may be from the real edges, in rig ms, on either side: half the
   * polling interval for an edge a poll found (the larger of the two edges'), else 0.
   */
  timingUncertainty: number;
  /**
   * How much earlier than openedAt or closedAt the line that dated the edge may have arrived, in rig
   * ms: its read's bound (Urc.stampLateBy; a stalled event loop reads late), the larger of the two
   * edges'. A stamp is never early, so an edge lies within [at − timingUncertainty − stampLateBy,
   * at + timingUncertainty].
   */
  stampLateBy: number;
  /** The module lines this session was read from, with their rig times. */
  evidence: { rig: number; line: string }[];
}

export interface ObserverEvents {
  opened: [OtaSession];
  closed: [OtaSession];
  refused: [OtaSession];
  /** A session announced without its APN (opened by a BIP link event) has learned it from the PDN event that followed. */
  identified: [OtaSession];
}

interface CompiledRule {
  kind: EvidenceKind;
  regex: RegExp;
}

/** Rig ms within which a PDN event and a BIP link event are taken for the same session's. */
const LINK_PAIR_MS = 5_000;

type LinkLayer = 'pdn' | 'bip' | 'poll';

const LAYER_SOURCE: Record<LinkLayer, EvidenceSource> = { pdn: 'pdn-event', bip: 'bip-event', poll: 'context-poll' };

type Evidence = OtaSession['evidence'][number];

interface PendingOpen {
  apn: string | undefined;
  at: number;
  evidence: Evidence[];
  source: EvidenceSource;
}

export class OtaObserver extends EventEmitter<ObserverEvents> {
  readonly sessions: OtaSession[] = [];
  /** The sessions in state open, oldest first: few at a time, however many a run has seen. */
  private readonly openSessions = new Set<OtaSession>();
  private readonly rules: CompiledRule[];
  private pendingOpen: PendingOpen | undefined;
  /** Sessions whose opening has been announced (the APN look-up can delay it). */
  private readonly announced = new WeakSet<OtaSession>();
  /** Which link events each session has seen. */
  private readonly layers = new WeakMap<OtaSession, Set<LinkLayer>>();
  /** Each context's last PDN down event: a poll read before it may still show the context up. */
  private readonly lastDown = new Map<number, { evidence: Evidence; lateBy: number }>();
  private readonly unsubscribe: () => void;

  constructor(urcs: Pick<AtEngine, 'onUrc'>, rules: readonly EvidenceRule[], private readonly contexts: ContextReader) {
    super();
    this.rules = rules.map((rule) => ({ kind: rule.kind, regex: new RegExp(rule.pattern) }));
    this.unsubscribe = urcs.onUrc((urc) => this.onUrc(urc));
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Forget what was pending: the module lost power. */
  powerLost(): void {
    this.pendingOpen = undefined;
    for (const session of [...this.openSessions]) this.close(session, undefined);
    for (const session of this.sessions) this.layers.get(session)?.clear(); // no link outlives the power
  }

  /**
   * A poll of the module's context list at rig time `at`, `interval` after the one before: an active
   * context no session has opens one, a polled session whose context is gone closes. Both are dated
   * to the middle of the interval, since the edge came somewhere in it. `askedAt` is when the poll
   * began: a PDN down event since then may have overtaken its answer (printed right after the OK, or
   * between the two commands of a poll), so the context it shows up is already down.
   */
  polled(active: ReadonlyMap<number, string | undefined>, at: number, interval: number, askedAt = at): void {
    const edge = at - interval / 2;
    for (const session of [...this.openSessions]) {
      const layers = this.layers.get(session);
      if (!layers?.has('poll') || session.cid === undefined || active.has(session.cid)) continue;
      this.close(session, { rig: edge, line: `(context ${session.cid} no longer active in a poll at ${Math.round(at)} rig ms)` }, { uncertainty: interval / 2 });
    }
    for (const [cid, apn] of active) {
      if (this.openSessionOf(cid)) continue;
      const down = this.lastDown.get(cid);
      const overtaken = down !== undefined && down.evidence.rig >= askedAt ? down : undefined;
      // The event closed the very session this answer still shows.
      if (overtaken && this.sessions.some((s) => s.cid === cid && s.closedAt !== undefined && s.closedAt >= askedAt)) continue;
      const evidence = { rig: edge, line: `(context ${cid} on ${apn ?? 'an unknown APN'} active in a poll at ${Math.round(at)} rig ms)` };
      const session = this.newSession(apn, cid, edge, undefined);
      widen(session, interval / 2);
      this.layers.set(session, new Set(['poll']));
      session.seen.push('context-poll');
      session.evidence.push(evidence);
      this.announced.add(session);
      this.emit('opened', session);
      // Its down event came while the poll was read, before this session existed to take it.
      if (overtaken) this.close(session, overtaken.evidence, { lateBy: overtaken.lateBy });
    }
  }

  private onUrc(urc: Urc): void {
    for (const rule of this.rules) {
      const match = rule.regex.exec(urc.line);
      if (!match) continue;
      const evidence = { rig: urc.rig, line: urc.line };
      // How much earlier than its stamp the line may have arrived: an edge it dates may be that early.
      const lateBy = urc.stampLateBy;
      const cid = match.groups?.cid === undefined ? undefined : Number(match.groups.cid);
      switch (rule.kind) {
        case 'proactive-command':
          return this.onProactiveCommand(reportedCommand(match.groups), match.groups?.type !== undefined ? 'toolkit-notification' : 'proactive-command', evidence);
        case 'proactive-session-end':
          return this.onProactiveSessionEnd(evidence, lateBy);
        case 'pdn-up':
        case 'bip-up':
          return void this.linkUp(rule.kind === 'pdn-up' ? 'pdn' : 'bip', cid, evidence, lateBy);
        case 'pdn-down':
        case 'bip-down':
          return this.linkDown(rule.kind === 'pdn-down' ? 'pdn' : 'bip', cid, evidence, lateBy);
      }
    }
  }

  private onProactiveCommand(command: ReportedCommand | undefined, source: EvidenceSource, evidence: Evidence): void {
    if (!command) return;
    if (command.type === CommandType.OPEN_CHANNEL) {
      this.pendingOpen = { apn: command.apn, at: evidence.rig, evidence: [evidence], source };
    } else if (command.type === CommandType.SEND_DATA || command.type === CommandType.RECEIVE_DATA || command.type === CommandType.CLOSE_CHANNEL) {
      const session = this.channelSession();
      if (!session) return;
      see(session, source);
      session.evidence.push(evidence);
      if (command.type !== CommandType.CLOSE_CHANNEL) session.exchangedData = true;
    }
  }

  private onProactiveSessionEnd(evidence: Evidence, lateBy: number): void {
    const pending = this.pendingOpen;
    if (!pending) return;
    // OPEN CHANNEL, then the card's proactive session ended without any link: the module refused it.
    this.pendingOpen = undefined;
    const session = this.newSession(pending.apn, undefined, evidence.rig, pending, 'refused');
    readLate(session, lateBy);
    session.evidence.push(evidence);
    this.emit('refused', session);
  }

  /** An up event of a session already open joins it; otherwise a new session opens. */
  private async linkUp(layer: LinkLayer, cid: number | undefined, evidence: Evidence, lateBy: number): Promise<void> {
    const session = this.openedBy(layer, cid, evidence.rig);
    if (!session) return this.open(layer, cid, evidence, lateBy);
    this.layers.get(session)!.add(layer);
    see(session, LAYER_SOURCE[layer]);
    session.evidence.push(evidence);
    if (session.cid === undefined && cid !== undefined) {
      session.cid = cid;
      if (session.apn !== undefined) return;
      session.apn = await this.contexts.apnOf(cid);
      if (session.apn !== undefined && this.announced.has(session)) this.emit('identified', session);
    }
  }

  /**
   * The open session an up event on `layer` belongs to: the one its context has already (a context is
   * up only once: the event is repeated, or a poll found the context first), or the newest session,
   * opened just now by the other link layer's event.
   */
  private openedBy(layer: LinkLayer, cid: number | undefined, at: number): OtaSession | undefined {
    const sameContext = cid === undefined ? undefined : this.openSessionOf(cid);
    if (sameContext) return sameContext;
    const newest = this.sessions.at(-1);
    const layers = newest && this.layers.get(newest);
    const partner: LinkLayer = layer === 'pdn' ? 'bip' : 'pdn';
    const paired = newest?.state === 'open' && layers?.has(partner) && !layers.has(layer) && at - newest.openedAt <= LINK_PAIR_MS && cidFits(newest, cid);
    return paired ? newest : undefined;
  }

  /**
   * A link went down: the newest session that link was up for closes, or, if its partner event closed
   * it already, keeps the line as evidence. A session never had the link: the event is not its own.
   */
  private linkDown(layer: LinkLayer, cid: number | undefined, evidence: Evidence, lateBy: number): void {
    if (layer === 'pdn' && cid !== undefined) this.lastDown.set(cid, { evidence, lateBy });
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const session = this.sessions[i]!;
      const layers = this.layers.get(session);
      // A context first found by a poll (it came up before events were on) goes down by its event.
      const polledContext = layer === 'pdn' && cid !== undefined && session.cid === cid && session.state === 'open' && layers?.has('poll') === true;
      if (!(layers?.has(layer) || polledContext) || !cidFits(session, cid)) continue;
      layers!.delete(layer);
      if (session.state === 'open') this.close(session, evidence, { lateBy });
      else session.evidence.push(evidence);
      return;
    }
  }

  private async open(layer: LinkLayer, cid: number | undefined, evidence: Evidence, lateBy: number): Promise<void> {
    const pending = this.pendingOpen;
    this.pendingOpen = undefined;
    const session = this.newSession(pending?.apn, cid, evidence.rig, pending);
    readLate(session, lateBy);
    this.layers.set(session, new Set([layer]));
    see(session, LAYER_SOURCE[layer]);
    session.evidence.push(evidence);
    if (session.apn === undefined && cid !== undefined) session.apn = await this.contexts.apnOf(cid);
    this.announced.add(session);
    this.emit('opened', session);
    // The link may have gone down while the APN was being looked up: announce that now, in order.
    if (session.state === 'closed') this.emit('closed', session);
  }

  /** `edge`: how far the closing edge may be from `evidence.rig` (see timingUncertainty and stampLateBy). */
  private close(session: OtaSession, evidence: Evidence | undefined, edge: { uncertainty?: number; lateBy?: number } = {}): void {
    session.state = 'closed';
    this.openSessions.delete(session);
    session.closedAt = evidence?.rig;
    widen(session, edge.uncertainty ?? 0);
    readLate(session, edge.lateBy ?? 0);
    if (evidence) session.evidence.push(evidence);
    if (this.announced.has(session)) this.emit('closed', session);
  }

  private newSession(apn: string | undefined, cid: number | undefined, openedAt: number, pending: PendingOpen | undefined, state: 'open' | 'refused' = 'open'): OtaSession {
    const session: OtaSession = {
      index: this.sessions.length,
      apn,
      cid,
      requestedAt: pending?.at,
      openedAt,
      closedAt: undefined,
      state,
      exchangedData: false,
      seen: pending ? [pending.source] : [],
      timingUncertainty: 0,
      stampLateBy: 0,
      evidence: [...(pending?.evidence ?? [])],
    };
    this.sessions.push(session);
    if (state === 'open') this.openSessions.add(session);
    return session;
  }

  private openSessionOf(cid: number): OtaSession | undefined {
    for (const session of this.openSessions) if (session.cid === cid) return session;
    return undefined;
  }

  /**
   * The open session a channel command (SEND DATA, RECEIVE DATA, CLOSE CHANNEL) belongs to: the newest
   * that an OPEN CHANNEL asked for, else the newest open one. A data context that came up during the
   * OTA session is newer, and never the channel's.
   */
  private channelSession(): OtaSession | undefined {
    const newestFirst = [...this.openSessions].reverse();
    return newestFirst.find((s) => s.requestedAt !== undefined) ?? newestFirst[0];
  }
}

function widen(session: OtaSession, uncertainty: number): void {
  session.timingUncertainty = Math.max(session.timingUncertainty, uncertainty);
}

function readLate(session: OtaSession, lateBy: number): void {
  session.stampLateBy = Math.max(session.stampLateBy, lateBy);
}

function see(session: OtaSession, source: EvidenceSource): void {
  if (!session.seen.includes(source)) session.seen.push(source);
}

/** An event naming `cid` may be the session's: one of the two does not know its cid, or they agree. */
function cidFits(session: OtaSession, cid: number | undefined): boolean {
  return cid === undefined || session.cid === undefined || session.cid === cid;
}

type ReportedCommand = Pick<ProactiveCommand, 'type' | 'apn'>;

/** The proactive command a rule matched: by its type in decimal (`type` group) or in full (`hex` group). */
function reportedCommand(groups: Record<string, string> | undefined): ReportedCommand | undefined {
  if (groups?.type !== undefined) return { type: Number(groups.type) };
  try {
    const command = decodeStk(groups?.hex ?? '');
    return command.kind === 'proactive' ? command : undefined;
  } catch {
    return undefined; // a garbled +CUSATP proves nothing
  }
}
