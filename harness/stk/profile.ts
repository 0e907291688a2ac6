// The BIP part of a TERMINAL PROFILE (TS 102 223 §5.2). Bytes and bits are numbered from 1 as in
// the standard. A profile may be shorter than the standard's table: missing bytes mean unsupported.
import { asBytes, type BytesLike } from './hex.ts';

export interface BipCapabilities {
  /** Byte 12 bits 1-5. */
  openChannel: boolean;
  closeChannel: boolean;
  receiveData: boolean;
  sendData: boolean;
  getChannelStatus: boolean;
  /** Byte 13 bits 1-2. */
  csdBearer: boolean;
  gprsBearer: boolean;
  /** Byte 17 bit 7. */
  eUtranBearer: boolean;
  /** Byte 13 bits 6-8. */
  channels: number;
  /** Byte 17 bits 1-2. */
  tcpClientRemote: boolean;
  udpClientRemote: boolean;
  /** Byte 6 bits 3-4. */
  dataAvailableEvent: boolean;
  channelStatusEvent: boolean;
  /** What an OTA session over BIP needs and this profile lacks; empty when it can run. */
  missing: string[];
  supportsOtaSession: boolean;
}

function bit(profile: Uint8Array, byteNumber: number, bitNumber: number): boolean {
  return ((profile[byteNumber - 1] ?? 0) & (1 << (bitNumber - 1))) !== 0;
}

export function terminalProfileBip(profileBytes: BytesLike): BipCapabilities {
  const profile = asBytes(profileBytes);
  const caps = {
    openChannel: bit(profile, 12, 1),
    closeChannel: bit(profile, 12, 2),
    receiveData: bit(profile, 12, 3),
    sendData: bit(profile, 12, 4),
    getChannelStatus: bit(profile, 12, 5),
    csdBearer: bit(profile, 13, 1),
    gprsBearer: bit(profile, 13, 2),
    eUtranBearer: bit(profile, 17, 7),
    channels: (profile[13 - 1] ?? 0) >> 5,
    tcpClientRemote: bit(profile, 17, 1),
    udpClientRemote: bit(profile, 17, 2),
    dataAvailableEvent: bit(profile, 6, 3),
    channelStatusEvent: bit(profile, 6, 4),
  };
  // Either packet bearer will do: bearer type 02 covers GPRS, UTRAN and E-UTRAN packet service.
  const requirements: [string, boolean][] = [
    ['OPEN CHANNEL', caps.openChannel],
    ['CLOSE CHANNEL', caps.closeChannel],
    ['RECEIVE DATA', caps.receiveData],
    ['SEND DATA', caps.sendData],
    ['GET CHANNEL STATUS', caps.getChannelStatus],
    ['packet bearer (GPRS or E-UTRAN)', caps.gprsBearer || caps.eUtranBearer],
    ['at least one channel', caps.channels > 0],
    ['TCP or UDP client remote transport', caps.tcpClientRemote || caps.udpClientRemote],
    ['data available event', caps.dataAvailableEvent],
    ['channel status event', caps.channelStatusEvent],
  ];
  const missing = requirements.filter(([, present]) => !present).map(([name]) => name);
  return { ...caps, missing, supportsOtaSession: missing.length === 0 };
}

/**
 * A profile with everything an OTA session over BIP needs. Byte by byte: 1-4 FF (downloads, timer
 * expiration, command result, proactive commands up to PROVIDE LOCAL INFORMATION), 5 1F (SET UP Event
 * LIST, call events, location status event), 6 0C (data available and channel status events),
 * 8 03 (TIMER MANAGEMENT), 12 1F (OPEN/CLOSE CHANNEL, RECEIVE/SEND DATA, GET CHANNEL STATUS),
 * 13 22 (GPRS bearer, 1 channel), 17 43 (TCP and UDP client remote, E-UTRAN bearer).
 */
export const TERMINAL_PROFILE_WITH_BIP = 'FFFFFFFF1F0C00030000001F2200000043000000';

/** The same profile with the BIP bytes (6, 12, 13, 17) cleared: a module that cannot run OTA sessions. */
export const TERMINAL_PROFILE_WITHOUT_BIP = 'FFFFFFFF1F000003000000000000000000000000';
