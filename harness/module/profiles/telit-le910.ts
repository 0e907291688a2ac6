import type { ModuleProfile } from '../profiles.ts';
import { CUSATR, PDN_27007, SETUP_27007 } from './common.ts';

export const telitLe910: ModuleProfile = {
  id: 'telit-le910',
  description: 'Telit LE910 family: +CGEV PDN events; #STN toolkit notifications only with a host-side toolkit (AT#STIA)',
  manufacturers: ['Telit'],
  readyMarkers: [],
  setup: SETUP_27007,
  urcPrefixes: ['#STN:'],
  evidenceLevel: 'pdn',
  evidence: PDN_27007,
  // LE910 V2 AT reference: AT#STIA=2 turns on #STN: <type> notifications, and an OPEN CHANNEL
  // (#STN: 64) starts only once the host accepts it with AT#STSR=64,0.
  activeToolkit: {
    level: 'toolkit-notifications',
    setup: ['AT#STIA=2'],
    evidence: [{ kind: 'proactive-command', pattern: '^#STN: ?(?<type>\\d+)\\b' }],
    answer: { pattern: '^#STN: ?(?<type>\\d+)\\b', reply: 'AT#STSR={type},0' },
    source: 'Telit LE910 V2 AT commands reference: #STIA, #STN, #STSR',
  },
  iccidCommand: 'AT+CCID',
  terminalProfile: CUSATR,
  checks: [],
  reenumeratesOnUsb: true,
  unconfirmed: 'PWRKEY timings, the ready marker, AT+CUSATR, and which #STN types need an answer besides OPEN CHANNEL',
};
