// Evidence rules, setup and readers several module profiles share.
import type { ActiveToolkit, EvidenceRule, ModuleProfile, PwrkeyTimings } from '../profiles.ts';

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

/** Verbose errors, PDN events (TS 27.007 §10.1.19 +CGEREP mode 2, buffered events flushed), registration URCs. */
export const SETUP_27007 = ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CEREG=1'];

/**
 * TS 27.007 §12.2 +CUSATA=1 activates the TE profile: the MT hands each proactive command to the host
 * as +CUSATP and the host answers with +CUSATT (§12.4, §12.6); an unanswered OPEN CHANNEL is an OTA
 * session lost. A host that only watches must never send it.
 */
export const TE_PROFILE_27007: ActiveToolkit = {
  level: 'proactive-commands',
  setup: ['AT+CUSATA=1'],
  evidence: USAT_27007,
  answer: { pattern: USAT_27007[0]!.pattern, reply: 'AT+CUSATT="{accept}"' },
  source: '3GPP TS 27.007 §12.2 +CUSATA, §12.4 +CUSATP, §12.6 +CUSATT',
};

/** TS 27.007 +CUSATR: profile storage 1 is the MT's own profile, the one that says what it does itself. */
export const CUSATR = { command: 'AT+CUSATR=1', pattern: '^\\+CUSATR: 1,"?(?<hex>[0-9A-Fa-f]+)' };

/** Quectel BG9x/EG9x share their AT dialect: "+CGEV: PDN ACT <cid>" (no ME), +QUSIM, AT+QCCID, AT+QSTK. */
export const QUECTEL: Omit<ModuleProfile, 'id' | 'description' | 'reenumeratesOnUsb'> = {
  manufacturers: ['Quectel'],
  readyMarkers: ['RDY'],
  setup: SETUP_27007,
  urcPrefixes: ['+QUSIM:', 'SMS DONE'],
  // EC25 AT manual: "+CGEV: PDN ACT <cid>" / "+CGEV: PDN DEACT <cid>", with no ME or NW.
  evidenceLevel: 'pdn',
  evidence: [
    { kind: 'pdn-up', pattern: '^\\+CGEV: (?:ME )?PDN ACT (?<cid>\\d+)' },
    { kind: 'pdn-down', pattern: '^\\+CGEV: (?:ME |NW )?PDN DEACT (?<cid>\\d+)' },
  ],
  activeToolkit: TE_PROFILE_27007,
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
