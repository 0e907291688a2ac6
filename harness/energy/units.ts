// The units energy figures are declared in, and the conversions from coulombs, joules and amperes.

/** Per unit of each quantity, how many of the SI unit (C, J, A) make one. */
export const ENERGY_UNITS = {
  charge: { C: 1, mC: 1e-3, µC: 1e-6, uC: 1e-6, mAh: 3.6, µAh: 3.6e-3, uAh: 3.6e-3 },
  energy: { J: 1, mJ: 1e-3, µJ: 1e-6, uJ: 1e-6, mWh: 3.6 },
  current: { A: 1, mA: 1e-3, µA: 1e-6, uA: 1e-6 },
  /** A yearly cost of charge. */
  yearly: { 'mAh/year': 3.6, 'µAh/year': 3.6e-3, 'uAh/year': 3.6e-3 },
  share: { '%': 0.01 },
} as const;

export type EnergyQuantity = keyof typeof ENERGY_UNITS;

export function unitsOf(quantity: EnergyQuantity): string[] {
  return Object.keys(ENERGY_UNITS[quantity]);
}

export function fitsUnit(quantity: EnergyQuantity, unit: string): boolean {
  return Object.hasOwn(ENERGY_UNITS[quantity], unit);
}

/** An SI value in `unit`, to 6 significant figures. */
export function inUnit(quantity: EnergyQuantity, si: number, unit: string): number {
  const per = (ENERGY_UNITS[quantity] as Record<string, number>)[unit];
  if (per === undefined) throw new RangeError(`${unit} is not a unit of ${quantity} (${unitsOf(quantity).join(', ')})`);
  return Number((si / per).toPrecision(6));
}

const SECONDS_PER_YEAR = 365.25 * 86_400;
/** A weekly check: the checks in a year. */
export const WEEKLY_CHECKS_PER_YEAR = SECONDS_PER_YEAR / (7 * 86_400);

/** Coulombs a year of `checksPerYear` checks costs, each drawing `charge` coulombs. */
export const yearlyCharge = (charge: number, checksPerYear: number) => charge * checksPerYear;

/** The fraction of a battery of `capacityMah` a yearly charge (coulombs) takes. */
export const batteryShare = (yearlyCoulombs: number, capacityMah: number) => yearlyCoulombs / (capacityMah * 3.6);
