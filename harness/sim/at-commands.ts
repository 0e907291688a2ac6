// The module's AT command interpreter (V.250 framing, TS 27.007 commands).
// Echo is byte by byte as characters arrive, like a real module; responses use verbose (V1) format.
import { bytesToHex, hexToBytes } from '../stk/index.ts';
import { CME, CommandError, fail, iccidHandler, intParam, requireSim, splitParams, type CmeError, type Handler } from './at-syntax.ts';
import type { VendorCommand } from './presentations.ts';
import { teProfileHandlers } from './te-profile.ts';
import { TOOLKIT_COMMANDS, VENDOR_RANGES, vendorHandlers } from './vendor-commands.ts';
import type { TerminalToolkit } from './toolkit.ts';
import type { VirtualModule } from './module.ts';
import { FILE_ICCID, FILE_IMSI } from './uicc.ts';

const MAX_LINE = 2048;
/** EPS bearer ids start at 5 (TS 24.007); each context here gets its own. */
const BEARER_ID_OFFSET = 4;

/** Splits `+CMEE=1;+CGEREP=2,1` into its commands; basic commands stay with the first. */
function splitCommands(body: string): string[] {
  const commands: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of body) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      commands.push(current);
      current = '';
    } else current += ch;
  }
  if (current || commands.length === 0) commands.push(current);
  return commands;
}

export class AtInterpreter {
  private line = '';
  private readonly teHandlers: Record<string, Handler>;
  private readonly vendorHandlers: Record<VendorCommand, Handler>;
  /** The profile's vendor commands and its dialect's toolkit commands. */
  private readonly vendorCommands: VendorCommand[];

  constructor(private readonly module: VirtualModule, private readonly toolkit: TerminalToolkit) {
    this.teHandlers = module.profile.teProfile ? teProfileHandlers(module, toolkit) : {};
    this.vendorHandlers = vendorHandlers(module, toolkit);
    const toolkitEvidence = module.dialect.toolkit;
    this.vendorCommands = [...module.profile.vendorCommands, ...(toolkitEvidence ? TOOLKIT_COMMANDS[toolkitEvidence] : [])];
  }

  reset(): void {
    this.line = '';
  }

  input(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (this.module.settings.echo) this.module.send(Uint8Array.of(byte));
      if (byte === 0x0d) {
        const line = this.line;
        this.line = '';
        this.execute(line);
      } else if (byte === 0x08 || byte === 0x7f) {
        this.line = this.line.slice(0, -1);
      } else if (byte !== 0x0a && this.line.length < MAX_LINE) {
        this.line += String.fromCharCode(byte);
      }
    }
  }

  private execute(raw: string): void {
    // V.250: anything before the "AT" prefix is ignored; a line without it is not a command.
    const start = raw.toUpperCase().indexOf('AT');
    if (start < 0) return;
    const body = raw.slice(start + 2);
    const lines: string[] = [];
    try {
      for (const command of splitCommands(body)) lines.push(...this.run(command.trim()));
      this.reply(lines, 'OK');
    } catch (error) {
      this.reply(lines, error instanceof CommandError ? this.errorText(error.cme) : 'ERROR');
    }
  }

  private reply(lines: string[], final: string): void {
    let text = '';
    for (const line of lines) text += `\r\n${line}\r\n`;
    this.module.send(`${text}\r\n${final}\r\n`);
  }

  private errorText(cme: CmeError | 'ERROR'): string {
    const mode = this.module.settings.cmee;
    if (cme === 'ERROR' || mode === 0) return 'ERROR';
    return mode === 1 ? `+CME ERROR: ${cme[0]}` : `+CME ERROR: ${cme[1]}`;
  }

  /** One command of a line; returns its information lines or throws CommandError. */
  private run(command: string): string[] {
    if (command === '') return [];
    if (!/^[+%^#]/.test(command)) return this.basic(command.toUpperCase());
    const match = /^([+%^#][A-Z0-9]+)(=\?|\?|=)?(.*)$/i.exec(command);
    if (!match) return fail(CME.OPERATION_NOT_SUPPORTED);
    const name = match[1]!.toUpperCase();
    const form = match[2] ?? '';
    const args = match[3] ?? '';
    if (form === '=?') return this.test(name);
    const handler = this.handler(name);
    if (!handler) return fail(CME.OPERATION_NOT_SUPPORTED);
    return handler(form, args);
  }

  /** The handler of an extended command: the common ones, the TE profile's where offered, and this module's vendor ones. */
  private handler(name: string): Handler | undefined {
    if (this.handlers[name]) return this.handlers[name];
    if (this.teHandlers[name]) return this.teHandlers[name];
    const vendor = this.vendorCommands.find((command) => command === name);
    return vendor ? this.vendorHandlers[vendor] : undefined;
  }

  /** Basic (V.250) commands such as E0, I, Z, possibly several in one line; anything else is an error. */
  private basic(text: string): string[] {
    const lines: string[] = [];
    for (let rest = text; rest !== ''; ) {
      const [command, letter, digits] = /^\s*(&?[A-Z])(\d*)\s*/.exec(rest) ?? fail();
      rest = rest.slice(command.length);
      const value = digits === '' ? 0 : Number(digits);
      switch (letter) {
        case 'E':
          if (value > 1) fail();
          this.module.settings.echo = value === 1;
          break;
        case 'V':
          if (value !== 1) fail(); // numeric result codes are not offered
          break;
        case 'Q':
          if (value !== 0) fail();
          break;
        case 'Z':
          this.module.resetSettings();
          break;
        case 'I':
          lines.push(this.module.profile.manufacturer, this.module.profile.model, `Revision: ${this.module.profile.revision}`);
          break;
        default:
          fail();
      }
    }
    return lines;
  }

  private test(name: string): string[] {
    const ranges: Record<string, string> = {
      '+CMEE': '+CMEE: (0-2)',
      '+CEREG': '+CEREG: (0-2)',
      '+CGEREP': '+CGEREP: (0-2),(0,1)',
      '+CFUN': '+CFUN: (0,1,4),(0,1)',
      '+CGDCONT': '+CGDCONT: (1-15),"IP",,,(0),(0)',
      '+CGACT': '+CGACT: (0,1)',
      '+CUSATA': '+CUSATA: (0-2)',
      '+CUSATR': '+CUSATR: (1,2)',
      ...VENDOR_RANGES,
    };
    if (!this.handler(name)) return fail(CME.OPERATION_NOT_SUPPORTED);
    return ranges[name] ? [ranges[name]] : [];
  }

  private requireSim(): void {
    requireSim(this.module);
  }

  private readonly identity = (text: () => string) => (form: string) => (form === '' ? [text()] : fail());

  private readonly iccid = (prefix: string): Handler => (form, args) => iccidHandler(this.module, prefix)(form, args);

  /** Read (`?`) and set (`=`) of one numeric setting. */
  private readonly setting = (name: string, key: 'cmee' | 'cereg', allowed: readonly number[], read: () => string) =>
    (form: string, args: string) => {
      if (form === '?') return [`${name}: ${read()}`];
      if (form !== '=') return fail();
      this.module.settings[key] = intParam(splitParams(args)[0], allowed);
      return [];
    };

  private readonly handlers: Record<string, Handler> = {
    '+CGMI': this.identity(() => this.module.profile.manufacturer),
    '+GMI': this.identity(() => this.module.profile.manufacturer),
    '+CGMM': this.identity(() => this.module.profile.model),
    '+GMM': this.identity(() => this.module.profile.model),
    '+CGMR': this.identity(() => this.module.profile.revision),
    '+GMR': this.identity(() => this.module.profile.revision),
    '+CGSN': this.identity(() => this.module.imei),
    '+GSN': this.identity(() => this.module.imei),
    '+CIMI': (form) => {
      if (form !== '') fail();
      this.requireSim();
      return [this.module.uicc.imsi];
    },
    '+CCID': this.iccid('+CCID'),
    '+ICCID': this.iccid('+ICCID'),
    '+QCCID': this.iccid('+QCCID'),
    '+CPIN': (form) => {
      if (form !== '?') fail();
      this.requireSim();
      return ['+CPIN: READY'];
    },
    '+CMEE': this.setting('+CMEE', 'cmee', [0, 1, 2], () => String(this.module.settings.cmee)),
    '+CEREG': this.setting('+CEREG', 'cereg', [0, 1, 2], () => `${this.module.settings.cereg},${this.module.registrationInfo()}`),
    '+CGEREP': (form, args) => {
      if (form === '?') return [`+CGEREP: ${this.module.settings.cgerep},${this.module.settings.cgerepBfr}`];
      if (form !== '=') return fail();
      const [mode, buffer] = splitParams(args);
      this.module.settings.cgerep = intParam(mode, [0, 1, 2]);
      // No events are buffered while reporting is off, so <bfr> has nothing to flush: it is only kept.
      if (buffer !== undefined && buffer !== '') this.module.settings.cgerepBfr = intParam(buffer, [0, 1]);
      return [];
    },
    '+CFUN': (form, args) => {
      if (form === '?') {
        const stkMode = this.module.profile.cfunStkMode;
        return [`+CFUN: ${this.module.functionality}${stkMode === undefined ? '' : `,${stkMode}`}`];
      }
      if (form !== '=') return fail();
      const [fun, reset] = splitParams(args);
      const level = intParam(fun, [0, 1, 4]);
      if (reset !== undefined && intParam(reset, [0, 1]) === 1) {
        // Answer first, then restart: the OK is the last thing the host hears before the reboot.
        this.module.later(0, () => this.module.restart());
        return [];
      }
      this.module.setFunctionality(level);
      return [];
    },
    '+COPS': (form) => {
      if (form !== '?') return fail(CME.OPERATION_NOT_SUPPORTED);
      return [this.module.hasService() ? '+COPS: 0,0,"Virtual Operator",7' : '+COPS: 0'];
    },
    '+CGDCONT': (form, args) => this.cgdcont(form, args),
    '+CGACT': (form, args) => this.cgact(form, args),
    '+CGCONTRDP': (form, args) => this.cgcontrdp(form, args),
    '+CSIM': (form, args) => {
      if (form !== '=') return fail();
      const [length, hex] = splitParams(args);
      const apduHex = hex ?? '';
      if (intParam(length) !== apduHex.length || apduHex.length % 2 !== 0 || !/^[0-9A-F]*$/i.test(apduHex)) fail(CME.INCORRECT_PARAMETERS);
      this.requireSim();
      const response = bytesToHex(this.module.uicc.transmit(hexToBytes(apduHex)));
      // The card may now hold a proactive command (91xx): the module's toolkit fetches it.
      if (response.startsWith('91')) this.module.later(0, () => this.toolkit.poll());
      return [`+CSIM: ${response.length},"${response}"`];
    },
    '+CRSM': (form, args) => this.crsm(form, args),
    '+CUSATE': (form, args) => {
      if (form !== '=') return fail();
      this.requireSim();
      const response = this.toolkit.envelope(hexToBytes(splitParams(args)[0] ?? ''));
      const busy = response.at(-2) === 0x93 ? 1 : 0;
      return [`+CUSATE: "${bytesToHex(response.subarray(0, response.length - 2))}",${busy}`];
    },
    // The MT profile (1) and the MT default profile (2) are the same: the host adds nothing (no +CUSATW).
    '+CUSATR': (form, args) => {
      if (form !== '' && form !== '=') return fail();
      const storages = form === '' ? [1, 2] : [intParam(splitParams(args)[0], [1, 2])];
      return storages.map((storage) => `+CUSATR: ${storage},"${this.module.terminalProfile}"`);
    },
  };

  private cgdcont(form: string, args: string): string[] {
    const contexts = this.module.contexts;
    if (form === '?') {
      return [...contexts.values()].sort((a, b) => a.cid - b.cid).map((c) => `+CGDCONT: ${c.cid},"${c.type}","${c.apn}","0.0.0.0",0,0`);
    }
    if (form !== '=') return fail();
    const [cidText, type, apn] = splitParams(args);
    const cid = intParam(cidText);
    if (cid < 1 || cid > 15) return fail(CME.INVALID_INDEX);
    if (contexts.get(cid)?.active) return fail(CME.OPERATION_NOT_ALLOWED);
    if (type === undefined) contexts.delete(cid);
    else contexts.set(cid, { cid, type: type || 'IP', apn: apn ?? '', active: false, dynamic: false });
    return [];
  }

  /**
   * TS 27.007 §10.1.23: cid, bearer id, APN and "local address and subnet mask" of each active context,
   * or of the one asked for (nothing while it is down). The addresses are the simulated network's.
   */
  private cgcontrdp(form: string, args: string): string[] {
    if (form !== '' && form !== '=') return fail();
    const wanted = form === '=' && args.trim() !== '' ? intParam(splitParams(args)[0]) : undefined;
    return [...this.module.contexts.values()]
      .filter((c) => c.active && (wanted === undefined || c.cid === wanted))
      .sort((a, b) => a.cid - b.cid)
      .map((c) => `+CGCONTRDP: ${c.cid},${c.cid + BEARER_ID_OFFSET},"${c.apn}","10.64.${c.cid}.2.255.255.255.0"`);
  }

  private cgact(form: string, args: string): string[] {
    if (form === '?') {
      return [...this.module.contexts.values()].sort((a, b) => a.cid - b.cid).map((c) => `+CGACT: ${c.cid},${c.active ? 1 : 0}`);
    }
    if (form !== '=') return fail();
    const [stateText, ...cids] = splitParams(args);
    const state = intParam(stateText, [0, 1]);
    const targets = cids.length > 0 && cids[0] !== '' ? cids.map((c) => intParam(c)) : [...this.module.contexts.keys()];
    for (const cid of targets) if (!this.module.contexts.has(cid)) fail(CME.INVALID_INDEX);
    if (state === 1 && !this.module.hasService()) return fail(CME.NO_NETWORK_SERVICE);
    for (const cid of targets) {
      if (state === 1) this.module.activateContext(cid);
      else this.module.deactivateContext(cid);
    }
    return [];
  }

  /** +CRSM: READ BINARY (176) and STATUS (242) of the files this card holds; SW as decimals. */
  private crsm(form: string, args: string): string[] {
    if (form !== '=') return fail();
    this.requireSim();
    const [commandText, fileText, p1, p2, p3] = splitParams(args);
    const command = intParam(commandText);
    const uicc = this.module.uicc;
    const sw = (response: Uint8Array) => {
      const data = bytesToHex(response.subarray(0, response.length - 2));
      return `+CRSM: ${response.at(-2)},${response.at(-1)}${data ? `,"${data}"` : ''}`;
    };
    if (command === 242) return [sw(uicc.transmit(Uint8Array.of(0x80, 0xf2, 0x00, 0x00, 0x00)))];
    if (command !== 176) return [sw(Uint8Array.of(0x6d, 0x00))];
    const fileId = intParam(fileText);
    if (fileId !== FILE_ICCID && fileId !== FILE_IMSI) return [sw(Uint8Array.of(0x6a, 0x82))];
    const selected = uicc.transmit(Uint8Array.of(0x00, 0xa4, 0x00, 0x04, 0x02, fileId >> 8, fileId & 0xff));
    if (selected.at(-2) !== 0x90) return [sw(selected)];
    const le = p3 === undefined ? 0 : intParam(p3);
    return [sw(uicc.transmit(Uint8Array.of(0x00, 0xb0, intParam(p1 ?? '0'), intParam(p2 ?? '0'), le)))];
  }
}
