// Elementary-file encodings of the identities a UICC holds (TS 102 221 EF ICCID, TS 31.102 EF IMSI).

function swapNibbles(digits: string): number[] {
  const padded = digits.length % 2 ? `${digits}F` : digits;
  const bytes: number[] = [];
  for (let i = 0; i < padded.length; i += 2) bytes.push(parseInt(padded[i + 1]! + padded[i]!, 16));
  return bytes;
}

function unswapNibbles(bytes: Iterable<number>): string {
  let digits = '';
  for (const byte of bytes) digits += (byte & 0x0f).toString(16) + (byte >> 4).toString(16);
  return digits.replace(/f+$/i, '');
}

/** EF ICCID: 10 bytes, digits nibble-swapped, padded with F. */
export function encodeIccid(iccid: string): Uint8Array {
  const bytes = swapNibbles(iccid);
  while (bytes.length < 10) bytes.push(0xff);
  return Uint8Array.from(bytes);
}

export function decodeIccid(file: Uint8Array): string {
  return unswapNibbles(file).toUpperCase();
}

/** EF IMSI: a length byte, then a parity nibble (9 for an odd digit count, 1 for even) and the digits. */
export function encodeImsi(imsi: string): Uint8Array {
  const parity = imsi.length % 2 ? '9' : '1';
  const body = swapNibbles(parity + imsi);
  return Uint8Array.from([body.length, ...body, ...new Array(8 - body.length).fill(0xff)]);
}

export function decodeImsi(file: Uint8Array): string {
  const length = file[0] ?? 0;
  return unswapNibbles(file.subarray(1, 1 + length)).slice(1);
}

/** Appends the Luhn check digit to a digit string (ICCID and IMEI both use it). */
export function withLuhn(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits + String((10 - (sum % 10)) % 10);
}
