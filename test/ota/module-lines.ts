// What a module prints of an OTA session, for observer and step tests: TS 27.007 PDN events, the
// nRF91's BIP link events and whole proactive commands as +CUSATP, said at rig times of the test's
// choosing, with a context list that answers each cid's APN.
import type { Urc } from '../../harness/at/index.ts';
import type { ContextReader } from '../../harness/module/contexts.ts';
import { OtaObserver } from '../../harness/ota/observer.ts';
import type { EvidenceRule } from '../../harness/module/profiles.ts';
import { PDN_27007, USAT_27007 } from '../../harness/module/profiles/common.ts';
import { moduleProfile } from '../../harness/module/profiles.ts';
import { Event, acceptingTerminalResponse, bytesToHex, closeChannel, decodeProactive, openChannel, receiveData, sendData, setUpEventList } from '../../harness/stk/index.ts';

/** PDN events, BIP link events and whole proactive commands: every layer the observer reads. */
export const ALL_LAYERS: readonly EvidenceRule[] = [
  ...PDN_27007,
  ...USAT_27007,
  ...moduleProfile('nordic-nrf9160').evidence.filter((rule) => rule.kind === 'bip-up' || rule.kind === 'bip-down'),
];

/** The SIM's contexts: 1 the host's data context, 2 the OTA context, 3 another operator service. */
export const APNS: ReadonlyMap<number, string> = new Map([[1, 'super'], [2, 'ota.super'], [3, 'other.apn']]);

export const pdnUp = (cid: number) => `+CGEV: ME PDN ACT ${cid}`;
export const pdnDown = (cid: number) => `+CGEV: NW PDN DEACT ${cid}`;
export const BIP_UP = '%USATEV: BIP Connected';
export const BIP_DOWN = '%USATEV: BIP Closed';
export const SESSION_END = '+CUSATEND';

const cusatp = (command: Uint8Array) => `+CUSATP: "${bytesToHex(command)}"`;
export const openChannelLine = (apn: string) =>
  cusatp(openChannel({ number: 1, apn, bufferSize: 1400, transport: { protocol: 'tcp', port: 443 }, address: '10.0.0.1' }));
export const SEND_DATA = cusatp(sendData({ number: 2, channelId: 1, data: [0x16, 0x03, 0x03] }));
export const RECEIVE_DATA = cusatp(receiveData({ number: 3, channelId: 1, length: 200 }));
export const CLOSE_CHANNEL = cusatp(closeChannel({ number: 4, channelId: 1 }));
/** A proactive command that is not about a channel. */
export const SET_UP_EVENT_LIST = cusatp(setUpEventList({ number: 5, events: [Event.DATA_AVAILABLE] }));
/** The module's answer to an OPEN CHANNEL, as a +CUSATP line would never carry it: not a command. */
export const OPEN_CHANNEL_ACCEPTED = cusatp(acceptingTerminalResponse(decodeProactive(openChannel({ number: 1, apn: 'ota.super', bufferSize: 1400, transport: { protocol: 'tcp', port: 443 } }))));

/** The URC side of an AT engine: lines said at a given rig time reach every listener at once. */
export class UrcSource {
  private readonly listeners = new Set<(urc: Urc) => void>();

  onUrc(listener: (urc: Urc) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `stampLateBy`: how much earlier than `rig` the line may have arrived (see Urc). */
  say(line: string, rig: number, stampLateBy = 0): void {
    for (const listener of this.listeners) listener({ line, prefix: line.split(':')[0]!, rig, wall: rig, stampLateBy });
  }
}

/** A context list that answers from `apns`; `active` is what a poll would read. */
export function contextList(apns: ReadonlyMap<number, string> = APNS): ContextReader & { lookups: number[] } {
  const lookups: number[] = [];
  return {
    lookups,
    apnOf: async (cid) => {
      lookups.push(cid);
      return apns.get(cid);
    },
    active: async () => new Map(),
  };
}

/** An observer of every layer, with the URC source that feeds it. */
export function observerOf(rules: readonly EvidenceRule[] = ALL_LAYERS, apns?: ReadonlyMap<number, string>) {
  const urcs = new UrcSource();
  const contexts = contextList(apns);
  const observer = new OtaObserver(urcs, rules, contexts);
  return { urcs, contexts, observer };
}

/** Lets the observer's APN look-ups settle. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
