// Named faults the virtual module can be started with. Each breaks one documented behaviour,
// so that every suite can be shown to fail against the matching fault.

export const FAULTS = {
  'no-bip': 'the module lacks BIP support: OPEN CHANNEL is answered with result 30 (beyond terminal capabilities)',
  'timer-survives-power-cycle': "the applet keeps its check deadline across power cycles instead of restarting it",
  'early-check': 'the first check comes 10 s after power-up instead of a minute or two',
  'never-checks': 'the applet never checks for updates on its own and ignores the forced-check envelope',
  'server-unreachable': 'the OTA server cannot be reached: OPEN CHANNEL is answered with result 3A 07',
  'lost-follow-on': 'only the first session of a multi-block update happens',
  'trigger-ignored': 'the applet ignores the forced-check ENVELOPE sent with AT+CSIM (its own timed checks still happen)',
  'no-weekly-recheck': 'the applet never repeats its check while the module stays powered',
  'derives-apn-from-imsi': "after an IMSI switch the module rewrites its data context's APN from the new MCC and MNC",
  'slow-boot': 'the module takes 45 s to boot',
  'line-noise': 'random bytes appear on the serial line',
} as const;

export type FaultName = keyof typeof FAULTS;

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

/** Validates fault names, naming the known ones when one is wrong. */
export function parseFaults(names: readonly string[]): Set<FaultName> {
  const unknown = names.filter((name) => !isFaultName(name));
  if (unknown.length > 0) {
    throw new Error(`unknown fault ${unknown.map((n) => `"${n}"`).join(', ')}; known faults: ${Object.keys(FAULTS).join(', ')}`);
  }
  return new Set(names as FaultName[]);
}
