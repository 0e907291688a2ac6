// TS 27.007 §12.2: the USAT commands by which a host takes the SIM toolkit over. AT+CUSATA=1 activates
// the TE profile: from then on the module hands each proactive command to the host as +CUSATP and
// carries it out only once the host answers with AT+CUSATT (toolkit-reporter.ts). Android RILs send
// it precisely to take the toolkit over; a host that only watches must not.
//
// What the module does with the host's answer is a model: a TE that answers "performed" (result 0x)
// has, in TS 102 223 terms, done the command; modules with an internal BIP client do the bearer work
// themselves once the host confirms (as Telit's AT#STSR=64,0 "will start connection"). So a success
// answer makes the module carry the command out and answer the card with its own terminal response
// (a channel that then fails is reported as failed); any other answer goes to the card unchanged.
import { decodeTerminalResponse, hexToBytes, type TerminalResponse } from '../stk/index.ts';
import { CME, fail, intParam, requireSim, splitParams, type Handler } from './at-syntax.ts';
import type { VirtualModule } from './module.ts';
import type { TerminalToolkit } from './toolkit.ts';
import { CUSATT } from './toolkit-reporter.ts';

/** TS 102 223 §8.12: results 0x mean the command was performed. */
const PERFORMED_BELOW = 0x10;

export function teProfileHandlers(module: VirtualModule, toolkit: TerminalToolkit): Record<string, Handler> {
  return {
    // <mode> 0 deactivates the TE profile, 1 activates it. 2 activates it together with the MT profile,
    // each handling the commands its profile lists; with no AT+CUSATW here the TE profile lists every
    // command this module fetches, so 2 hands the host the same commands as 1. A command already handed
    // over stays the host's after AT+CUSATA=0, until it answers or the wait ends.
    '+CUSATA': (form, args) => {
      if (form === '?') return [`+CUSATA: ${module.settings.cusata}`];
      if (form !== '=') return fail();
      module.settings.cusata = intParam(splitParams(args)[0], [0, 1, 2]);
      return [];
    },
    '+CUSATT': (form, args) => {
      if (form !== '=') return fail();
      requireSim(module);
      const pending = toolkit.awaitingHost;
      if (pending?.wait.answer !== CUSATT) return fail(CME.OPERATION_NOT_ALLOWED);
      const bytes = hexArgument(splitParams(args)[0]);
      const response = terminalResponse(bytes);
      // Not the command waiting: refused here rather than left for the card to ignore, which would stall it.
      if (response.number !== pending.head.number || response.type !== pending.head.type) return fail(CME.INCORRECT_PARAMETERS);
      if (response.result.general < PERFORMED_BELOW) toolkit.hostAccepted();
      else toolkit.hostAnswered(bytes);
      return [];
    },
  };
}

function hexArgument(text: string | undefined): Uint8Array {
  if (!text || text.length % 2 !== 0 || !/^[0-9A-F]+$/i.test(text)) return fail(CME.INCORRECT_PARAMETERS);
  return hexToBytes(text);
}

function terminalResponse(bytes: Uint8Array): TerminalResponse {
  try {
    return decodeTerminalResponse(bytes);
  } catch {
    return fail(CME.INCORRECT_PARAMETERS);
  }
}
