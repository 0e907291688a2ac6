// The `monitor:` block of a rig file: which power monitor measures the module's supply, and how.
import { z } from 'zod';
import { expecting } from '../config/index.ts';
import { DRAW_STATES, type DrawState } from './draw.ts';
import { VDD_RANGE_MV } from './ppk2-protocol.ts';

const supplyVoltage = z.number().min(VDD_RANGE_MV.min / 1000, expecting(`a supply voltage of ${VDD_RANGE_MV.min / 1000} to ${VDD_RANGE_MV.max / 1000} V`)).max(VDD_RANGE_MV.max / 1000, expecting(`a supply voltage of ${VDD_RANGE_MV.min / 1000} to ${VDD_RANGE_MV.max / 1000} V`));
const mode = z.enum(['ampere', 'source']).default('ampere');

const drawSchema = z.partialRecord(z.enum(DRAW_STATES as unknown as [DrawState, ...DrawState[]]), z.number().nonnegative().max(5, expecting('amperes, at most 5')));

export const monitorSchema = z.discriminatedUnion('driver', [
  /** A Nordic PPK2 on its serial port. */
  z.strictObject({ driver: z.literal('ppk2'), path: z.string().min(1), mode, supplyVoltage }),
  /**
   * A virtual PPK2 in this process, speaking the PPK2 protocol, fed by the current model of the
   * built-in simulator (serial.path virtual); `draw` sets the model's amperes per state. A `hil sim
   * --ppk2 PATH` is a `ppk2` on PATH.
   */
  z.strictObject({ driver: z.literal('virtual'), mode, supplyVoltage, draw: drawSchema.optional() }),
]);

export type MonitorConfig = z.output<typeof monitorSchema>;
