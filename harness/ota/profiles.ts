// Module profiles: what a module shows the host of an OTA session, and how to turn that on.
// Profiles are data; evidence rules are regular expressions with named groups (cid, hex).

export type EvidenceKind = 'pdn-up' | 'pdn-down' | 'proactive-command' | 'proactive-session-end' | 'bip-up' | 'bip-down';

export interface EvidenceRule {
  kind: EvidenceKind;
  pattern: string;
}

export interface ModuleProfile {
  id: string;
  description: string;
  /** Lines that say the module has booted; without one, `AT` answered with OK means ready. */
  readyMarkers: string[];
  /** Sent after every boot to turn on the evidence below. */
  setup: string[];
  /** URC prefixes beyond the engine's defaults. */
  urcPrefixes: string[];
  evidence: EvidenceRule[];
  /** Command that reads the ICCID (vendors disagree). */
  iccidCommand: string;
}

const PDN_27007: EvidenceRule[] = [
  { kind: 'pdn-up', pattern: '^\\+CGEV: ME PDN ACT (?<cid>\\d+)' },
  { kind: 'pdn-down', pattern: '^\\+CGEV: (?:ME|NW) PDN DEACT (?<cid>\\d+)' },
  // Modules predating EPS PDN events report the context's address and cid.
  { kind: 'pdn-down', pattern: '^\\+CGEV: (?:ME|NW) DEACT "[^"]*","[^"]*",(?<cid>\\d+)' },
];

const USAT_27007: EvidenceRule[] = [
  { kind: 'proactive-command', pattern: '^\\+CUSATP: ?"?(?<hex>[0-9A-Fa-f]+)"?' },
  { kind: 'proactive-session-end', pattern: '^\\+CUSATEND' },
];

const SETUP_27007 = ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CUSATA=1', 'AT+CEREG=1'];

export const MODULE_PROFILES: Record<string, ModuleProfile> = {
  'generic-27007': {
    id: 'generic-27007',
    description: 'TS 27.007 module: +CGEV PDN events, +CUSATP proactive commands',
    readyMarkers: ['RDY'],
    setup: SETUP_27007,
    urcPrefixes: [],
    evidence: [...PDN_27007, ...USAT_27007],
    iccidCommand: 'AT+CCID',
  },
  quectel: {
    id: 'quectel',
    description: 'Quectel BG9x/EG9x: "+CGEV: PDN ACT <cid>", +QUSIM on SIM re-initialisation',
    readyMarkers: ['RDY'],
    setup: SETUP_27007,
    urcPrefixes: ['+QUSIM:', 'SMS DONE'],
    evidence: [
      { kind: 'pdn-up', pattern: '^\\+CGEV: (?:ME )?PDN ACT (?<cid>\\d+)' },
      { kind: 'pdn-down', pattern: '^\\+CGEV: (?:ME |NW )?PDN DEACT (?<cid>\\d+)' },
      ...USAT_27007,
    ],
    iccidCommand: 'AT+QCCID',
  },
  'nordic-nrf91': {
    id: 'nordic-nrf91',
    description: 'Nordic nRF91: %USATEV BIP events and +CGEV PDN events',
    readyMarkers: ['Ready'],
    setup: ['AT+CMEE=1', 'AT+CGEREP=1', 'AT%USATEV=1', 'AT+CEREG=1'],
    urcPrefixes: ['%USATEV:'],
    evidence: [
      ...PDN_27007,
      { kind: 'bip-up', pattern: '^%USATEV: BIP Connected' },
      { kind: 'bip-down', pattern: '^%USATEV: BIP Closed' },
    ],
    iccidCommand: 'AT%XICCID',
  },
};

export function moduleProfile(id: string): ModuleProfile {
  const profile = MODULE_PROFILES[id];
  if (!profile) throw new Error(`unknown module profile "${id}"; known: ${Object.keys(MODULE_PROFILES).join(', ')}`);
  return profile;
}
