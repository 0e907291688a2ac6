import type { ModuleProfile } from '../profiles.ts';
import { CUSATR, PDN_27007 } from './common.ts';

export const nordicNrf9160: ModuleProfile = {
  id: 'nordic-nrf9160',
  description: 'Nordic nRF9160: %USATEV BIP events and +CGEV PDN events',
  manufacturers: ['Nordic Semiconductor'],
  // "Ready" is the greeting of the serial LTE modem application running on the nRF9160.
  readyMarkers: ['Ready'],
  setup: ['AT+CMEE=1', 'AT+CGEREP=1', 'AT%USATEV=1', 'AT+CEREG=1'],
  urcPrefixes: ['%USATEV:'],
  evidence: [
    ...PDN_27007,
    { kind: 'bip-up', pattern: '^%USATEV: BIP Connected' },
    { kind: 'bip-down', pattern: '^%USATEV: BIP Closed' },
  ],
  iccidCommand: 'AT%XICCID',
  terminalProfile: CUSATR,
  checks: [],
  // A system in package without a PWRKEY line, on a UART: no timings, nothing to re-enumerate.
  reenumeratesOnUsb: false,
  unconfirmed: 'the "Ready" greeting depends on the application firmware, not the modem',
};
