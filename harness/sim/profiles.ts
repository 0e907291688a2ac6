// How a simulated module presents itself on the AT port, one dialect per harness module profile
// (same ids). Profiles are data so dialects can be added without touching the simulator's logic.
// `{cid}` in a template is replaced by the context id, `{type}` by a proactive command's type in decimal.
import { canonicalProfileId } from '../ota/profiles/aliases.ts';

/** Commands only some dialects know (see AtInterpreter's vendor handlers). */
export type VendorCommand = '%USATEV' | '%XICCID' | '^SCID' | '+STKPROF' | '^SSTA';

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
  /** Printed when a BIP channel opens and closes, once AT%USATEV=1 asks for them. */
  bipUrcs?: { connected: string; closed: string };
  /**
   * The module's own notifications of its SIM toolkit, printed whatever AT+CUSATA says: `command` for
   * each proactive command it fetches, `sessionEnd` when the card has no further command.
   */
  toolkitUrcs?: { command: string; sessionEnd?: string };
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
    toolkitUrcs: { command: '+STKPRO: {type}' },
    // Mode 7: the module carries out proactive commands itself, BIP included.
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
    vendorCommands: ['%USATEV', '%XICCID'],
    bipUrcs: { connected: '%USATEV: BIP Connected', closed: '%USATEV: BIP Closed' },
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
    toolkitUrcs: { command: '^SSTN: {type}', sessionEnd: '^SSTN: 254' },
  },
];

export const SIMULATED_PROFILES: Record<string, SimulatedModuleProfile> = Object.fromEntries(profiles.map((profile) => [profile.id, profile]));

/** The dialect of `id`, or of the id it is an alias of (`quectel` → `quectel-bg95`). */
export function simulatedProfile(id: string): SimulatedModuleProfile {
  const profile = SIMULATED_PROFILES[canonicalProfileId(id)];
  if (!profile) throw new Error(`unknown simulated module profile "${id}"; known: ${Object.keys(SIMULATED_PROFILES).join(', ')}`);
  return profile;
}

export function fillCid(template: string, cid: number): string {
  return template.replaceAll('{cid}', String(cid));
}

export function fillType(template: string, type: number): string {
  return template.replaceAll('{type}', String(type));
}
