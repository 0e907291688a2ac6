import { StkDecodeError } from './errors.ts';

/** Bytes as accepted by every decoder and encoder of this module: bytes, byte values or hex text. */
export type BytesLike = Uint8Array | readonly number[] | string;

const HEX_DIGIT = /^[0-9A-Fa-f]$/;
const WHITESPACE = /^\s$/;

/**
 * Hex text to bytes. Whitespace anywhere is ignored and case does not matter; any other
 * character, or an odd number of digits, throws StkDecodeError naming the character position.
 */
export function hexToBytes(hex: string): Uint8Array {
  const digits: number[] = [];
  let lastDigitAt = -1;
  for (let i = 0; i < hex.length; i++) {
    const ch = hex[i]!;
    if (WHITESPACE.test(ch)) continue;
    if (!HEX_DIGIT.test(ch)) {
      throw new StkDecodeError(i, `${JSON.stringify(ch)} is not a hex digit`, 'character');
    }
    digits.push(parseInt(ch, 16));
    lastDigitAt = i;
  }
  if (digits.length % 2 !== 0) {
    throw new StkDecodeError(
      lastDigitAt,
      `odd number of hex digits (${digits.length}): the last digit has no partner`,
      'character',
    );
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (digits[2 * i]! << 4) | digits[2 * i + 1]!;
  return bytes;
}

/** Bytes to upper-case hex without separators. */
export function bytesToHex(bytes: Uint8Array | readonly number[]): string {
  let hex = '';
  for (const b of bytes) hex += byteHex(b);
  return hex;
}

/** One byte as two upper-case hex digits. */
export function byteHex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

export function asBytes(input: BytesLike): Uint8Array {
  if (typeof input === 'string') return hexToBytes(input);
  if (input instanceof Uint8Array) return input;
  const bad = input.find((b) => !Number.isInteger(b) || b < 0 || b > 0xff);
  if (bad !== undefined) throw new RangeError(`${bad} is not a byte value`);
  return Uint8Array.from(input);
}

export function concatBytes(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
