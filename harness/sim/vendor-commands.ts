// Commands only some module classes know: the profile's own (ICCID and terminal profile reads) and
// those of its dialect's toolkit evidence (dialects.ts), each as its maker documents it.
import { CommandType, encodeTerminalResponse, ResultCode, TerminalUnableCause } from '../stk/index.ts';
import { CME, fail, iccidHandler, intParam, splitParams, type Handler } from './at-syntax.ts';
import type { ToolkitEvidence } from './dialects.ts';
import type { VirtualModule } from './module.ts';
import type { VendorCommand } from './presentations.ts';
import type { TerminalToolkit } from './toolkit.ts';
import { STSR } from './toolkit-reporter.ts';

/** The commands that turn each kind of toolkit evidence on. */
export const TOOLKIT_COMMANDS: Record<ToolkitEvidence, VendorCommand[]> = {
  sstk: ['^SCFG'],
  stn: ['#STIA', '#STSR'],
  usatev: ['%USATEV'],
};

/** The test-form (`=?`) answers of the vendor commands that have one here. */
export const VENDOR_RANGES: Partial<Record<VendorCommand, string>> = {
  '%USATEV': '%USATEV: (0,1)',
  '#STIA': '#STIA: (0-3),(1-255)',
};

/** Telit #STIA <timeout>: 1 to 255 minutes. */
const STIA_TIMEOUT_MIN = { min: 1, max: 255 };
/**
 * Telit AT#STSR <userAction> for OPEN CHANNEL: 0 accept ("will start connection"), 34 reject; also 16
 * (session ended by the user) and 32 (unable). Each non-zero value is the TS 102 223 result in decimal.
 */
const STSR_OPEN_CHANNEL_ACTIONS = [0, ResultCode.TERMINATED_BY_USER, ResultCode.TERMINAL_UNABLE, ResultCode.USER_DID_NOT_ACCEPT];

/** A read form showing the terminal profile; setting it is not offered. */
const terminalProfileRead = (line: () => string): Handler => (form) => (form === '?' ? [line()] : fail(CME.OPERATION_NOT_SUPPORTED));

export function vendorHandlers(module: VirtualModule, toolkit: TerminalToolkit): Record<VendorCommand, Handler> {
  const satUrc = () => `^SCFG: "SAT/URC","${module.settings.satUrc ? 1 : 0}"`;
  return {
    // nRF91 AT reference: %USATEV=<subscribe>[,<event_mask>]; the mask's last digit selects BIP events.
    '%USATEV': (form, args) => {
      if (form === '?') return [`%USATEV: ${module.settings.usatEvents ? 1 : 0}`];
      if (form !== '=') return fail();
      const [subscribe, mask] = splitParams(args);
      module.settings.usatEvents = intParam(subscribe, [0, 1]) === 1 && (mask === undefined || mask.endsWith('1'));
      return [];
    },
    '%XICCID': iccidHandler(module, '%XICCID'),
    '^SCID': iccidHandler(module, '^SCID'),
    // u-blox: the terminal profile and its length in bytes.
    '+STKPROF': terminalProfileRead(() => `+STKPROF: ${module.terminalProfile.length / 2},"${module.terminalProfile}"`),
    // Cinterion Remote-SAT: state 1 (off: Automatic Response mode, the module answers the card itself),
    // GSM alphabet, this instance allowed, the terminal profile, no user timeout, a USIM application.
    '^SSTA': terminalProfileRead(() => `^SSTA: 1,0,1,"${module.terminalProfile}",0,2`),
    // Cinterion AT^SCFG: of its many parameters only "SAT/URC" (^SSTK lines) is modelled. The read
    // answer ^SCFG: "SAT/URC","1" is the Thales test's; echoing the setting on write follows ^SCFG's
    // other parameters (unconfirmed for this one).
    '^SCFG': (form, args) => {
      if (form === '?') return [satUrc()];
      if (form !== '=') return fail();
      const [parameter, value] = splitParams(args);
      if (parameter?.toUpperCase() !== 'SAT/URC') return fail(CME.INCORRECT_PARAMETERS);
      if (value !== undefined) module.settings.satUrc = intParam(value, [0, 1]) === 1;
      return [satUrc()];
    },
    // Telit AT#STIA=<mode>[,<timeout>]: 0 SAT off, 1 on without #STN, 2 extended #STN, 3 reduced #STN.
    // Whether mode 0 also stops the module's own BIP is not confirmed: here it does not. The read
    // answer <state>,<mode>,<timeout>,<SatProfile> follows the GM862/UC864 references (state 0: the
    // card never sent SET UP MENU).
    '#STIA': (form, args) => {
      const { stiaMode, stiaTimeoutMin } = module.settings;
      if (form === '?') return [`#STIA: 0,${stiaMode},${stiaTimeoutMin},${module.terminalProfile}`];
      if (form !== '=') return fail();
      const [mode, timeout] = splitParams(args);
      module.settings.stiaMode = intParam(mode, [0, 1, 2, 3]);
      if (timeout !== undefined && timeout !== '') {
        const minutes = intParam(timeout);
        if (minutes < STIA_TIMEOUT_MIN.min || minutes > STIA_TIMEOUT_MIN.max) return fail(CME.INCORRECT_PARAMETERS);
        module.settings.stiaTimeoutMin = minutes;
      }
      return [];
    },
    // Telit AT#STSR=<cmdType>,<userAction>: answers the OPEN CHANNEL an #STN: 64 announced. For the
    // commands that need no answer the manual says "AT#STSR=<cmdType>,0 will answer OK but do nothing".
    '#STSR': (form, args) => {
      if (form !== '=') return fail();
      const [typeText, actionText] = splitParams(args);
      const type = intParam(typeText);
      const pending = toolkit.awaitingHost;
      if (pending?.wait.answer !== STSR || pending.head.type !== type) return type === CommandType.OPEN_CHANNEL ? fail(CME.OPERATION_NOT_ALLOWED) : [];
      const action = intParam(actionText || '0', STSR_OPEN_CHANNEL_ACTIONS);
      if (action === 0) toolkit.hostAccepted();
      else {
        const additional = action === ResultCode.TERMINAL_UNABLE ? { additional: [TerminalUnableCause.NO_SPECIFIC_CAUSE] } : {};
        toolkit.hostAnswered(encodeTerminalResponse({ ...pending.head, result: { general: action, ...additional } }));
      }
      return [];
    },
  };
}
