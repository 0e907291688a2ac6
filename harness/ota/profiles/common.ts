// Evidence rules, setup and readers several module profiles share.
import type { EvidenceRule, ModuleProfile, PwrkeyTimings } from '../profiles.ts';

export const PDN_27007: EvidenceRule[] = [
  { kind: 'pdn-up', pattern: '^\\+CGEV: ME PDN ACT (?<cid>\\d+)' },
  { kind: 'pdn-down', pattern: '^\\+CGEV: (?:ME|NW) PDN DEACT (?<cid>\\d+)' },
  // Modules predating EPS PDN events report the context's address and cid.
  { kind: 'pdn-down', pattern: '^\\+CGEV: (?:ME|NW) DEACT "[^"]*","[^"]*",(?<cid>\\d+)' },
];

export const USAT_27007: EvidenceRule[] = [
  { kind: 'proactive-command', pattern: '^\\+CUSATP: ?"?(?<hex>[0-9A-Fa-f]+)"?' },
  { kind: 'proactive-session-end', pattern: '^\\+CUSATEND' },
];

export const SETUP_27007 = ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CUSATA=1', 'AT+CEREG=1'];

/** TS 27.007 +CUSATR: profile storage 1 is the MT's own profile, the one that says what it does itself. */
export const CUSATR = { command: 'AT+CUSATR=1', pattern: '^\\+CUSATR: 1,"?(?<hex>[0-9A-Fa-f]+)' };

/** Quectel BG9x/EG9x share their AT dialect: "+CGEV: PDN ACT <cid>" (no ME), +QUSIM, AT+QCCID, AT+QSTK. */
export const QUECTEL: Omit<ModuleProfile, 'id' | 'description' | 'reenumeratesOnUsb'> = {
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
  // AT+QSTK=1 is stored and applied after a reset, so it is a doctor check, not a setup command.
  checks: [
    {
      what: 'SIM toolkit enabled (AT+QSTK)',
      command: 'AT+QSTK?',
      expect: '^\\+QSTK: 1\\b',
      fix: 'send AT+QSTK=1 once; the module applies it after a reset, so power-cycle it',
    },
  ],
};

/**
 * Quectel hardware design guides: PWRKEY low ≥ 500 ms to start, ≥ 650 ms to shut down. The shutdown
 * wait is conservative: LTE Cat 4 modules may take tens of seconds to detach and power down.
 */
export const QUECTEL_PWRKEY: PwrkeyTimings = { pulseOn: 500, pulseOff: 650, shutdown: 30_000 };
