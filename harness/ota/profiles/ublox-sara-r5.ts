import type { ModuleProfile } from '../profiles.ts';
import { PDN_27007 } from './common.ts';

export const ubloxSaraR5: ModuleProfile = {
  id: 'ublox-sara-r5',
  description: 'u-blox SARA-R4/R5: +CGEV PDN events, +STKPRO proactive command notifications; the SIM toolkit mode is the second value of AT+CFUN?',
  manufacturers: ['u-blox'],
  // No boot URC: `AT` answered with OK means ready.
  readyMarkers: [],
  setup: ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CEREG=1'],
  urcPrefixes: ['+STKPRO:', '+STKCNF:', '+STKCC:'],
  evidence: [
    ...PDN_27007,
    // "+STKPRO: <proactive_cmd>,...": the command type in decimal (64 OPEN CHANNEL, 65 CLOSE CHANNEL).
    { kind: 'proactive-command', pattern: '^\\+STKPRO: ?(?<type>\\d+)\\b' },
  ],
  iccidCommand: 'AT+CCID',
  terminalProfile: { command: 'AT+STKPROF?', pattern: '^\\+STKPROF: \\d+,"?(?<hex>[0-9A-Fa-f]+)' },
  checks: [
    {
      // Modes 6, 7 and 9 fetch proactive commands; mode 8 stops fetching, so the applet never gets to run.
      what: 'SIM toolkit fetches proactive commands (AT+CFUN? STK mode 6, 7 or 9)',
      command: 'AT+CFUN?',
      expect: '^\\+CFUN: \\d+,[679]\\b',
      fix: 'send AT+CFUN=7 (the module handles proactive commands itself) or AT+CFUN=6, then power-cycle it',
    },
  ],
  // SARA-R4 data sheet: PWR_ON low 0.15–3.2 s to start, ≥ 1.5 s to shut down; the supply may be
  // cut only after V_INT falls, some seconds after the off press.
  pwrkey: { pulseOn: 1_000, pulseOff: 2_000, shutdown: 10_000 },
  // AT commands run over the UART; USB serves diagnostics and firmware updates.
  reenumeratesOnUsb: false,
  unconfirmed:
    'PWRKEY timings are the SARA-R4 figures; the absence of a boot URC and the USB role are not confirmed for SARA-R5. ' +
    '+STKPRO is documented for the dedicated STK mode (AT+CFUN=6); that SARA-R5 shows it for the BIP commands it carries out itself, ' +
    'and what follows the command type, are not confirmed; nor is the +STKPROF answer "<length in bytes>,\"<hex>\"". ' +
    'No end of the proactive session is read (+STKCNF\'s fields are not confirmed), so a refused OPEN CHANNEL is not seen as such',
};
