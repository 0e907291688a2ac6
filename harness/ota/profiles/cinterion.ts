import type { ModuleProfile } from '../profiles.ts';
import { PDN_27007 } from './common.ts';

export const cinterion: ModuleProfile = {
  id: 'cinterion',
  description: 'Cinterion (Thales) EXS/ELS/PLS: +CGEV PDN events, ^SYSSTART at boot, ^SSTN toolkit notifications',
  manufacturers: ['Cinterion', 'Thales', 'Gemalto'],
  readyMarkers: ['^SYSSTART'],
  setup: ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CEREG=1'],
  urcPrefixes: ['^SSTN:', '^SYSSTART'],
  evidence: [
    ...PDN_27007,
    // Remote-SAT: "^SSTN: 254" says the card ended its command cycle; any other value is a command type
    // in decimal (64 OPEN CHANNEL), or one plus 100 when the command was terminated.
    { kind: 'proactive-session-end', pattern: '^\\^SSTN: ?254$' },
    { kind: 'proactive-command', pattern: '^\\^SSTN: ?(?<type>\\d+)$' },
  ],
  iccidCommand: 'AT^SCID',
  // AT^SSTA? answers <state>,<alphabet>,<allowedInstance>,<SatProfile>[,<userTOut>,<AppType>].
  terminalProfile: { command: 'AT^SSTA?', pattern: '^\\^SSTA: \\d+,\\d+,\\d+,"?(?<hex>[0-9A-Fa-f]+)' },
  checks: [],
  reenumeratesOnUsb: true,
  unconfirmed:
    'USB behaviour varies by family; no PWRKEY timings. ^SSTN is documented for Remote-SAT in Explicit Response mode (AT^SSTA=1 and a restart), ' +
    'where the host answers each command with AT^SSTGI/AT^SSTR; that the module shows it for the BIP commands it carries out itself ' +
    '(Automatic Response mode, the default) is not confirmed',
};
