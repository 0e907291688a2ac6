// The terminal side of the SIM toolkit: fetches the card's proactive commands and carries out the
// BIP ones itself (OPEN CHANNEL brings up a PDP context, SEND/RECEIVE DATA talk to the OTA server),
// as modules with an internal BIP client do. With AT+CUSATA enabled every fetched command is also
// shown to the host as +CUSATP, and the end of each proactive session as +CUSATEND.
import {
  buildEnvelopeApdu, buildFetchApdu, buildTerminalResponseApdu, CommandType, decodeStk, encodeTerminalResponse,
  Event, eventDownload, type ProactiveCommand,
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
  /** A proactive command was fetched, with its type where it could be decoded: the module may show the host. */
  proactiveCommand(command: Uint8Array, type: number | undefined): void;
  /** The card has no further proactive command. */
  proactiveSessionEnded(): void;
  /** A BIP channel opened or closed (vendor URCs such as %USATEV report it). */
  channelChanged(open: boolean): void;
  /** The card asked for a refresh: the module re-reads the SIM and registers again. */
  refreshSim(): void;
}

const STATUS_APDU = Uint8Array.of(0x80, 0xf2, 0x00, 0x0c, 0x00);
const RESULT = { OK: 0x00, TERMINAL_UNABLE: 0x20, BEYOND_CAPABILITY: 0x30, BIP_ERROR: 0x3a } as const;
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
    this.host.channelChanged(false);
    if (this.events.has(Event.CHANNEL_STATUS)) {
      this.whenIdle(() => this.envelope(eventDownload({ events: [Event.CHANNEL_STATUS], channelStatus: this.channelStatus(LINK_DROPPED) })));
    }
  }

  /** Power loss: channels, timers and the event list are gone. */
  reset(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
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
    this.host.proactiveCommand(command, decoded?.type);
    if (!decoded) return this.respond(rawCommandDetails(command), { result: { general: 0x32 } });
    this.carryOut(decoded);
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
    this.later(this.host.linkSetupMs, () => {
      // The radio may have gone off (AT+CFUN=0) while the link was being set up.
      if (!this.host.hasService()) return this.respond(command, { result: { general: RESULT.TERMINAL_UNABLE, additional: [NO_SERVICE] } });
      const cid = this.host.activateContext(command.apn ?? '');
      const session = this.host.truth.openSession();
      if (session) this.host.truth.sessionOpened(session, cid);
      if (!this.host.serverReachable) {
        // The PDP context comes up, the TCP connection to the server does not.
        return this.later(this.host.linkSetupMs, () => {
          this.host.deactivateContext(cid);
          this.respond(command, { result: { general: RESULT.BIP_ERROR, additional: [REMOTE_NOT_REACHABLE] } });
        });
      }
      this.channel = { cid, received: Buffer.alloc(0) };
      this.host.channelChanged(true);
      this.respond(command, {
        result: { general: RESULT.OK },
        channelStatus: this.channelStatus(),
        ...(command.bearer ? { bearer: command.bearer } : {}),
        bufferSize: Math.min(command.bufferSize ?? BUFFER_SIZE, BUFFER_SIZE),
      });
    });
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
          this.envelope(eventDownload({ events: [Event.DATA_AVAILABLE], channelStatus: this.channelStatus(), channelDataLength: Math.min(channel.received.length, 0xff) })),
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
    this.host.channelChanged(false);
    this.host.deactivateContext(channel.cid);
    this.respond(command, { result: { general: RESULT.OK } });
  }

  private channelStatus(info = 0) {
    return { channelId: CHANNEL_ID, linkUp: this.channel !== undefined, info };
  }

  private respond(command: Pick<ProactiveCommand, 'number' | 'type' | 'qualifier'>, fields: Omit<Parameters<typeof encodeTerminalResponse>[0], 'number' | 'type' | 'qualifier'>): void {
    const terminalResponse = encodeTerminalResponse({ number: command.number, type: command.type, qualifier: command.qualifier, ...fields });
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

/** Command details of a command we could not decode, so the card still gets an answer. */
function rawCommandDetails(command: Uint8Array): Pick<ProactiveCommand, 'number' | 'type' | 'qualifier'> {
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
