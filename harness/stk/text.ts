// Alpha identifier text (TS 102 223 §8.2): the SMS default alphabet unpacked (TS 23.038), or one
// of the three UCS2 codings of TS 102 221 annex A, which start with 80, 81 or 82.
import { StkDecodeError } from './errors.ts';
import { byteHex } from './hex.ts';

// Basic table indexed by code; 1B is the escape to the extension table and never maps to itself.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_ESCAPE = 0x1b;
const GSM_EXTENSION: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const GSM_ENCODING: ReadonlyMap<string, number[]> = new Map([
  ...[...GSM_BASIC].flatMap((ch, code): [string, number[]][] => (code === GSM_ESCAPE ? [] : [[ch, [code]]])),
  ...[...GSM_EXTENSION].map(([code, ch]): [string, number[]] => [ch, [GSM_ESCAPE, code]]),
]);

const UCS2 = 0x80;
const UCS2_WITH_HALF_BASE = 0x81;
const UCS2_WITH_FULL_BASE = 0x82;
/** Unused bytes at the end of an alpha identifier are FF. */
const PADDING = 0xff;

/**
 * Decodes characters coded as SMS default alphabet bytes (bit 8 clear) or, when `ucs2Base` is
 * given, as offsets from a UCS2 base (bit 8 set). `at` is the offset of bytes[0] in the input.
 */
function decodeCharacters(bytes: Uint8Array, at: number, ucs2Base?: number): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) {
      if (ucs2Base === undefined) {
        throw new StkDecodeError(at + i, `0x${byteHex(b)} is not an SMS default alphabet character`);
      }
      text += String.fromCharCode(ucs2Base + (b & 0x7f));
    } else if (b === GSM_ESCAPE) {
      const next = bytes[++i];
      if (next === undefined || next >= 0x80) {
        throw new StkDecodeError(at + i - 1, 'escape (1B) not followed by an SMS default alphabet code');
      }
      // TS 23.038: an escape to an undefined extension shows the basic-table character
      text += GSM_EXTENSION.get(next) ?? GSM_BASIC[next];
    } else {
      text += GSM_BASIC[b];
    }
  }
  return text;
}

function withoutPadding(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === PADDING) end--;
  return bytes.subarray(0, end);
}

export function decodeAlphaId(value: Uint8Array, at: number): string {
  const coding = value[0];
  if (coding === UCS2) {
    const units = value.subarray(1);
    const usable = units.length - (units.length % 2);
    if (usable !== units.length && units[usable] !== PADDING) {
      throw new StkDecodeError(at + value.length - 1, 'UCS2 text has an odd number of bytes');
    }
    let text = '';
    for (let i = 0; i < usable; i += 2) text += String.fromCharCode((units[i]! << 8) | units[i + 1]!);
    return text.replace(/\uFFFF+$/, '');
  }
  if (coding === UCS2_WITH_HALF_BASE || coding === UCS2_WITH_FULL_BASE) {
    const headerLength = coding === UCS2_WITH_HALF_BASE ? 3 : 4;
    if (value.length < headerLength) {
      throw new StkDecodeError(at, `UCS2 text coded with ${byteHex(coding)} needs a ${headerLength}-byte header`);
    }
    const count = value[1]!;
    if (headerLength + count > value.length) {
      throw new StkDecodeError(at + 1, `UCS2 text announces ${count} characters but has ${value.length - headerLength}`);
    }
    // 81: the base pointer byte gives bits 15..8 of a base whose bit 16 and bits 7..1 are 0
    const base = coding === UCS2_WITH_HALF_BASE ? value[2]! << 7 : (value[2]! << 8) | value[3]!;
    return decodeCharacters(value.subarray(headerLength, headerLength + count), at + headerLength, base);
  }
  return decodeCharacters(withoutPadding(value), at);
}

/** SMS default alphabet when every character has a code there, UCS2 (80) otherwise. */
export function encodeAlphaId(text: string): Uint8Array {
  const gsm: number[] = [];
  for (const ch of text) {
    const codes = GSM_ENCODING.get(ch);
    if (codes === undefined) return encodeUcs2(text);
    gsm.push(...codes);
  }
  return Uint8Array.from(gsm);
}

function encodeUcs2(text: string): Uint8Array {
  const bytes = [UCS2];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes.push(unit >> 8, unit & 0xff);
  }
  return Uint8Array.from(bytes);
}
