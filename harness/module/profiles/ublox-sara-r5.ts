import type { ModuleProfile } from '../profiles.ts';
import { PDN_27007 } from './common.ts';

export const ubloxSaraR5: ModuleProfile = {
  id: 'ublox-sara-r5',
  description: 'u-blox SARA-R4/R5: +CGEV PDN events; the SIM toolkit mode is the second value of AT+CFUN?',
  manufacturers: ['u-blox'],
  // No boot URC: `AT` answered with OK means ready.
  readyMarkers: [],
  setup: ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CEREG=1'],
  urcPrefixes: ['+STKPRO:', '+STKCNF:', '+STKCC:'],
  // SARA-R4 AT manual: +CGEV PDN events. +STKPRO notifications come only in the modes where the host
  // handles the toolkit (AT+CFUN=6 dedicated, 9 raw), which would take BIP from the module.
  evidenceLevel: 'pdn',
  evidence: PDN_27007,
  iccidCommand: 'AT+CCID',
  terminalProfile: { command: 'AT+STKPROF?', pattern: '^\\+STKPROF: \\d+,"?(?<hex>[0-9A-Fa-f]+)' },
  checks: [
    {
      // SARA-R4 AT manual: mode 7 fetches proactive commands and the module handles them itself; 6
      // (dedicated) and 9 (raw) hand them to the host, which must then answer; 8 stops fetching, so
      // the applet never gets to run.
      what: 'SIM toolkit handled by the module (AT+CFUN? STK mode 7)',
      command: 'AT+CFUN?',
      expect: '^\\+CFUN: \\d+,7\\b',
      fix: 'send AT+CFUN=7 (the module fetches and handles proactive commands itself), then power-cycle it',
    },
  ],
  // SARA-R4 data sheet: PWR_ON low 0.15–3.2 s to start, ≥ 1.5 s to shut down; the supply may be
  // cut only after V_INT falls, some seconds after the off press.
  pwrkey: { pulseOn: 1_000, pulseOff: 2_000, shutdown: 10_000 },
  // AT commands run over the UART; USB serves diagnostics and firmware updates.
  reenumeratesOnUsb: false,
  unconfirmed:
    'PWRKEY timings are the SARA-R4 figures; the absence of a boot URC and the USB role are not confirmed for SARA-R5. ' +
    'Whether BIP carried out by the module shows the host anything beyond +CGEV is not known, nor the +STKPROF answer "<length in bytes>,\"<hex>\"". ' +
    'No end of the proactive session is read, so a refused OPEN CHANNEL is not seen as such',
};
