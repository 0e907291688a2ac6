import type { ModuleProfile } from '../profiles.ts';
import { CUSATR, PDN_27007, SETUP_27007, USAT_27007 } from './common.ts';

export const generic27007: ModuleProfile = {
  id: 'generic-27007',
  description: 'TS 27.007 module: +CGEV PDN events, +CUSATP proactive commands',
  manufacturers: [],
  readyMarkers: ['RDY'],
  setup: SETUP_27007,
  urcPrefixes: [],
  evidence: [...PDN_27007, ...USAT_27007],
  iccidCommand: 'AT+CCID',
  terminalProfile: CUSATR,
  checks: [],
  // Nothing is known of its port, so a missing one is waited for as for a USB module.
  reenumeratesOnUsb: true,
  unconfirmed: 'not a real module: no PWRKEY timings, USB behaviour assumed',
};
