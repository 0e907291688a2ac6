// The UICC: files, and the card side of the SIM toolkit (TS 102 221 APDUs, TS 102 223 protocol).
// The applet queues proactive commands; the card announces them with SW 91xx and hands them out
// on FETCH. When a command becomes pending while no APDU is in progress, the terminal is told so
// it can poll (a real terminal polls with STATUS at the poll interval).
import { parseCommandApdu } from '../stk/index.ts';
import { decodeIccid, decodeImsi, encodeIccid, encodeImsi } from './sim-files.ts';

export const FILE_ICCID = 0x2fe2;
export const FILE_IMSI = 0x6f07;

/** What the card expects of the applet it runs. */
export interface ToolkitApplet {
  /** The terminal sent its TERMINAL PROFILE: the card session has started. */
  start(terminalProfile: Uint8Array): void;
  envelope(data: Uint8Array): void;
  terminalResponse(data: Uint8Array): void;
  /** The card lost power. */
  stop(): void;
}

const SW_OK = [0x90, 0x00];
const SW_FILE_NOT_FOUND = [0x6a, 0x82];
const SW_NO_EF_SELECTED = [0x69, 0x86];
const SW_INS_NOT_SUPPORTED = [0x6d, 0x00];
const SW_CLA_NOT_SUPPORTED = [0x6e, 0x00];
const SW_TECHNICAL_PROBLEM = [0x6f, 0x00];
const SW_WRONG_LENGTH = [0x67, 0x00];
const SW_WRONG_OFFSET = [0x6b, 0x00];

const INS = { SELECT: 0xa4, READ_BINARY: 0xb0, STATUS: 0xf2, TERMINAL_PROFILE: 0x10, ENVELOPE: 0xc2, FETCH: 0x12, TERMINAL_RESPONSE: 0x14 } as const;

export class Uicc {
  private readonly files = new Map<number, Uint8Array>();
  private readonly pending: Uint8Array[] = [];
  private selected: number | undefined;
  private inApdu = false;
  /** Called when a proactive command became pending outside an APDU exchange. */
  onProactivePending: () => void = () => {};

  constructor(iccid: string, imsi: string, private readonly applet: ToolkitApplet) {
    this.files.set(FILE_ICCID, encodeIccid(iccid));
    this.files.set(FILE_IMSI, encodeImsi(imsi));
  }

  get iccid(): string {
    return decodeIccid(this.files.get(FILE_ICCID)!);
  }

  get imsi(): string {
    return decodeImsi(this.files.get(FILE_IMSI)!);
  }

  /** The applet changes the subscription (multi-IMSI switch). */
  writeImsi(imsi: string): void {
    this.files.set(FILE_IMSI, encodeImsi(imsi));
  }

  /** Queue a proactive command for the terminal to fetch. */
  issue(command: Uint8Array): void {
    this.pending.push(command);
    if (!this.inApdu && this.pending.length === 1) this.onProactivePending();
  }

  hasPendingCommand(): boolean {
    return this.pending.length > 0;
  }

  powerOff(): void {
    this.pending.length = 0;
    this.selected = undefined;
    this.applet.stop();
  }

  /** One command APDU in, its response (data followed by SW1 SW2) out. */
  transmit(apdu: Uint8Array): Uint8Array {
    this.inApdu = true;
    try {
      return Uint8Array.from(this.process(apdu));
    } finally {
      this.inApdu = false;
    }
  }

  private process(bytes: Uint8Array): number[] {
    let apdu;
    try {
      apdu = parseCommandApdu(bytes);
    } catch {
      return SW_WRONG_LENGTH;
    }
    if (apdu.cla !== 0x00 && apdu.cla !== 0x80 && apdu.cla !== 0xa0) return SW_CLA_NOT_SUPPORTED;
    switch (apdu.ins) {
      case INS.SELECT:
        return this.select(apdu.data);
      case INS.READ_BINARY:
        return this.readBinary((apdu.p1 << 8) | apdu.p2, apdu.le);
      case INS.STATUS:
        return this.toolkitStatus();
      case INS.TERMINAL_PROFILE:
        this.applet.start(apdu.data);
        return this.toolkitStatus();
      case INS.ENVELOPE:
        this.applet.envelope(apdu.data);
        return this.toolkitStatus();
      case INS.FETCH:
        return this.fetch();
      case INS.TERMINAL_RESPONSE:
        this.applet.terminalResponse(apdu.data);
        return this.toolkitStatus();
      default:
        return SW_INS_NOT_SUPPORTED;
    }
  }

  private select(data: Uint8Array): number[] {
    // A path or a bare file id: the last two bytes name the file.
    const fid = data.length >= 2 ? (data[data.length - 2]! << 8) | data[data.length - 1]! : -1;
    if (fid === 0x3f00 || fid === 0x7fff) return SW_OK;
    if (!this.files.has(fid)) return SW_FILE_NOT_FOUND;
    this.selected = fid;
    return SW_OK;
  }

  /** P1 P2 give the offset into the selected transparent EF (TS 102 221 §11.1.3). */
  private readBinary(offset: number, le: number | undefined): number[] {
    if (this.selected === undefined) return SW_NO_EF_SELECTED;
    const content = this.files.get(this.selected)!;
    if (offset >= content.length) return SW_WRONG_OFFSET;
    return [...content.subarray(offset, offset + (le ?? content.length)), ...SW_OK];
  }

  private fetch(): number[] {
    const command = this.pending.shift();
    if (!command) return SW_TECHNICAL_PROBLEM;
    return [...command, ...SW_OK];
  }

  /** 91xx while a proactive command waits to be fetched, else 9000. */
  private toolkitStatus(): number[] {
    const next = this.pending[0];
    return next ? [0x91, next.length] : SW_OK;
  }
}
