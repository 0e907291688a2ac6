// INA219/INA226 register decoding against values worked from the data sheets' formats and equations.
import { expect } from 'chai';
import { busVolts, currentAmps, expectedCurrentRegister, inaCalibration, powerWatts, shuntVolts } from '../../harness/energy/ina-registers.ts';

describe('INA219 and INA226 registers', () => {
  it('reads shunt voltages: 10 µV (INA219) and 2.5 µV (INA226) per LSB, two\'s complement', () => {
    for (const [chip, raw, volts] of [
      ['ina219', 0x7d00, 0.32], ['ina219', 0x8300, -0.32], ['ina219', 0xffff, -10e-6], ['ina219', 0x0001, 10e-6],
      ['ina226', 0x7fff, 0.0819175], ['ina226', 0x8000, -0.08192], ['ina226', 0x0fa0, 0.01],
    ] as const) expect(shuntVolts(chip, raw), `${chip} 0x${raw.toString(16)}`).to.be.closeTo(volts, 1e-12);
  });

  it('reads bus voltages: INA219 bits 15–3 at 4 mV with CNVR and OVF, INA226 at 1.25 mV', () => {
    expect(busVolts('ina219', (3000 << 3) | 0b10)).to.deep.equal({ volts: 12, ready: true, overflow: false });
    expect(busVolts('ina219', (8000 << 3) | 0b01)).to.deep.equal({ volts: 32, ready: false, overflow: true });
    expect(busVolts('ina226', 0x7fff).volts).to.be.closeTo(40.95875, 1e-9);
    expect(busVolts('ina226', 2960).volts).to.be.closeTo(3.7, 1e-12);
  });

  it('calibrates: Current_LSB = max / 2^15, CAL from the chip\'s equation', () => {
    const ina219 = inaCalibration('ina219', 0.1, 3.2768);
    expect(ina219.register).to.equal(4096);
    expect(ina219.currentLsb).to.be.closeTo(100e-6, 1e-15);
    expect(ina219.powerLsb).to.be.closeTo(2e-3, 1e-15);
    const ina226 = inaCalibration('ina226', 0.002, 16.384);
    expect(ina226.register).to.equal(5120);
    expect(ina226.powerLsb).to.be.closeTo(12.5e-3, 1e-15);
    expect(inaCalibration('ina219', 0.1, 3).register % 2, 'INA219 bit 0 is not used').to.equal(0);
  });

  it('gives the current the chip computes from its shunt voltage: 10 mV across 0.1 Ω and 2 mΩ', () => {
    const ina219 = inaCalibration('ina219', 0.1, 3.2768);
    const register219 = expectedCurrentRegister('ina219', 1000, ina219);
    expect(currentAmps(register219, ina219)).to.be.closeTo(0.1, 1e-12);
    const ina226 = inaCalibration('ina226', 0.002, 16.384);
    const register226 = expectedCurrentRegister('ina226', 4000, ina226);
    expect(register226).to.equal(10_000);
    expect(currentAmps(register226, ina226)).to.be.closeTo(5, 1e-12);
    expect(currentAmps(0x10000 - 10_000, ina226), 'a reverse current').to.be.closeTo(-5, 1e-12);
    expect(powerWatts(1480, ina226)).to.be.closeTo(18.5, 1e-12);
  });

  it('refuses a calibration that does not fit the register, and a register value beyond 16 bits', () => {
    expect(() => inaCalibration('ina226', 0.000_01, 0.001)).to.throw('ina226 calibration: 0.00001 Ω with 0.001 A gives a calibration outside 1 to 0x7FFF: choose a larger maximum current or another shunt');
    expect(() => inaCalibration('ina219', 0, 1)).to.throw('ina219 calibration: expected a shunt and a maximum current above 0, got 0 Ω and 1 A');
    expect(() => shuntVolts('ina219', 0x10000)).to.throw('INA register value: expected 0 to 0xFFFF, got 65536');
  });
});
