// Command APDUs and status words of TS 102 221, and their AT+CSIM form (TS 27.007 §8.17).
import { codeTable } from './code-table.ts';
import { StkDecodeError } from './errors.ts';
import { asBytes, byteHex, bytesToHex, concatBytes, type BytesLike } from './hex.ts';

/** Class byte of the toolkit commands. */
export const CLA_TOOLKIT = 0x80;

/**
 * The ENVELOPE the Super SIM documentation gives for forcing an OTA check ("Over-the-Air Updates",
 * triggering an update check): an event download of location status (normal service) from the
 * terminal. A rig's SIM profile may name another (sim.forceCheckApdu); this is the default.
 */
export const DEFAULT_FORCE_CHECK_APDU = '80C2000015D613190103820282811B0100130799F08900010001';

const instructions = codeTable({
  TERMINAL_PROFILE: [0x10, 'TERMINAL PROFILE'],
  FETCH: [0x12, 'FETCH'],
  TERMINAL_RESPONSE: [0x14, 'TERMINAL RESPONSE'],
  ENVELOPE: [0xc2, 'ENVELOPE'],
  SELECT: [0xa4, 'SELECT'],
  STATUS: [0xf2, 'STATUS'],
  READ_BINARY: [0xb0, 'READ BINARY'],
  UPDATE_BINARY: [0xd6, 'UPDATE BINARY'],
  READ_RECORD: [0xb2, 'READ RECORD'],
  UPDATE_RECORD: [0xdc, 'UPDATE RECORD'],
  GET_RESPONSE: [0xc0, 'GET RESPONSE'],
  VERIFY_PIN: [0x20, 'VERIFY PIN'],
  AUTHENTICATE: [0x88, 'AUTHENTICATE'],
  MANAGE_CHANNEL: [0x70, 'MANAGE CHANNEL'],
});
export const Ins = instructions.codes;
export const insName = instructions.nameOf;

export interface CommandApdu {
  cla: number;
  ins: number;
  insName: string;
  p1: number;
  p2: number;
  /** ISO 7816-3 case: 1 header only, 2 with Le, 3 with data, 4 with data and Le. */
  apduCase: 1 | 2 | 3 | 4;
  lc?: number;
  /** Command data, empty for cases 1 and 2. */
  data: Uint8Array;
  /** Expected response length; a Le byte of 00 means 256. */
  le?: number;
}

const HEADER_LENGTH = 4;

/** Parses a short command APDU (extended lengths do not occur between terminal and UICC here). */
export function parseCommandApdu(input: BytesLike): CommandApdu {
  const bytes = asBytes(input);
  if (bytes.length < HEADER_LENGTH) {
    throw new StkDecodeError(bytes.length, `a command APDU needs 4 header bytes, got ${bytes.length}`);
  }
  const [cla, ins, p1, p2] = bytes;
  const header = { cla, ins, insName: insName(ins), p1, p2 };
  const leValue = (b: number) => (b === 0 ? 256 : b);
  if (bytes.length === HEADER_LENGTH) return { ...header, apduCase: 1, data: new Uint8Array(0) };
  if (bytes.length === HEADER_LENGTH + 1) {
    return { ...header, apduCase: 2, data: new Uint8Array(0), le: leValue(bytes[4]!) };
  }
  const lc = bytes[4]!;
  if (lc === 0) throw new StkDecodeError(4, 'Lc 00 followed by data (extended-length APDUs are not supported)');
  const data = bytes.slice(5, 5 + lc);
  if (bytes.length === 5 + lc) return { ...header, apduCase: 3, lc, data };
  if (bytes.length === 6 + lc) return { ...header, apduCase: 4, lc, data, le: leValue(bytes[5 + lc]!) };
  throw new StkDecodeError(4, `Lc ${lc} does not fit the ${bytes.length - 5} byte(s) after it`);
}

function toolkitApdu(ins: number, data: BytesLike): Uint8Array {
  const bytes = asBytes(data);
  if (bytes.length < 1 || bytes.length > 255) {
    throw new RangeError(`${insName(ins)} carries 1..255 bytes of data, not ${bytes.length}`);
  }
  return concatBytes([[CLA_TOOLKIT, ins, 0x00, 0x00, bytes.length], bytes]);
}

/** `80 10 00 00 Lc profile` */
export function buildTerminalProfileApdu(profile: BytesLike): Uint8Array {
  return toolkitApdu(Ins.TERMINAL_PROFILE, profile);
}

/** `80 C2 00 00 Lc envelope` */
export function buildEnvelopeApdu(envelope: BytesLike): Uint8Array {
  return toolkitApdu(Ins.ENVELOPE, envelope);
}

/** `80 14 00 00 Lc response` */
export function buildTerminalResponseApdu(response: BytesLike): Uint8Array {
  return toolkitApdu(Ins.TERMINAL_RESPONSE, response);
}

/** `80 12 00 00 Le`, with `length` the xx of the 91xx that announced the proactive command. */
export function buildFetchApdu(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > 256) {
    throw new RangeError(`FETCH asks for 1..256 bytes, not ${length}`);
  }
  return Uint8Array.from([CLA_TOOLKIT, Ins.FETCH, 0x00, 0x00, length & 0xff]);
}

// ---- status words ----

/** Status words as 16-bit numbers; 91xx, 61xx and 6Cxx carry a length in their second byte. */
export const Sw = {
  OK: 0x9000,
  PROACTIVE_COMMAND_PENDING: 0x9100,
  TOOLKIT_BUSY: 0x9300,
  RESPONSE_AVAILABLE: 0x6100,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  CONDITIONS_OF_USE_NOT_SATISFIED: 0x6985,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  INCORRECT_P1_P2: 0x6a86,
  WRONG_P1_P2: 0x6b00,
  WRONG_LE: 0x6c00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLASS_NOT_SUPPORTED: 0x6e00,
  TECHNICAL_PROBLEM: 0x6f00,
} as const;

const SW_NAMES: ReadonlyMap<number, string> = new Map([
  [Sw.OK, 'ok'],
  [Sw.TOOLKIT_BUSY, 'toolkit busy'],
  [Sw.WRONG_LENGTH, 'wrong length'],
  [Sw.SECURITY_STATUS_NOT_SATISFIED, 'security status not satisfied'],
  [Sw.CONDITIONS_OF_USE_NOT_SATISFIED, 'conditions of use not satisfied'],
  [Sw.INCORRECT_DATA, 'incorrect parameters in the data field'],
  [Sw.FUNCTION_NOT_SUPPORTED, 'function not supported'],
  [Sw.FILE_NOT_FOUND, 'file not found'],
  [Sw.RECORD_NOT_FOUND, 'record not found'],
  [Sw.INCORRECT_P1_P2, 'incorrect parameters P1-P2'],
  [Sw.WRONG_P1_P2, 'wrong parameters P1-P2'],
  [Sw.INS_NOT_SUPPORTED, 'instruction code not supported'],
  [Sw.CLASS_NOT_SUPPORTED, 'class not supported'],
  [Sw.TECHNICAL_PROBLEM, 'technical problem, no precise diagnosis'],
]);

// Status words whose first byte names them and whose second byte is a length.
const SW1_WITH_LENGTH: ReadonlyMap<number, string> = new Map([
  [Sw.PROACTIVE_COMMAND_PENDING >> 8, 'proactive command pending'],
  [Sw.RESPONSE_AVAILABLE >> 8, 'response bytes available'],
  [Sw.WRONG_LE >> 8, 'wrong Le'],
]);

export interface StatusWord {
  sw1: number;
  sw2: number;
  /** Four upper-case hex digits, e.g. '9000'. */
  sw: string;
  name: string;
  /** Normal processing: 9000, 91xx (proactive command pending) or 61xx (response available). */
  ok: boolean;
  /** For 91xx: the length of the pending proactive command, to FETCH. */
  pendingProactiveLength?: number;
}

export function statusWord(sw1: number, sw2: number): StatusWord {
  const value = (sw1 << 8) | sw2;
  const lengthName = SW1_WITH_LENGTH.get(sw1);
  const status: StatusWord = {
    sw1,
    sw2,
    sw: byteHex(sw1) + byteHex(sw2),
    name: lengthName ?? SW_NAMES.get(value) ?? 'unknown status word',
    ok: value === Sw.OK || sw1 === Sw.PROACTIVE_COMMAND_PENDING >> 8 || sw1 === Sw.RESPONSE_AVAILABLE >> 8,
  };
  if (sw1 === Sw.PROACTIVE_COMMAND_PENDING >> 8) status.pendingProactiveLength = sw2;
  return status;
}

// ---- AT+CSIM (TS 27.007 §8.17): the length counts hex characters, not bytes ----

export function csimCommand(apdu: BytesLike): string {
  const hex = bytesToHex(asBytes(apdu));
  return `AT+CSIM=${hex.length},"${hex}"`;
}

export function csimResponse(response: BytesLike): string {
  const hex = bytesToHex(asBytes(response));
  return `+CSIM: ${hex.length},"${hex}"`;
}

export interface CsimPayload {
  length: number;
  /** Upper-case hex. */
  hex: string;
}

export interface CsimResponse extends CsimPayload {
  /** Response data before the status word, upper-case hex. */
  data: string;
  sw1: number;
  sw2: number;
  sw: string;
  swName: string;
  ok: boolean;
  pendingProactiveLength?: number;
}

/** Parses `AT+CSIM=<length>,"<hex>"` (the `AT` may be left out). */
export function parseCsimCommand(line: string): CsimPayload {
  const { length, hex } = parseCsimPayload(line, /^\s*(?:AT)?\+CSIM=\s*/i, 'AT+CSIM=<length>,"<hex>"');
  return { length, hex };
}

/** Parses `+CSIM: <length>,"<hex>"`; the hex ends with the status word. */
export function parseCsimResponse(line: string): CsimResponse {
  const { length, hex, hexAt } = parseCsimPayload(line, /^\s*\+CSIM:\s*/i, '+CSIM: <length>,"<hex>"');
  if (hex.length < 4) {
    throw new StkDecodeError(hexAt, `response ${JSON.stringify(hex)} is too short to hold a status word`, 'character');
  }
  const status = statusWord(parseInt(hex.slice(-4, -2), 16), parseInt(hex.slice(-2), 16));
  const response: CsimResponse = {
    length,
    hex,
    data: hex.slice(0, -4),
    sw1: status.sw1,
    sw2: status.sw2,
    sw: status.sw,
    swName: status.name,
    ok: status.ok,
  };
  if (status.pendingProactiveLength !== undefined) response.pendingProactiveLength = status.pendingProactiveLength;
  return response;
}

/** The `<length>,"<hex>"` after `prefix`, and where the hex starts in `line`. */
function parseCsimPayload(line: string, prefix: RegExp, form: string): CsimPayload & { hexAt: number } {
  const fail = (at: number, reason: string): never => {
    throw new StkDecodeError(at, `${reason} (expected ${form})`, 'character');
  };
  const start = prefix.exec(line);
  if (start === null) return fail(0, `${JSON.stringify(line)} does not start with ${form.split(/[=:]/)[0]}`);
  let at = start[0].length;
  const lengthDigits = /^\d+/.exec(line.slice(at))?.[0];
  if (lengthDigits === undefined) return fail(at, 'missing length');
  const lengthAt = at;
  at += lengthDigits.length;
  const comma = /^\s*,\s*/.exec(line.slice(at))?.[0];
  if (comma === undefined) return fail(at, 'missing "," after the length');
  at += comma.length;
  const quoted = line[at] === '"';
  if (quoted) at++;
  const hexAt = at;
  while (at < line.length && /[0-9A-Fa-f]/.test(line[at]!)) at++;
  const hex = line.slice(hexAt, at).toUpperCase();
  if (quoted) {
    if (line[at] !== '"') return fail(at, 'missing closing quote');
    at++;
  }
  if (line.slice(at).trim() !== '') return fail(at, `unexpected ${JSON.stringify(line[at])} after the hex data`);
  if (hex.length % 2 !== 0) return fail(hexAt, `odd number of hex digits (${hex.length})`);
  const length = Number(lengthDigits);
  if (length !== hex.length) return fail(lengthAt, `length ${length} does not match the ${hex.length} hex characters`);
  return { length, hex, hexAt };
}
