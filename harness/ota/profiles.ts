// Module profiles: what a module shows the host of an OTA session, how to turn that on, how to read
// its SIM toolkit settings, and how long its PWRKEY is pressed. Profiles are data; patterns are
// regular expressions with named groups (cid, hex).

export type EvidenceKind = 'pdn-up' | 'pdn-down' | 'proactive-command' | 'proactive-session-end' | 'bip-up' | 'bip-down';

export interface EvidenceRule {
  kind: EvidenceKind;
  pattern: string;
}

/** A stored module setting the OTA session depends on: `hil doctor` reads it and prints the fix. */
export interface ModuleCheck {
  what: string;
  command: string;
  /** Matched against the answer's information lines. */
  expect: string;
  fix: string;
}

export interface PwrkeyTimings {
  /** Press length that switches the module on, in ms. */
  pulseOn: number;
  /** Press length that starts the module's shutdown, in ms. */
  pulseOff: number;
  /** Time from the off press until the supply may be cut, in ms. */
  shutdown: number;
}

export interface ModuleProfile {
  id: string;
  description: string;
  /** +CGMI answers of the modules this profile is for. */
  manufacturers: string[];
  /** Lines that say the module has booted; without one, `AT` answered with OK means ready. */
  readyMarkers: string[];
  /** Sent after every boot to turn on the evidence below. */
  setup: string[];
  /** URC prefixes beyond the engine's defaults. */
  urcPrefixes: string[];
  evidence: EvidenceRule[];
  /** Command that reads the ICCID (vendors disagree). */
  iccidCommand: string;
  /** How to read the TERMINAL PROFILE the module gives the SIM; the pattern's `hex` group holds it. */
  terminalProfile: { command: string; pattern: string };
  checks: ModuleCheck[];
  /** From the vendor's hardware design guide; a rig file may override each. */
  pwrkey?: PwrkeyTimings;
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

/** TS 27.007 +CUSATR: profile storage 1 is the MT's own profile, the one that says what it does itself. */
const CUSATR = { command: 'AT+CUSATR=1', pattern: '^\\+CUSATR: 1,"?(?<hex>[0-9A-Fa-f]+)' };

export const MODULE_PROFILES: Record<string, ModuleProfile> = {
  'generic-27007': {
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
  },
  quectel: {
    id: 'quectel',
    description: 'Quectel BG9x/EG9x: "+CGEV: PDN ACT <cid>", +QUSIM on SIM re-initialisation, toolkit behind AT+QSTK',
    manufacturers: ['Quectel'],
    readyMarkers: ['RDY'],
    setup: SETUP_27007,
    urcPrefixes: ['+QUSIM:', 'SMS DONE'],
    evidence: [
      { kind: 'pdn-up', pattern: '^\\+CGEV: (?:ME )?PDN ACT (?<cid>\\d+)' },
      { kind: 'pdn-down', pattern: '^\\+CGEV: (?:ME |NW )?PDN DEACT (?<cid>\\d+)' },
      ...USAT_27007,
    ],
    iccidCommand: 'AT+QCCID',
    terminalProfile: CUSATR,
    checks: [
      {
        what: 'SIM toolkit enabled (AT+QSTK)',
        command: 'AT+QSTK?',
        expect: '^\\+QSTK: 1\\b',
        fix: 'send AT+QSTK=1 once; the module applies it after a reset, so power-cycle it',
      },
    ],
    // Hardware design guides: PWRKEY low ≥ 500 ms to start, ≥ 650 ms to shut down. The shutdown
    // wait is conservative: LTE Cat 4 modules may take tens of seconds to detach and power down.
    pwrkey: { pulseOn: 500, pulseOff: 650, shutdown: 30_000 },
  },
  'nordic-nrf91': {
    id: 'nordic-nrf91',
    description: 'Nordic nRF91: %USATEV BIP events and +CGEV PDN events',
    manufacturers: ['Nordic Semiconductor'],
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
  },
  'u-blox': {
    id: 'u-blox',
    description: 'u-blox SARA-R4/R5: +CGEV PDN events; the SIM toolkit mode is the second value of AT+CFUN?; +STKPRO notifications',
    manufacturers: ['u-blox'],
    readyMarkers: [],
    setup: ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CEREG=1'],
    urcPrefixes: ['+STKPRO:', '+STKCNF:', '+STKCC:'],
    evidence: PDN_27007,
    iccidCommand: 'AT+CCID',
    terminalProfile: { command: 'AT+STKPROF?', pattern: '^\\+STKPROF: \\d+,"?(?<hex>[0-9A-Fa-f]+)' },
    checks: [
      {
        // Modes 6, 7 and 9 fetch proactive commands; mode 8 stops fetching, so the applet never gets to run.
        what: 'SIM toolkit fetches proactive commands (AT+CFUN? STK mode 6, 7 or 9)',
        command: 'AT+CFUN?',
        expect: '^\\+CFUN: \\d+,[679]\\b',
        fix: 'send AT+CFUN=7 (the module handles proactive commands itself) or AT+CFUN=6, then power-cycle it',
      },
    ],
    // SARA-R4 data sheet: PWR_ON low 0.15–3.2 s to start, ≥ 1.5 s to shut down; the supply may be
    // cut only after V_INT falls, some seconds after the off press.
    pwrkey: { pulseOn: 1_000, pulseOff: 2_000, shutdown: 10_000 },
  },
  cinterion: {
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
  },
};

export function moduleProfile(id: string): ModuleProfile {
  const profile = MODULE_PROFILES[id];
  if (!profile) throw new Error(`unknown module profile "${id}"; known: ${Object.keys(MODULE_PROFILES).join(', ')}`);
  return profile;
}
