import type { ModuleProfile } from '../profiles.ts';
import { PDN_27007 } from './common.ts';

export const cinterion: ModuleProfile = {
  id: 'cinterion',
  description: 'Cinterion (Thales) EHS/EXS/ELS/PLS: +CGEV PDN events, ^SYSSTART at boot, every proactive command as ^SSTK once AT^SCFG="SAT/URC" asks',
  manufacturers: ['Cinterion', 'Thales', 'Gemalto'],
  readyMarkers: ['^SYSSTART'],
  // In Automatic Response mode (AT^SSTA=0, the default) the module carries out every proactive command
  // itself; "SAT/URC" 1 only adds a copy of each command and terminal response for the host to read.
  setup: ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT^SCFG="SAT/URC","1"', 'AT+CEREG=1'],
  urcPrefixes: ['^SSTK:', '^SYSSTART'],
  evidenceLevel: 'proactive-commands',
  evidence: [
    ...PDN_27007,
    // ^SSTK: "<hex>",<bytes>,"00" is a proactive command from the card ("01" a terminal response to it),
    // as the Thales BIP test suite (sat_bip_protocol_ar) reads them.
    { kind: 'proactive-command', pattern: '^\\^SSTK: ?"(?<hex>D0[0-9A-Fa-f]+)",\\d+,"00"' },
  ],
  iccidCommand: 'AT^SCID',
  // AT^SSTA? answers <state>,<alphabet>,<allowedInstance>,<SatProfile>[,<userTOut>,<AppType>].
  terminalProfile: { command: 'AT^SSTA?', pattern: '^\\^SSTA: \\d+,\\d+,\\d+,"?(?<hex>[0-9A-Fa-f]+)' },
  checks: [],
  reenumeratesOnUsb: true,
  // Explicit Response mode (AT^SSTA=1, applied after a restart, ^SSTN notifications answered with
  // AT^SSTGI/AT^SSTR) would hand the toolkit to the host; the harness never switches to it.
  unconfirmed: 'USB behaviour varies by family; no PWRKEY timings; the ^SSTK byte count and which families accept "SAT/URC"',
};
