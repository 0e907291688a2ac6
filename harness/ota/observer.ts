// Turns what a module shows the host into OTA session events: a session opens when its PDP
// context (or BIP link) comes up and closes when it goes down. Its APN comes from the OPEN CHANNEL
// the module reported in full (+CUSATP) or, failing that, from AT+CGDCONT? for the cid: a vendor
// notification that names only the command type (+STKPRO, ^SSTN) dates the request and adds its line
// to the evidence, and the PDN event that follows gives the APN. An OPEN CHANNEL followed by the end
// of the proactive session with no link is a refused session; its APN is unknown when only the type
// was reported, as no context was ever set up to read it from. A module that reports both the PDN
// context and the BIP link on it (nRF91 +CGEV and %USATEV) shows one session: the second of the two
// events joins the session the first one opened, when they come close together.
import { EventEmitter } from 'node:events';
import type { AtEngine, Urc } from '../at/index.ts';
import { CommandType, decodeStk, type ProactiveCommand } from '../stk/index.ts';
import type { EvidenceKind, ModuleProfile } from './profiles.ts';

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
  /** The module lines this session was read from, with their rig times. */
  evidence: { rig: number; line: string }[];
}

export interface ObserverEvents {
  opened: [OtaSession];
  closed: [OtaSession];
  refused: [OtaSession];
}

interface CompiledRule {
  kind: EvidenceKind;
  regex: RegExp;
}

/** Rig ms within which a PDN event and a BIP link event are taken for the same session's. */
const LINK_PAIR_MS = 5_000;

type LinkLayer = 'pdn' | 'bip';

interface PendingOpen {
  apn: string | undefined;
  at: number;
  evidence: { rig: number; line: string }[];
}

export class OtaObserver extends EventEmitter<ObserverEvents> {
  readonly sessions: OtaSession[] = [];
  private readonly rules: CompiledRule[];
  private pendingOpen: PendingOpen | undefined;
  /** Sessions whose opening has been announced (the APN look-up can delay it). */
  private readonly announced = new WeakSet<OtaSession>();
  /** Which link events each session has seen. */
  private readonly layers = new WeakMap<OtaSession, Set<LinkLayer>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly at: AtEngine, profile: ModuleProfile) {
    super();
    this.rules = profile.evidence.map((rule) => ({ kind: rule.kind, regex: new RegExp(rule.pattern) }));
    this.unsubscribe = at.onUrc((urc) => this.onUrc(urc));
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Forget what was pending: the module lost power. */
  powerLost(): void {
    this.pendingOpen = undefined;
    for (const session of this.sessions) {
      if (session.state === 'open') this.close(session, undefined);
      this.layers.get(session)?.clear(); // no link outlives the power
    }
  }

  private onUrc(urc: Urc): void {
    for (const rule of this.rules) {
      const match = rule.regex.exec(urc.line);
      if (!match) continue;
      const evidence = { rig: urc.rig, line: urc.line };
      const cid = match.groups?.cid === undefined ? undefined : Number(match.groups.cid);
      switch (rule.kind) {
        case 'proactive-command':
          return this.onProactiveCommand(reportedCommand(match.groups), evidence);
        case 'proactive-session-end':
          return this.onProactiveSessionEnd(evidence);
        case 'pdn-up':
        case 'bip-up':
          return void this.linkUp(rule.kind === 'pdn-up' ? 'pdn' : 'bip', cid, evidence);
        case 'pdn-down':
        case 'bip-down':
          return this.linkDown(rule.kind === 'pdn-down' ? 'pdn' : 'bip', cid, evidence);
      }
    }
  }

  private onProactiveCommand(command: ReportedCommand | undefined, evidence: { rig: number; line: string }): void {
    if (!command) return;
    if (command.type === CommandType.OPEN_CHANNEL) {
      this.pendingOpen = { apn: command.apn, at: evidence.rig, evidence: [evidence] };
    } else if (command.type === CommandType.SEND_DATA || command.type === CommandType.RECEIVE_DATA || command.type === CommandType.CLOSE_CHANNEL) {
      const session = this.openSession(undefined);
      if (!session) return;
      session.evidence.push(evidence);
      if (command.type !== CommandType.CLOSE_CHANNEL) session.exchangedData = true;
    }
  }

  private onProactiveSessionEnd(evidence: { rig: number; line: string }): void {
    const pending = this.pendingOpen;
    if (!pending) return;
    // OPEN CHANNEL, then the card's proactive session ended without any link: the module refused it.
    this.pendingOpen = undefined;
    const session = this.newSession(pending.apn, undefined, evidence.rig, pending);
    session.state = 'refused';
    session.evidence.push(evidence);
    this.emit('refused', session);
  }

  /** The other layer's event of a session opened just now joins it; otherwise a new session opens. */
  private async linkUp(layer: LinkLayer, cid: number | undefined, evidence: { rig: number; line: string }): Promise<void> {
    const newest = this.sessions.at(-1);
    const layers = newest && this.layers.get(newest);
    if (newest?.state === 'open' && layers && !layers.has(layer) && evidence.rig - newest.openedAt <= LINK_PAIR_MS && cidFits(newest, cid)) {
      layers.add(layer);
      newest.evidence.push(evidence);
      if (newest.cid === undefined && cid !== undefined) {
        newest.cid = cid;
        if (newest.apn === undefined) newest.apn = await this.apnOf(cid);
      }
      return;
    }
    return this.open(layer, cid, evidence);
  }

  /**
   * A link went down: the newest session that link was up for closes, or, if its partner event closed
   * it already, keeps the line as evidence. A session never had the link: the event is not its own.
   */
  private linkDown(layer: LinkLayer, cid: number | undefined, evidence: { rig: number; line: string }): void {
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const session = this.sessions[i]!;
      const layers = this.layers.get(session);
      if (!layers?.has(layer) || !cidFits(session, cid)) continue;
      layers.delete(layer);
      if (session.state === 'open') this.close(session, evidence);
      else session.evidence.push(evidence);
      return;
    }
  }

  private async open(layer: LinkLayer, cid: number | undefined, evidence: { rig: number; line: string }): Promise<void> {
    const pending = this.pendingOpen;
    this.pendingOpen = undefined;
    const session = this.newSession(pending?.apn, cid, evidence.rig, pending);
    this.layers.set(session, new Set([layer]));
    session.evidence.push(evidence);
    if (session.apn === undefined && cid !== undefined) session.apn = await this.apnOf(cid);
    this.announced.add(session);
    this.emit('opened', session);
    // The link may have gone down while the APN was being looked up: announce that now, in order.
    if (session.state === 'closed') this.emit('closed', session);
  }

  private close(session: OtaSession | undefined, evidence: { rig: number; line: string } | undefined): void {
    if (!session || session.state !== 'open') return;
    session.state = 'closed';
    session.closedAt = evidence?.rig;
    if (evidence) session.evidence.push(evidence);
    if (this.announced.has(session)) this.emit('closed', session);
  }

  private newSession(apn: string | undefined, cid: number | undefined, openedAt: number, pending: PendingOpen | undefined): OtaSession {
    const session: OtaSession = {
      index: this.sessions.length,
      apn,
      cid,
      requestedAt: pending?.at,
      openedAt,
      closedAt: undefined,
      state: 'open',
      exchangedData: false,
      evidence: [...(pending?.evidence ?? [])],
    };
    this.sessions.push(session);
    return session;
  }

  private openSession(cid: number | undefined): OtaSession | undefined {
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const session = this.sessions[i]!;
      if (session.state === 'open' && cidFits(session, cid)) return session;
    }
    return undefined;
  }

  /** The APN of a context, from AT+CGDCONT?; undefined if the module no longer lists it. */
  private async apnOf(cid: number): Promise<string | undefined> {
    try {
      const response = await this.at.send('AT+CGDCONT?');
      for (const line of response.lines) {
        const match = /^\+CGDCONT: (\d+),"[^"]*","([^"]*)"/.exec(line);
        if (match && Number(match[1]) === cid) return match[2];
      }
    } catch {
      // a timeout here must not break observation; the session stays without an APN
    }
    return undefined;
  }
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
