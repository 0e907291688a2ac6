import type { ModuleProfile } from '../profiles.ts';
import { CUSATR, PDN_27007, SETUP_27007, USAT_27007 } from './common.ts';

export const simcomSim7080: ModuleProfile = {
  id: 'simcom-sim7080',
  description: 'SIMCom SIM7080G (LTE-M/NB-IoT): TS 27.007 +CGEV PDN events and +CUSATP',
  manufacturers: ['SIMCOM'],
  readyMarkers: ['RDY'],
  setup: SETUP_27007,
  urcPrefixes: ['SMS Ready'],
  evidence: [...PDN_27007, ...USAT_27007],
  iccidCommand: 'AT+CCID',
  terminalProfile: CUSATR,
  checks: [],
  reenumeratesOnUsb: true,
  unconfirmed: 'AT+CUSATA/+CUSATP support and the PWRKEY timings (the rig file must set them) are not confirmed from public documentation',
};
