// BER-TLV and COMPREHENSION-TLV framing (ETSI TS 101 220 §7.1, TS 102 223 annex C).
import { StkDecodeError } from './errors.ts';
import { byteHex, concatBytes } from './hex.ts';

/** The comprehension-required flag of a single-byte COMPREHENSION-TLV tag. */
export const COMPREHENSION_REQUIRED = 0x80;
/** First byte of the three-byte COMPREHENSION-TLV tag format. */
const THREE_BYTE_TAG = 0x7f;
/** Largest value an STK data object (and a short APDU) can carry. */
const MAX_VALUE_LENGTH = 255;

/** One decoded COMPREHENSION-TLV. Offsets count from the start of the whole input. */
export interface Tlv {
  /** Tag value with the comprehension-required bit masked off. */
  tag: number;
  /** Comprehension required: the receiver must reject the message if it cannot handle this tag. */
  cr: boolean;
  value: Uint8Array;
  /** Where the tag starts. */
  offset: number;
  /** Where the value starts. */
  valueOffset: number;
}

interface LengthField {
  length: number;
  /** Offset of the first value byte. */
  next: number;
}

/**
 * Reads a BER length at `at`: one byte 00..7F, or `81 xx`, or `82 xx xx`, and checks that the value
 * fits before `end`.
 */
function readLength(bytes: Uint8Array, at: number, end: number): LengthField {
  if (at >= end) throw new StkDecodeError(at, 'input ends where a length byte should be');
  const first = bytes[at]!;
  let length = first;
  let next = at + 1;
  if (first >= 0x80) {
    const extra = first === 0x81 ? 1 : first === 0x82 ? 2 : 0;
    if (extra === 0) {
      throw new StkDecodeError(at, `bad length byte 0x${byteHex(first)} (expected 00..7F, 81 or 82)`);
    }
    if (at + extra >= end) {
      throw new StkDecodeError(at, `length byte 0x${byteHex(first)} needs ${extra} more byte(s) but the input ends`);
    }
    length = 0;
    for (let i = 1; i <= extra; i++) length = (length << 8) | bytes[at + i]!;
    next = at + 1 + extra;
  }
  if (next + length > end) {
    throw new StkDecodeError(
      at,
      `length 0x${length.toString(16).toUpperCase().padStart(2, '0')} (${length}) runs past the end: only ${end - next} byte(s) follow`,
    );
  }
  return { length, next };
}

/** Decodes the COMPREHENSION-TLVs filling `bytes[start..end)`; anything left over is an error. */
export function decodeComprehensionTlvs(bytes: Uint8Array, start = 0, end = bytes.length): Tlv[] {
  const tlvs: Tlv[] = [];
  let at = start;
  while (at < end) {
    const offset = at;
    const first = bytes[at]!;
    let tag: number;
    let cr: boolean;
    if (first === 0x00 || first === 0x80 || first === 0xff) {
      throw new StkDecodeError(at, `0x${byteHex(first)} is not a valid COMPREHENSION-TLV tag`);
    }
    if (first === THREE_BYTE_TAG) {
      if (at + 2 >= end) throw new StkDecodeError(at, 'three-byte tag (7F xx xx) is cut off');
      cr = (bytes[at + 1]! & COMPREHENSION_REQUIRED) !== 0;
      tag = ((bytes[at + 1]! & 0x7f) << 8) | bytes[at + 2]!;
      if (tag === 0) throw new StkDecodeError(at, 'three-byte tag with tag value 0000');
      at += 3;
    } else {
      cr = (first & COMPREHENSION_REQUIRED) !== 0;
      tag = first & 0x7f;
      at += 1;
    }
    const { length, next } = readLength(bytes, at, end);
    tlvs.push({ tag, cr, value: bytes.subarray(next, next + length), offset, valueOffset: next });
    at = next + length;
  }
  return tlvs;
}

function encodeLength(length: number): number[] {
  if (!Number.isInteger(length) || length < 0 || length > MAX_VALUE_LENGTH) {
    throw new RangeError(`STK data objects hold 0..${MAX_VALUE_LENGTH} bytes, not ${length}`);
  }
  return length < 0x80 ? [length] : [0x81, length];
}

/**
 * Encodes one COMPREHENSION-TLV: a single-byte tag for tag values 01..7E, the three-byte format
 * for larger ones.
 */
export function encodeComprehensionTlv(tag: number, cr: boolean, value: Uint8Array | readonly number[]): Uint8Array {
  if (!Number.isInteger(tag) || tag < 1 || tag > 0x7fff) {
    throw new RangeError(`COMPREHENSION-TLV tag values are 0001..7FFF, not ${tag}`);
  }
  const crBit = cr ? COMPREHENSION_REQUIRED : 0;
  const tagBytes = tag <= 0x7e ? [tag | crBit] : [THREE_BYTE_TAG, (tag >> 8) | crBit, tag & 0xff];
  return concatBytes([tagBytes, encodeLength(value.length), value]);
}

/** The single BER-TLV (D0 proactive command, D1..DF envelope) that must span all of `bytes`. */
export interface BerTlv {
  tag: number;
  valueOffset: number;
  end: number;
}

/** `what` names the expected message in errors, e.g. `a proactive command (D0)`. */
export function decodeBerTlv(bytes: Uint8Array, what: string, acceptsTag: (tag: number) => boolean): BerTlv {
  if (bytes.length === 0) throw new StkDecodeError(0, `empty input, expected ${what}`);
  if (!acceptsTag(bytes[0]!)) throw new StkDecodeError(0, `0x${byteHex(bytes[0]!)} does not start ${what}`);
  const { length, next } = readLength(bytes, 1, bytes.length);
  const end = next + length;
  if (end < bytes.length) {
    throw new StkDecodeError(end, `${bytes.length - end} trailing byte(s) after the end of ${what}`);
  }
  return { tag: bytes[0]!, valueOffset: next, end };
}

export function encodeBerTlv(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes([[tag], encodeLength(value.length), value]);
}
