// Power monitors: the interface suites measure charge and energy through, the PPK2 driver and its
// protocol, the INA2xx (hwmon) and command-line drivers, and the figures of a window between two rig times.
export type { PowerMonitor } from './monitor.ts';
export { Ppk2Monitor, serialPpk2Link, SAMPLE_PERIOD_KEY, type DigitalAlignment, type Ppk2Link, type Ppk2Options } from './ppk2.ts';
export { CommandMonitor, type CommandFormat, type CommandMonitorOptions } from './command.ts';
export { Ina2xxMonitor, INA2XX_NAMES, type Ina2xxOptions } from './ina2xx.ts';
export { busVolts, currentAmps, expectedCurrentRegister, INA_REGISTER, inaCalibration, powerWatts, shuntVolts, type BusReading, type InaCalibration, type InaChip } from './ina-registers.ts';
export {
  DEFAULT_CALIBRATION, encodeSampleWord, formatMetadata, LINEAR_CALIBRATION, linearWord, parseMetadata, PPK2_ARGUMENT_BYTES, PPK2_COMMAND, ppk2Commands,
  PPK2_SAMPLE_PERIOD_US, Ppk2StreamError, SampleDecoder, wordCurrent, COUNTER_MODULO, type Calibration, type Ppk2Mode, type SampleWord,
} from './ppk2-protocol.ts';
export { CurrentTrace, windowFigures, type Bounded, type TraceBin, type WindowEdges, type WindowFigures } from './trace.ts';
export { DEFAULT_DRAW, DRAW_STATES, type Draw, type DrawState } from './draw.ts';
export { monitorSchema, type AlignConfig, type MonitorConfig } from './config.ts';
export { batteryShare, ENERGY_UNITS, fitsUnit, inUnit, unitsOf, WEEKLY_CHECKS_PER_YEAR, yearlyCharge, type EnergyQuantity } from './units.ts';
