// Value codings shared by several data objects: IP addresses, APN labels, BCD time, PLMN identity.
// Decoders take the value bytes and `at`, the offset of value[0] in the whole input, for errors.
import { StkDecodeError } from './errors.ts';
import { byteHex } from './hex.ts';

export function formatIpv4(bytes: Uint8Array): string {
  return [...bytes].join('.');
}

export function parseIpv4(text: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new RangeError(`${JSON.stringify(text)} is not an IPv4 address`);
  }
  return Uint8Array.from(parts.map(Number));
}

/** RFC 5952 text: lower case, no leading zeros, the first longest run of 2+ zero groups as `::`. */
export function formatIpv6(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** Accepts full, `::`-compressed and IPv4-suffixed (`::ffff:1.2.3.4`) IPv6 text. */
export function parseIpv6(text: string): Uint8Array {
  const invalid = () => new RangeError(`${JSON.stringify(text)} is not an IPv6 address`);
  const halves = text.split('::');
  if (halves.length > 2) throw invalid();
  // an IPv4 suffix may only end the address
  const toGroups = (part: string, mayEndWithIpv4: boolean): number[] => {
    if (part === '') return [];
    const pieces = part.split(':');
    const last = pieces[pieces.length - 1]!;
    const groups: number[] = [];
    if (mayEndWithIpv4 && last.includes('.')) {
      pieces.pop();
      const v4 = parseIpv4(last);
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    }
    if (pieces.some((p) => !/^[0-9A-Fa-f]{1,4}$/.test(p))) throw invalid();
    return [...pieces.map((p) => parseInt(p, 16)), ...groups];
  };
  const head = toGroups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? toGroups(halves[1]!, true) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) throw invalid();
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
}

/** APN from TS 23.003 labels: each label is preceded by its length (`ota.super` = 03 ota 05 super). */
export function decodeApn(value: Uint8Array, at: number): string {
  const labels: string[] = [];
  for (let i = 0; i < value.length; ) {
    const length = value[i]!;
    if (length === 0) throw new StkDecodeError(at + i, 'empty APN label');
    if (i + 1 + length > value.length) {
      throw new StkDecodeError(at + i, `APN label length ${length} runs past the end of the network access name`);
    }
    labels.push(String.fromCharCode(...value.subarray(i + 1, i + 1 + length)));
    i += 1 + length;
  }
  return labels.join('.');
}

export function encodeApn(apn: string): Uint8Array {
  if (apn === '') return new Uint8Array(0);
  const bytes: number[] = [];
  for (const label of apn.split('.')) {
    if (!/^[\x21-\x7e]{1,63}$/.test(label)) {
      throw new RangeError(`APN ${JSON.stringify(apn)} has a label that is empty, too long or not printable ASCII`);
    }
    bytes.push(label.length, ...[...label].map((c) => c.charCodeAt(0)));
  }
  return Uint8Array.from(bytes);
}

/**
 * A timer value (§8.38): hours, minutes, seconds, each two BCD digits with the low digit in the
 * high nibble (semi-octets, as in TS 23.040 time stamps).
 */
export function decodeTimerValue(value: Uint8Array, at: number): number {
  const [hours, minutes, seconds] = [0, 1, 2].map((i) => {
    const b = value[i]!;
    const low = b >> 4;
    const high = b & 0x0f;
    if (low > 9 || high > 9) throw new StkDecodeError(at + i, `0x${byteHex(b)} is not a BCD semi-octet pair`);
    return high * 10 + low;
  }) as [number, number, number];
  if (minutes > 59 || seconds > 59) {
    throw new StkDecodeError(at, `timer value ${hours}:${minutes}:${seconds} has minutes or seconds over 59`);
  }
  return hours * 3600 + minutes * 60 + seconds;
}

export function encodeTimerValue(totalSeconds: number): Uint8Array {
  if (!Number.isInteger(totalSeconds) || totalSeconds < 0 || totalSeconds >= 100 * 3600) {
    throw new RangeError(`a timer value is 0..${100 * 3600 - 1} whole seconds, not ${totalSeconds}`);
  }
  const parts = [Math.floor(totalSeconds / 3600), Math.floor(totalSeconds / 60) % 60, totalSeconds % 60];
  return Uint8Array.from(parts.map((n) => ((n % 10) << 4) | Math.floor(n / 10)));
}

export interface Plmn {
  mcc: string;
  /** Two or three digits. */
  mnc: string;
}

/** MCC and MNC from three BCD bytes (TS 24.008 §10.5.1.3); MNC digit 3 is F for a two-digit MNC. */
export function decodePlmn(value: Uint8Array, at: number): Plmn {
  const nibbles = [0, 1, 2].flatMap((i) => [value[i]! & 0x0f, value[i]! >> 4]);
  const [mcc1, mcc2, mcc3, mnc3, mnc1, mnc2] = nibbles as [number, number, number, number, number, number];
  const digits = [mcc1, mcc2, mcc3, mnc1, mnc2];
  const bad = digits.findIndex((d) => d > 9);
  if (bad >= 0 || (mnc3 > 9 && mnc3 !== 0x0f)) {
    const where = bad >= 0 ? [0, 0, 1, 2, 2][bad]! : 1;
    throw new StkDecodeError(at + where, `0x${byteHex(value[where]!)} is not a BCD digit pair of an MCC/MNC`);
  }
  return { mcc: `${mcc1}${mcc2}${mcc3}`, mnc: `${mnc1}${mnc2}${mnc3 === 0x0f ? '' : mnc3}` };
}

export function encodePlmn({ mcc, mnc }: Plmn): Uint8Array {
  if (!/^\d{3}$/.test(mcc) || !/^\d{2,3}$/.test(mnc)) {
    throw new RangeError(`MCC ${JSON.stringify(mcc)} / MNC ${JSON.stringify(mnc)} are not 3 and 2-3 digits`);
  }
  const d = (s: string, i: number) => (i < s.length ? Number(s[i]) : 0x0f);
  return Uint8Array.from([(d(mcc, 1) << 4) | d(mcc, 0), (d(mnc, 2) << 4) | d(mcc, 2), (d(mnc, 1) << 4) | d(mnc, 0)]);
}
