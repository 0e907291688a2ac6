import type { ModuleProfile } from '../profiles.ts';
import { CUSATR, PDN_27007, SETUP_27007, TE_PROFILE_27007 } from './common.ts';

export const simcomSim7080: ModuleProfile = {
  id: 'simcom-sim7080',
  description: 'SIMCom SIM7080G (LTE-M/NB-IoT): TS 27.007 +CGEV PDN events ("+CGEV: ME PDN DEACT 1" seen in a module log)',
  manufacturers: ['SIMCOM'],
  readyMarkers: ['RDY'],
  setup: SETUP_27007,
  urcPrefixes: ['SMS Ready'],
  evidenceLevel: 'pdn',
  evidence: PDN_27007,
  activeToolkit: TE_PROFILE_27007,
  iccidCommand: 'AT+CCID',
  terminalProfile: CUSATR,
  checks: [],
  reenumeratesOnUsb: true,
  unconfirmed: 'AT+CUSATA/+CUSATP/+CUSATT support (the active toolkit mode) and the PWRKEY timings (the rig file must set them) are not confirmed from public documentation',
};
