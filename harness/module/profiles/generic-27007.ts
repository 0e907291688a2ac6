import type { ModuleProfile } from '../profiles.ts';
import { CUSATR, PDN_27007, SETUP_27007, TE_PROFILE_27007 } from './common.ts';

export const generic27007: ModuleProfile = {
  id: 'generic-27007',
  description: 'TS 27.007 module: +CGEV PDN events; +CUSATP proactive commands only with a host-side toolkit',
  manufacturers: [],
  readyMarkers: ['RDY'],
  setup: SETUP_27007,
  urcPrefixes: [],
  evidenceLevel: 'pdn',
  evidence: PDN_27007,
  activeToolkit: TE_PROFILE_27007,
  iccidCommand: 'AT+CCID',
  terminalProfile: CUSATR,
  checks: [],
  // Nothing is known of its port, so a missing one is waited for as for a USB module.
  reenumeratesOnUsb: true,
  unconfirmed: 'not a real module: no PWRKEY timings, USB behaviour assumed',
};
