// `hil stk`: decode STK messages, command APDUs and terminal profiles given as hex.
import type { CliOutput } from '../output/streams.ts';
import { bytesToHex, decodeStk, Ins, parseCommandApdu, StkDecodeError, terminalProfileBip } from '../stk/index.ts';


export const STK_USAGE = `usage: hil stk <command> <hex>...
  decode   decode a proactive command (D0..), an envelope (D1..DF) or a terminal response (01/81..)
  apdu     parse a command APDU, decoding the STK data of ENVELOPE, TERMINAL RESPONSE and TERMINAL PROFILE
  profile  report the BIP capabilities of a TERMINAL PROFILE
The hex may be split over several arguments and contain spaces.`;

const SUBCOMMANDS: ReadonlyMap<string, (hex: string) => unknown> = new Map<string, (hex: string) => unknown>([
  ['decode', decodeStk],
  ['apdu', describeApdu],
  ['profile', terminalProfileBip],
]);

function describeApdu(hex: string): unknown {
  const apdu = parseCommandApdu(hex);
  if (apdu.ins === Ins.ENVELOPE || apdu.ins === Ins.TERMINAL_RESPONSE) return { apdu, stk: decodeStk(apdu.data) };
  if (apdu.ins === Ins.TERMINAL_PROFILE) return { apdu, bip: terminalProfileBip(apdu.data) };
  return { apdu };
}

/** Runs `hil stk ...` with `args` after `stk`; returns the exit code. */
export async function stkCommand(args: string[], out: CliOutput): Promise<number> {
  const [name, ...hexParts] = args;
  if (name === 'help' || name === '--help' || name === '-h') {
    out.stdout(STK_USAGE);
    return 0;
  }
  const run = name === undefined ? undefined : SUBCOMMANDS.get(name);
  if (run === undefined) {
    out.stderr(`hil stk: ${name === undefined ? 'missing command' : `unknown command ${JSON.stringify(name)}`}\n${STK_USAGE}`);
    return 2;
  }
  const hex = hexParts.join(' ');
  if (hex.trim() === '') {
    out.stderr(`hil stk ${name}: missing hex\n${STK_USAGE}`);
    return 2;
  }
  try {
    const json = JSON.stringify(run(hex), (_key, value: unknown) => (value instanceof Uint8Array ? bytesToHex(value) : value), 2);
    out.stdout(json);
    return 0;
  } catch (err) {
    if (!(err instanceof StkDecodeError)) throw err;
    out.stderr(`hil stk ${name}: ${err.message}`);
    return 2;
  }
}
