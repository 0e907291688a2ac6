// How a simulated module presents itself on the AT port. Profiles are data so dialects can be added
// without touching the simulator's logic. `{cid}` in a template is replaced by the context id.

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
}

export const SIMULATED_PROFILES: Record<string, SimulatedModuleProfile> = {
  'generic-27007': {
    id: 'generic-27007',
    manufacturer: 'SimOTA',
    model: 'VM-27007',
    revision: 'VM27007R01A01',
    readyUrcs: ['RDY'],
    simReadyUrcs: ['+CPIN: READY'],
    pdnActivated: '+CGEV: ME PDN ACT {cid}',
    pdnDeactivated: '+CGEV: ME PDN DEACT {cid}',
    echoAtBoot: true,
  },
  // Quectel dialect: "+CGEV: PDN ACT <cid>" and "+QUSIM: 1" on SIM (re)initialisation.
  'quectel': {
    id: 'quectel',
    manufacturer: 'Quectel',
    model: 'BG95-M3',
    revision: 'BG95M3LAR02A03',
    readyUrcs: ['RDY'],
    simReadyUrcs: ['+CPIN: READY', '+QUSIM: 1', 'SMS DONE'],
    pdnActivated: '+CGEV: PDN ACT {cid}',
    pdnDeactivated: '+CGEV: PDN DEACT {cid}',
    echoAtBoot: true,
  },
};

export function simulatedProfile(id: string): SimulatedModuleProfile {
  const profile = SIMULATED_PROFILES[id];
  if (!profile) throw new Error(`unknown simulated module profile "${id}"; known: ${Object.keys(SIMULATED_PROFILES).join(', ')}`);
  return profile;
}

export function fillCid(template: string, cid: number): string {
  return template.replaceAll('{cid}', String(cid));
}
