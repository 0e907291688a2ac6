import type { ModuleProfile } from '../profiles.ts';
import { CUSATR, PDN_27007 } from './common.ts';

export const nordicNrf9160: ModuleProfile = {
  id: 'nordic-nrf9160',
  description: 'Nordic nRF9160: +CGEV PDN events and %USATEV BIP link events (nRF91 AT commands reference)',
  manufacturers: ['Nordic Semiconductor'],
  // "Ready" is the greeting of the serial LTE modem application running on the nRF9160.
  readyMarkers: ['Ready'],
  // nRF91 AT commands reference (modem firmware v1.2.7 and later): AT%USATEV=1 subscribes to
  // "%USATEV: BIP Connecting/Connected/Closed"; a subscription, it changes nothing the modem does.
  setup: ['AT+CMEE=1', 'AT+CGEREP=1', 'AT%USATEV=1', 'AT+CEREG=1'],
  urcPrefixes: ['%USATEV:'],
  evidenceLevel: 'pdn',
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
  unconfirmed:
    'the "Ready" greeting depends on the application firmware, not the modem; %USATEV on firmware before v1.2.7; ' +
    'the nRF Connect SDK warns that some UICCs fail OTA when the host sends AT+CRSM during the session, so nothing polls the SIM then',
};
