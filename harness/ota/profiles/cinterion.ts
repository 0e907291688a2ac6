import type { ModuleProfile } from '../profiles.ts';
import { PDN_27007 } from './common.ts';

export const cinterion: ModuleProfile = {
  id: 'cinterion',
  description: 'Cinterion (Thales) EXS/ELS/PLS: +CGEV PDN events, ^SYSSTART at boot, ^SSTN toolkit notifications',
  manufacturers: ['Cinterion', 'Thales', 'Gemalto'],
  readyMarkers: ['^SYSSTART'],
  setup: ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CEREG=1'],
  urcPrefixes: ['^SSTN:', '^SYSSTART'],
  evidence: PDN_27007,
  iccidCommand: 'AT^SCID',
  // AT^SSTA? answers <state>,<alphabet>,<allowedInstance>,<SatProfile>.
  terminalProfile: { command: 'AT^SSTA?', pattern: '^\\^SSTA: \\d+,\\d+,\\d+,"?(?<hex>[0-9A-Fa-f]+)' },
  checks: [],
  reenumeratesOnUsb: true,
  unconfirmed: 'USB behaviour varies by family; no PWRKEY timings',
};
