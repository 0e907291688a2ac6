// The terminal side of the SIM toolkit: fetches the card's proactive commands and carries out the
// BIP ones itself (OPEN CHANNEL brings up a PDP context, SEND/RECEIVE DATA talk to the OTA server),
// as modules with an internal BIP client do. What the host is shown of it, and which commands must
// first wait for the host's answer, the module decides (toolkit-reporter.ts): a command handed to the
// host is carried out once the host accepts it, answered with the host's own terminal response
// otherwise, and given up with a failure if the host stays silent.
import {
  buildEnvelopeApdu, buildFetchApdu, buildTerminalResponseApdu, CommandType, decodeStk, encodeTerminalResponse,
  Event, eventDownload, type EventDownloadOptions, type ProactiveCommand, type TerminalResponseInput,
} from '../stk/index.ts';
import type { Clock, Timer } from '../time/clock.ts';
import type { OtaServer } from './ota-server.ts';
import type { GroundTruth } from './truth.ts';
import type { Uicc } from './uicc.ts';

/** What the toolkit needs from the rest of the module. */
export interface ToolkitHost {
  readonly clock: Clock;
  readonly uicc: Uicc;
  readonly server: OtaServer;
  readonly truth: GroundTruth;
  readonly bipSupported: boolean;
  readonly serverReachable: boolean;
  readonly linkSetupMs: number;
  readonly networkRttMs: number;
  hasService(): boolean;
  /** Brings up a PDP context on `apn`, returning its cid. */
  activateContext(apn: string): number;
  deactivateContext(cid: number): void;
  /**
   * A proactive command was fetched (decoded where it could be): the module may show the host, and
   * returns how long to wait for the host's answer where the host must answer first.
   */
  proactiveCommand(command: Uint8Array, decoded: ProactiveCommand | undefined): HostWait | undefined;
  /** A command handed to the host went unanswered: the module answers the card with a failure. */
  hostSilent(command: CommandHead, wait: HostWait): void;
  /** The module sends the card a terminal response (its own or the host's). */
  terminalResponseSent(response: Uint8Array): void;
  /** The module sends the card an event download of its own. */
  eventSent(envelope: Uint8Array): void;
  /** The card has no further proactive command. */
  proactiveSessionEnded(): void;
  /** A BIP channel's link: being set up, up, or closed (or its setup failed). */
  channelChanged(state: ChannelState): void;
  /** The card asked for a refresh: the module re-reads the SIM and registers again. */
  refreshSim(): void;
}

export type ChannelState = 'connecting' | 'connected' | 'closed';

/** A wait for the host's answer to a proactive command, and the command it must answer with. */
export interface HostWait {
  rigMs: number;
  /** How the host answers: `AT+CUSATT`, `AT#STSR`. */
  answer: string;
  /**
   * Prints what tells the host to answer. Called once the module waits, so that an answer written
   * the moment the host reads the line finds the command waiting.
   */
  announce(): void;
}

/** The command details of a proactive command. */
export type CommandHead = Pick<ProactiveCommand, 'number' | 'type' | 'qualifier'>;

/** A command handed to the host, waiting for its answer. */
export interface HostPending {
  head: CommandHead;
  decoded: ProactiveCommand | undefined;
  wait: HostWait;
}

const STATUS_APDU = Uint8Array.of(0x80, 0xf2, 0x00, 0x0c, 0x00);
const RESULT = { OK: 0x00, NO_RESPONSE_FROM_USER: 0x12, TERMINAL_UNABLE: 0x20, BEYOND_CAPABILITY: 0x30, DATA_NOT_UNDERSTOOD: 0x32, BIP_ERROR: 0x3a } as const;
const NO_SPECIFIC_CAUSE = 0x00;
const NO_SERVICE = 0x04;
const REMOTE_NOT_REACHABLE = 0x07;
const NO_CHANNEL = 0x01;
const LINK_DROPPED = 0x05;
const CHANNEL_ID = 1;
const BUFFER_SIZE = 1400;

interface Channel {
  cid: number;
  received: Buffer;
}

export class TerminalToolkit {
  private busy = false;
  private channel: Channel | undefined;
  private events = new Set<number>();
  private readonly timers = new Set<Timer>();
  /** Envelopes waiting for the proactive command in progress to be answered. */
  private readonly idleQueue: (() => void)[] = [];
  private pending: (HostPending & { timer: Timer }) | undefined;

  constructor(private readonly host: ToolkitHost) {}

  /** The card has (or may have) a proactive command for us. */
  poll(): void {
    if (this.busy) return;
    const status = this.host.uicc.transmit(STATUS_APDU);
    if (status.at(-2) === 0x91) this.fetch(status.at(-1)!);
  }

  /** Sends an envelope to the card on the host's behalf or the module's own. */
  envelope(data: Uint8Array): Uint8Array {
    const response = this.host.uicc.transmit(buildEnvelopeApdu(data));
    if (response.at(-2) === 0x91) this.later(0, () => this.poll());
    return response;
  }

  /**
   * The PDP context under the open channel went down without CLOSE CHANNEL (radio off, +CGACT=0):
   * the link dropped, and the card is told so with a channel status event (TS 102 223 §7.5.11).
   */
  contextLost(cid: number): void {
    if (this.channel?.cid !== cid) return;
    this.channel = undefined;
    this.host.channelChanged('closed');
    if (this.events.has(Event.CHANNEL_STATUS)) {
      this.whenIdle(() => this.sendEvent({ events: [Event.CHANNEL_STATUS], channelStatus: this.channelStatus(LINK_DROPPED) }));
    }
  }

  /** The command handed to the host that waits for its answer, if any. */
  get awaitingHost(): HostPending | undefined {
    return this.pending;
  }

  /**
   * The host accepts the command handed to it: the module carries it out itself, once the host's
   * command has had its final result code.
   */
  hostAccepted(): void {
    const { head, decoded } = this.takePending();
    this.later(0, () => (decoded ? this.carryOut(decoded) : this.respond(head, { result: { general: RESULT.DATA_NOT_UNDERSTOOD } })));
  }

  /** The host answers the command handed to it: its terminal response goes to the card as it is. */
  hostAnswered(terminalResponse: Uint8Array): void {
    this.takePending();
    this.later(0, () => this.sendTerminalResponse(terminalResponse));
  }

  /** Power loss: channels, timers and the event list are gone. */
  reset(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.pending?.timer.cancel();
    this.pending = undefined;
    this.idleQueue.length = 0;
    this.busy = false;
    this.channel = undefined;
    this.events = new Set();
  }

  private fetch(length: number): void {
    const response = this.host.uicc.transmit(buildFetchApdu(length));
    const command = response.subarray(0, response.length - 2);
    if (response.at(-2) !== 0x90 || command.length === 0) return;
    this.busy = true;
    const decoded = decodeProactive(command);
    const head = decoded ?? rawCommandDetails(command);
    const wait = this.host.proactiveCommand(command, decoded);
    if (wait) {
      this.awaitHost({ head, decoded, wait });
      return wait.announce();
    }
    if (!decoded) return this.respond(head, { result: { general: RESULT.DATA_NOT_UNDERSTOOD } });
    this.carryOut(decoded);
  }

  /** Holds the command for the host; silence for the whole wait fails it (as the vendors' timeouts do). */
  private awaitHost(pending: HostPending): void {
    const timer = this.host.clock.setTimer(() => {
      this.pending = undefined;
      this.host.hostSilent(pending.head, pending.wait);
      this.respond(pending.head, { result: unansweredResult(pending.head.type) });
    }, pending.wait.rigMs);
    this.pending = { ...pending, timer };
  }

  private takePending(): HostPending {
    const pending = this.pending;
    if (!pending) throw new Error('no proactive command waits for the host');
    pending.timer.cancel();
    this.pending = undefined;
    return pending;
  }

  private carryOut(command: ProactiveCommand): void {
    switch (command.type) {
      case CommandType.SET_UP_EVENT_LIST:
        this.events = new Set((command.eventList ?? []).map((e) => e.code));
        return this.respond(command, { result: { general: RESULT.OK } });
      case CommandType.OPEN_CHANNEL:
        return this.openChannel(command);
      case CommandType.SEND_DATA:
        return this.sendData(command);
      case CommandType.RECEIVE_DATA:
        return this.receiveData(command);
      case CommandType.CLOSE_CHANNEL:
        return this.closeChannel(command);
      case CommandType.GET_CHANNEL_STATUS:
        return this.respond(command, { result: { general: RESULT.OK }, channelStatus: this.channelStatus() });
      case CommandType.REFRESH:
        this.respond(command, { result: { general: RESULT.OK } });
        return this.host.refreshSim();
      default:
        return this.respond(command, { result: { general: RESULT.BEYOND_CAPABILITY } });
    }
  }

  private openChannel(command: ProactiveCommand): void {
    if (!this.host.bipSupported) return this.respond(command, { result: { general: RESULT.BEYOND_CAPABILITY } });
    if (!this.host.hasService()) return this.respond(command, { result: { general: RESULT.TERMINAL_UNABLE, additional: [NO_SERVICE] } });
    this.host.channelChanged('connecting');
    this.later(this.host.linkSetupMs, () => {
      // The radio may have gone off (AT+CFUN=0) while the link was being set up.
      if (!this.host.hasService()) return this.channelFailed(command, { general: RESULT.TERMINAL_UNABLE, additional: [NO_SERVICE] });
      const cid = this.host.activateContext(command.apn ?? '');
      const session = this.host.truth.openSession();
      if (session) this.host.truth.sessionOpened(session, cid);
      if (!this.host.serverReachable) {
        // The PDP context comes up, the TCP connection to the server does not.
        return this.later(this.host.linkSetupMs, () => {
          this.host.deactivateContext(cid);
          this.channelFailed(command, { general: RESULT.BIP_ERROR, additional: [REMOTE_NOT_REACHABLE] });
        });
      }
      this.channel = { cid, received: Buffer.alloc(0) };
      this.host.channelChanged('connected');
      this.respond(command, {
        result: { general: RESULT.OK },
        channelStatus: this.channelStatus(),
        ...(command.bearer ? { bearer: command.bearer } : {}),
        bufferSize: Math.min(command.bufferSize ?? BUFFER_SIZE, BUFFER_SIZE),
      });
    });
  }

  private channelFailed(command: ProactiveCommand, result: { general: number; additional: number[] }): void {
    this.host.channelChanged('closed');
    this.respond(command, { result });
  }

  private sendData(command: ProactiveCommand): void {
    const channel = this.channel;
    if (!channel) return this.respond(command, { result: { general: RESULT.BIP_ERROR, additional: [NO_CHANNEL] } });
    const request = Buffer.from(command.channelData ?? '', 'hex');
    this.respond(command, { result: { general: RESULT.OK }, channelDataLength: 0xff });
    this.later(this.host.networkRttMs, () => {
      if (this.channel !== channel) return;
      channel.received = Buffer.concat([channel.received, this.host.server.handle(request)]);
      if (this.events.has(Event.DATA_AVAILABLE)) {
        this.whenIdle(() =>
          this.sendEvent({ events: [Event.DATA_AVAILABLE], channelStatus: this.channelStatus(), channelDataLength: Math.min(channel.received.length, 0xff) }),
        );
      }
    });
  }

  private receiveData(command: ProactiveCommand): void {
    const channel = this.channel;
    if (!channel) return this.respond(command, { result: { general: RESULT.BIP_ERROR, additional: [NO_CHANNEL] } });
    const take = Math.min(command.channelDataLength ?? 0, channel.received.length);
    const data = channel.received.subarray(0, take);
    channel.received = channel.received.subarray(take);
    this.respond(command, { result: { general: RESULT.OK }, channelData: data, channelDataLength: Math.min(channel.received.length, 0xff) });
  }

  private closeChannel(command: ProactiveCommand): void {
    const channel = this.channel;
    if (!channel) return this.respond(command, { result: { general: RESULT.BIP_ERROR, additional: [NO_CHANNEL] } });
    this.channel = undefined;
    this.host.channelChanged('closed');
    this.host.deactivateContext(channel.cid);
    this.respond(command, { result: { general: RESULT.OK } });
  }

  private channelStatus(info = 0) {
    return { channelId: CHANNEL_ID, linkUp: this.channel !== undefined, info };
  }

  /** An event download of the module's own (TS 102 223 §7.5). */
  private sendEvent(event: EventDownloadOptions): void {
    const envelope = eventDownload(event);
    this.host.eventSent(envelope);
    this.envelope(envelope);
  }

  private respond(command: CommandHead, fields: Omit<TerminalResponseInput, 'number' | 'type' | 'qualifier'>): void {
    this.sendTerminalResponse(encodeTerminalResponse({ number: command.number, type: command.type, qualifier: command.qualifier, ...fields }));
  }

  private sendTerminalResponse(terminalResponse: Uint8Array): void {
    this.host.terminalResponseSent(terminalResponse);
    const status = this.host.uicc.transmit(buildTerminalResponseApdu(terminalResponse));
    this.busy = false;
    if (status.at(-2) === 0x91) this.fetch(status.at(-1)!);
    else this.host.proactiveSessionEnded();
    this.flushIdle();
  }

  private whenIdle(action: () => void): void {
    if (this.busy) this.idleQueue.push(action);
    else action();
  }

  private flushIdle(): void {
    while (!this.busy && this.idleQueue.length > 0) this.idleQueue.shift()!();
  }

  private later(rigMs: number, action: () => void): void {
    const timer = this.host.clock.setTimer(() => {
      this.timers.delete(timer);
      action();
    }, rigMs);
    this.timers.add(timer);
  }
}

/**
 * The failure the module answers a command the host left unanswered with, as the vendors' Remote-SAT
 * timeouts do (Telit #STIA, Cinterion ^SSTA): "no response from user" for OPEN CHANNEL, which asks the
 * user to confirm (TS 102 223 §6.4.27), "terminal currently unable to process command" otherwise.
 */
function unansweredResult(type: number): { general: number; additional?: number[] } {
  return type === CommandType.OPEN_CHANNEL ? { general: RESULT.NO_RESPONSE_FROM_USER } : { general: RESULT.TERMINAL_UNABLE, additional: [NO_SPECIFIC_CAUSE] };
}

/** Command details of a command we could not decode, so the card still gets an answer. */
function rawCommandDetails(command: Uint8Array): CommandHead {
  const at = command.indexOf(0x81) >= 0 ? command.indexOf(0x81) : command.indexOf(0x01);
  return { number: command[at + 2] ?? 0, type: command[at + 3] ?? 0, qualifier: command[at + 4] ?? 0 };
}

/** The proactive command in `bytes`; undefined for anything the toolkit cannot take as one. */
function decodeProactive(bytes: Uint8Array): ProactiveCommand | undefined {
  try {
    const decoded = decodeStk(bytes);
    return decoded.kind === 'proactive' ? decoded : undefined;
  } catch {
    return undefined;
  }
}
