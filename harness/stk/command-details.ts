// Command details (TS 102 223 §8.6): the first data object of proactive commands and terminal
// responses, with the qualifier bits and values the OTA session's commands define.
import { byte, expectLength } from './checks.ts';
import { StkDecodeError } from './errors.ts';
import { CommandType, commandTypeName, qualifierName, Tag } from './names.ts';
import { encodeComprehensionTlv, type Tlv } from './tlv.ts';

export interface OpenChannelFlags {
  immediateLink: boolean;
  automaticReconnection: boolean;
  backgroundMode: boolean;
}
export interface SendDataFlags {
  sendImmediately: boolean;
}

export interface CommandDetailsInput {
  number: number;
  type: number;
  qualifier?: number;
}
export interface CommandDetails {
  number: number;
  type: number;
  typeName: string;
  qualifier: number;
  /** Qualifier bits, for OPEN CHANNEL and SEND DATA. */
  flags?: OpenChannelFlags | SendDataFlags;
  /** Qualifier meaning, for REFRESH, TIMER MANAGEMENT and PROVIDE LOCAL INFORMATION. */
  qualifierName?: string;
}

const OPEN_CHANNEL_BIT: Readonly<Record<keyof OpenChannelFlags, number>> = {
  immediateLink: 0x01,
  automaticReconnection: 0x02,
  backgroundMode: 0x04,
};
const SEND_DATA_IMMEDIATELY_BIT = 0x01;

export function openChannelQualifier(flags: Partial<OpenChannelFlags>): number {
  return Object.entries(OPEN_CHANNEL_BIT).reduce(
    (q, [name, bit]) => (flags[name as keyof OpenChannelFlags] ? q | bit : q),
    0,
  );
}

export function sendDataQualifier(sendImmediately: boolean): number {
  return sendImmediately ? SEND_DATA_IMMEDIATELY_BIT : 0;
}

function qualifierFlags(type: number, qualifier: number): OpenChannelFlags | SendDataFlags | undefined {
  if (type === CommandType.OPEN_CHANNEL) {
    return {
      immediateLink: (qualifier & OPEN_CHANNEL_BIT.immediateLink) !== 0,
      automaticReconnection: (qualifier & OPEN_CHANNEL_BIT.automaticReconnection) !== 0,
      backgroundMode: (qualifier & OPEN_CHANNEL_BIT.backgroundMode) !== 0,
    };
  }
  if (type === CommandType.SEND_DATA) return { sendImmediately: (qualifier & SEND_DATA_IMMEDIATELY_BIT) !== 0 };
  return undefined;
}

function decodeCommandDetails(tlv: Tlv): CommandDetails {
  expectLength(tlv, 'command details', 3);
  const [number, type, qualifier] = tlv.value;
  const details: CommandDetails = { number, type, typeName: commandTypeName(type), qualifier };
  const flags = qualifierFlags(type, qualifier);
  if (flags) details.flags = flags;
  const meaning = qualifierName(type, qualifier);
  if (meaning !== undefined) details.qualifierName = meaning;
  return details;
}

/**
 * Proactive commands and terminal responses start with command details. Returns them and the
 * TLVs after them; `end` is where the TLVs end, for the error when there are none.
 */
export function decodeLeadingCommandDetails(
  tlvs: readonly Tlv[],
  end: number,
  what: string,
): { details: CommandDetails; rest: readonly Tlv[] } {
  const [first, ...rest] = tlvs;
  if (first === undefined) throw new StkDecodeError(end, `${what} has no command details`);
  if (first.tag !== Tag.COMMAND_DETAILS) {
    throw new StkDecodeError(first.offset, `${what} must start with command details (tag 01/81), not tag ${tagText(first.tag)}`);
  }
  return { details: decodeCommandDetails(first), rest };
}

function tagText(tag: number): string {
  return `0x${tag.toString(16).toUpperCase().padStart(2, '0')}`;
}

export function encodeCommandDetails({ number, type, qualifier = 0 }: CommandDetailsInput): Uint8Array {
  const value = [byte(number, 'command number'), byte(type, 'command type'), byte(qualifier, 'command qualifier')];
  return encodeComprehensionTlv(Tag.COMMAND_DETAILS, true, value);
}
