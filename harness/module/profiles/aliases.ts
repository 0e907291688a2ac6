// Earlier module profile ids, still accepted in rig files and by the simulator.
export const PROFILE_ALIASES: Readonly<Record<string, string>> = {
  quectel: 'quectel-bg95',
  'nordic-nrf91': 'nordic-nrf9160',
  'u-blox': 'ublox-sara-r5',
};

export function canonicalProfileId(id: string): string {
  return PROFILE_ALIASES[id] ?? id;
}
