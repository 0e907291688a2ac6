// What the module tells the host of the SIM toolkit it runs, and which proactive commands must first
// wait for the host's answer. Every line here is one a real module class prints (dialects.ts):
//  - TS 27.007 §12.2 AT+CUSATA=1 activates the TE profile (profiles with `teProfile`): each proactive
//    command goes to the host as +CUSATP: <hex> and waits for AT+CUSATT; +CUSATEND when the card's
//    proactive session ends.
//  - Cinterion, after AT^SCFG="SAT/URC","1": ^SSTK: "<hex>",<bytes>,"00" for each proactive command,
//    "01" for each terminal response, "03" for each event download (Thales test TC0104182.001).
//  - Telit, after AT#STIA=2 or 3: #STN: <type> for the commands that need the user; OPEN CHANNEL waits
//    for AT#STSR=64,<action>; silence for <timeout> minutes fails it with #STN: 164 (LE910 V2 #STIA).
//  - nRF91, after AT%USATEV=1: %USATEV: BIP Connecting / Connected / Closed (nRF91 AT reference).
import { bytesToHex, CommandType, commandTypeName, type ProactiveCommand } from '../stk/index.ts';
import type { VirtualModule } from './module.ts';
import type { ChannelState, CommandHead, HostWait, ToolkitHost } from './toolkit.ts';

type Reports = Pick<ToolkitHost, 'proactiveCommand' | 'hostSilent' | 'terminalResponseSent' | 'eventSent' | 'proactiveSessionEnded' | 'channelChanged'>;

const MINUTE_MS = 60_000;
/** Telit's "terminate offset": an unanswered command is reported as #STN: <type + 100>. */
const STN_TERMINATE_OFFSET = 100;
/** The third value of ^SSTK: what the hex is. */
const SSTK_KIND = { proactiveCommand: '00', terminalResponse: '01', envelope: '03' } as const;
const USATEV_BIP: Record<ChannelState, string> = { connecting: 'BIP Connecting', connected: 'BIP Connected', closed: 'BIP Closed' };

export const CUSATT = 'AT+CUSATT';
export const STSR = 'AT#STSR';

export class ToolkitReporter implements Reports {
  constructor(private readonly module: VirtualModule) {}

  /** TS 27.007 +CUSATA=1 or 2 on a module that offers it. */
  get teProfileActive(): boolean {
    return this.module.profile.teProfile && this.module.settings.cusata > 0;
  }

  proactiveCommand(command: Uint8Array, decoded: ProactiveCommand | undefined): HostWait | undefined {
    if (this.teProfileActive) {
      return { rigMs: this.module.timing.teResponseMs, answer: CUSATT, announce: () => this.module.urc(`+CUSATP: ${bytesToHex(command)}`) };
    }
    if (this.module.dialect.toolkit === 'sstk') this.sstk(command, SSTK_KIND.proactiveCommand);
    if (this.module.dialect.toolkit === 'stn' && decoded) return this.stn(decoded);
    return undefined;
  }

  hostSilent(command: CommandHead, wait: HostWait): void {
    this.module.truth.proactiveCommandUnanswered(command.type, commandTypeName(command.type), wait);
    if (wait.answer === STSR) this.module.urc(`#STN: ${command.type + STN_TERMINATE_OFFSET}`);
  }

  terminalResponseSent(response: Uint8Array): void {
    if (this.module.dialect.toolkit === 'sstk') this.sstk(response, SSTK_KIND.terminalResponse);
  }

  eventSent(envelope: Uint8Array): void {
    if (this.module.dialect.toolkit === 'sstk') this.sstk(envelope, SSTK_KIND.envelope);
  }

  proactiveSessionEnded(): void {
    if (this.teProfileActive) this.module.urc('+CUSATEND');
  }

  channelChanged(state: ChannelState): void {
    if (this.module.dialect.toolkit === 'usatev' && this.module.settings.usatEvents) this.module.urc(`%USATEV: ${USATEV_BIP[state]}`);
  }

  private sstk(bytes: Uint8Array, kind: string): void {
    if (this.module.settings.satUrc) this.module.urc(`^SSTK: "${bytesToHex(bytes)}",${bytes.length},"${kind}"`);
  }

  /**
   * Telit #STIA modes 2 (extended) and 3 (reduced) notify the commands that need the user. Of the
   * card's commands that is OPEN CHANNEL, which then waits for AT#STSR (its optional text, the
   * command's alpha identifier, is absent: the card sends none), and REFRESH, which needs no answer.
   * SEND DATA, RECEIVE DATA and CLOSE CHANNEL are not among the manual's notified commands.
   */
  private stn(command: ProactiveCommand): HostWait | undefined {
    const mode = this.module.settings.stiaMode;
    if (mode !== 2 && mode !== 3) return undefined;
    if (command.type === CommandType.OPEN_CHANNEL) {
      return { rigMs: this.module.settings.stiaTimeoutMin * MINUTE_MS, answer: STSR, announce: () => this.module.urc(`#STN: ${command.type}`) };
    }
    // Extended mode adds the refresh type, numbered as the REFRESH qualifier.
    if (command.type === CommandType.REFRESH) this.module.urc(mode === 2 ? `#STN: ${command.type},${command.qualifier}` : `#STN: ${command.type}`);
    return undefined;
  }
}
