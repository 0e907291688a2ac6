// INA219 and INA226 register decoding, for a transport that reads the chips' registers over I²C
// directly rather than through the kernel's ina2xx driver. From TI's data sheets: INA219 (SBOS448),
// "Programming the Calibration Register" and "Register Details"; INA226 (SBOS547), "Programming"
// and "Register Details". Registers are 16 bits, sent most significant byte first.

export type InaChip = 'ina219' | 'ina226';

/** Register pointers, the same on both chips. */
export const INA_REGISTER = { configuration: 0x00, shuntVoltage: 0x01, busVoltage: 0x02, power: 0x03, current: 0x04, calibration: 0x05 } as const;

interface ChipConstants {
  /** Volts per shunt voltage register LSB: INA219 10 µV, INA226 2.5 µV. */
  shuntLsb: number;
  /** Volts per bus voltage LSB: INA219 4 mV (bits 15–3), INA226 1.25 mV (bits 14–0). */
  busLsb: number;
  busShift: number;
  /** The calibration equation's constant: CAL = trunc(k / (Current_LSB × R_SHUNT)), INA219 0.04096, INA226 0.00512. */
  calibrationConstant: number;
  /** Current = ShuntVoltage × CAL / this: INA219 4096, INA226 2048. */
  currentDivisor: number;
  /** Power_LSB = this × Current_LSB: INA219 20, INA226 25. */
  powerFactor: number;
  /** The INA219's calibration bit 0 is not used and reads 0. */
  calibrationMask: number;
}

const CHIPS: Record<InaChip, ChipConstants> = {
  ina219: { shuntLsb: 10e-6, busLsb: 4e-3, busShift: 3, calibrationConstant: 0.04096, currentDivisor: 4096, powerFactor: 20, calibrationMask: 0xfffe },
  ina226: { shuntLsb: 2.5e-6, busLsb: 1.25e-3, busShift: 0, calibrationConstant: 0.00512, currentDivisor: 2048, powerFactor: 25, calibrationMask: 0x7fff },
};

const signed16 = (raw: number) => checkRaw(raw) << 16 >> 16;

function checkRaw(raw: number): number {
  if (!Number.isInteger(raw) || raw < 0 || raw > 0xffff) throw new RangeError(`INA register value: expected 0 to 0xFFFF, got ${raw}`);
  return raw;
}

export interface InaCalibration {
  /** The calibration register's value. */
  register: number;
  /** Amperes per current register LSB. */
  currentLsb: number;
  /** Watts per power register LSB. */
  powerLsb: number;
}

/**
 * The calibration for a shunt and the largest current expected: Current_LSB = max / 2¹⁵, and CAL
 * from the chip's calibration equation, truncated.
 */
export function inaCalibration(chip: InaChip, shuntOhms: number, maxAmperes: number): InaCalibration {
  const c = CHIPS[chip];
  if (!(shuntOhms > 0) || !(maxAmperes > 0)) throw new RangeError(`${chip} calibration: expected a shunt and a maximum current above 0, got ${shuntOhms} Ω and ${maxAmperes} A`);
  const currentLsb = maxAmperes / 2 ** 15;
  const register = Math.trunc(c.calibrationConstant / (currentLsb * shuntOhms)) & c.calibrationMask;
  if (register < 1 || c.calibrationConstant / (currentLsb * shuntOhms) > c.calibrationMask) {
    throw new RangeError(`${chip} calibration: ${shuntOhms} Ω with ${maxAmperes} A gives a calibration outside 1 to 0x${c.calibrationMask.toString(16).toUpperCase()}: choose a larger maximum current or another shunt`);
  }
  return { register, currentLsb, powerLsb: c.powerFactor * currentLsb };
}

/** Volts across the shunt (the register is two's complement; on the INA219 at PGA /8, full 16 bits). */
export const shuntVolts = (chip: InaChip, raw: number) => signed16(raw) * CHIPS[chip].shuntLsb;

export interface BusReading {
  volts: number;
  /** INA219 CNVR: a conversion completed since the power or current register was last read. */
  ready?: boolean;
  /** INA219 OVF: the power or current calculation overflowed, so those registers are meaningless. */
  overflow?: boolean;
}

export function busVolts(chip: InaChip, raw: number): BusReading {
  const c = CHIPS[chip];
  const value = checkRaw(raw);
  const volts = (value >> c.busShift) * c.busLsb;
  if (chip === 'ina226') return { volts };
  return { volts, ready: (value & 0b10) !== 0, overflow: (value & 0b01) !== 0 };
}

/** Amperes from the current register (two's complement). */
export const currentAmps = (raw: number, calibration: InaCalibration) => signed16(raw) * calibration.currentLsb;

/** Watts from the power register (unsigned). */
export const powerWatts = (raw: number, calibration: InaCalibration) => checkRaw(raw) * calibration.powerLsb;

/** The current register the chip computes from a shunt voltage register and its calibration. */
export const expectedCurrentRegister = (chip: InaChip, shuntRaw: number, calibration: InaCalibration) => Math.trunc((signed16(shuntRaw) * calibration.register) / CHIPS[chip].currentDivisor);
