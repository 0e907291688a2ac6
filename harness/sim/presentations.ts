// How a simulated module presents itself on the AT port, one per harness module profile (same ids),
// with the evidence dialects it offers (dialects.ts). Profiles are data so they can be added without
// touching the simulator's logic. `{cid}` in a template is replaced by the context id.
import { canonicalProfileId } from '../module/profiles/aliases.ts';
import type { DialectName } from './dialects.ts';

/** Commands only some profiles know (see vendor-commands.ts); a dialect's toolkit adds its own. */
export type VendorCommand = '%USATEV' | '%XICCID' | '^SCID' | '+STKPROF' | '^SSTA' | '^SCFG' | '#STIA' | '#STSR';

export interface SimulatedModuleProfile {
  id: string;
  manufacturer: string;
  model: string;
  revision: string;
  /** Lines the module prints once it has booted, in order. */
  readyUrcs: string[];
  /** Printed once the SIM is initialised (also after a SIM refresh). */
  simReadyUrcs: string[];
  pdnActivated: string;
  pdnDeactivated: string;
  /** Echo state right after boot: most modules start with ATE1. */
  echoAtBoot: boolean;
  vendorCommands: VendorCommand[];
  /** The evidence dialects this module class offers; the first is the default. */
  dialects: DialectName[];
  /**
   * Accepts TS 27.007 AT+CUSATA / AT+CUSATT: the host can take the toolkit over (te-profile.ts). Only
   * where the maker documents the 27.007 USAT commands or no vendor toolkit interface replaces them.
   */
  teProfile: boolean;
  /** AT+CFUN? adds this SIM toolkit mode after `<fun>` (u-blox: 6, 7 and 9 fetch proactive commands). */
  cfunStkMode?: number;
}

const CGEV_27007 = { pdnActivated: '+CGEV: ME PDN ACT {cid}', pdnDeactivated: '+CGEV: ME PDN DEACT {cid}' };
// Quectel leaves out the ME: "+CGEV: PDN ACT <cid>".
const CGEV_QUECTEL = { pdnActivated: '+CGEV: PDN ACT {cid}', pdnDeactivated: '+CGEV: PDN DEACT {cid}' };
const QUECTEL_SIM_READY = ['+CPIN: READY', '+QUSIM: 1', 'SMS DONE'];

const profiles: SimulatedModuleProfile[] = [
  {
    id: 'generic-27007',
    manufacturer: 'SimOTA',
    model: 'VM-27007',
    revision: 'VM27007R01A01',
    readyUrcs: ['RDY'],
    simReadyUrcs: ['+CPIN: READY'],
    ...CGEV_27007,
    echoAtBoot: true,
    vendorCommands: [],
    dialects: ['pdn-events', 'no-pdn-events'],
    teProfile: true,
  },
  {
    id: 'quectel-bg95',
    manufacturer: 'Quectel',
    model: 'BG95-M3',
    revision: 'BG95M3LAR02A03',
    readyUrcs: ['RDY'],
    simReadyUrcs: QUECTEL_SIM_READY,
    ...CGEV_QUECTEL,
    echoAtBoot: true,
    vendorCommands: [],
    dialects: ['pdn-events', 'no-pdn-events'],
    teProfile: true,
  },
  {
    id: 'quectel-eg25',
    manufacturer: 'Quectel',
    model: 'EG25',
    revision: 'EG25GGBR07A08M2G',
    readyUrcs: ['RDY'],
    simReadyUrcs: QUECTEL_SIM_READY,
    ...CGEV_QUECTEL,
    echoAtBoot: true,
    vendorCommands: [],
    dialects: ['pdn-events', 'no-pdn-events'],
    teProfile: true,
  },
  {
    id: 'ublox-sara-r5',
    manufacturer: 'u-blox',
    model: 'SARA-R510M8S',
    revision: '03.15',
    readyUrcs: [],
    simReadyUrcs: ['+CPIN: READY'],
    ...CGEV_27007,
    echoAtBoot: true,
    vendorCommands: ['+STKPROF'],
    // +STKPRO belongs to the toolkit interface of +CFUN=6/9, where the host answers the commands; that
    // SARA-R5 shows anything for BIP it carries out itself is not found, so it shows PDN events only.
    dialects: ['pdn-events', 'no-pdn-events'],
    teProfile: false,
    // SARA-R4/R5 AT manual, +CFUN=7: toolkit interface off, the module fetches and carries out
    // proactive commands itself, BIP included.
    cfunStkMode: 7,
  },
  {
    id: 'nordic-nrf9160',
    manufacturer: 'Nordic Semiconductor ASA',
    model: 'nRF9160-SICA',
    revision: 'mfw_nrf9160_1.3.5',
    readyUrcs: ['Ready'],
    simReadyUrcs: ['+CPIN: READY'],
    ...CGEV_27007,
    echoAtBoot: false,
    vendorCommands: ['%XICCID'],
    // usat-events: %USATEV (firmware v1.2.7 on, as this revision); pdn-events: the firmware before it.
    dialects: ['usat-events', 'pdn-events'],
    teProfile: false,
  },
  {
    id: 'simcom-sim7080',
    manufacturer: 'SIMCOM_Ltd',
    model: 'SIMCOM_SIM7080G',
    revision: '1951B04SIM7080',
    readyUrcs: ['RDY'],
    simReadyUrcs: ['+CPIN: READY', 'SMS Ready'],
    ...CGEV_27007,
    echoAtBoot: true,
    vendorCommands: [],
    // SIMCom's +CUSATA support is not confirmed; it is kept as for any TS 27.007 module.
    dialects: ['pdn-events', 'no-pdn-events'],
    teProfile: true,
  },
  {
    id: 'cinterion',
    manufacturer: 'Cinterion',
    model: 'EXS82-W',
    revision: 'REVISION 01.200',
    readyUrcs: ['^SYSSTART'],
    simReadyUrcs: ['+CPIN: READY'],
    ...CGEV_27007,
    echoAtBoot: true,
    vendorCommands: ['^SCID', '^SSTA'],
    // Automatic Response mode (AT^SSTA mode 0, the default): the module carries out every command.
    // ^SSTN belongs to Explicit Response mode, where the host answers each command: not modelled.
    dialects: ['proactive-commands'],
    teProfile: false,
  },
  {
    id: 'telit-le910',
    manufacturer: 'Telit',
    model: 'LE910-EU1',
    // The LE910 V2 AT reference's applicability table: LE910-EU1 runs software 20.00.412.
    revision: '20.00.412',
    // Whether LE910 prints a ready line or +CPIN: READY unasked is not confirmed: none here.
    readyUrcs: [],
    simReadyUrcs: [],
    ...CGEV_27007,
    echoAtBoot: true,
    vendorCommands: [],
    dialects: ['toolkit-notifications'],
    teProfile: false,
  },
];

export const SIMULATED_PROFILES: Record<string, SimulatedModuleProfile> = Object.fromEntries(profiles.map((profile) => [profile.id, profile]));

/** The simulated module of profile `id`, or of the id it is an alias of (`quectel` → `quectel-bg95`). */
export function simulatedProfile(id: string): SimulatedModuleProfile {
  const profile = SIMULATED_PROFILES[canonicalProfileId(id)];
  if (!profile) throw new Error(`unknown simulated module profile "${id}"; known: ${Object.keys(SIMULATED_PROFILES).join(', ')}`);
  return profile;
}

export function fillCid(template: string, cid: number): string {
  return template.replaceAll('{cid}', String(cid));
}

