// Size and range checks shared by the data object codecs.
import { StkDecodeError } from './errors.ts';
import type { Tlv } from './tlv.ts';

/** Throws, pointing at the tag, unless the value has one of `lengths` bytes. */
export function expectLength(tlv: Tlv, what: string, ...lengths: number[]): void {
  if (!lengths.includes(tlv.value.length)) {
    throw new StkDecodeError(tlv.offset, `${what} needs ${lengths.join(' or ')} byte(s), got ${tlv.value.length}`);
  }
}

/** `n` if it is a whole number 0..max; encoders call this on what they are given. */
export function integer(n: number, what: string, max: number): number {
  if (!Number.isInteger(n) || n < 0 || n > max) throw new RangeError(`${what} must be 0..${max}, not ${n}`);
  return n;
}

export function byte(n: number, what: string): number {
  return integer(n, what, 0xff);
}

export function uint16(value: Uint8Array): number {
  return (value[0]! << 8) | value[1]!;
}
