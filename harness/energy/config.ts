// The `monitor:` block of a rig file: which power monitor measures the module's supply, and how.
import { z } from 'zod';
import { expecting } from '../config/index.ts';
import { DRAW_STATES, type DrawState } from './draw.ts';
import { VDD_RANGE_MV } from './ppk2-protocol.ts';

const supplyVoltage = z.number().min(VDD_RANGE_MV.min / 1000, expecting(`a supply voltage of ${VDD_RANGE_MV.min / 1000} to ${VDD_RANGE_MV.max / 1000} V`)).max(VDD_RANGE_MV.max / 1000, expecting(`a supply voltage of ${VDD_RANGE_MV.min / 1000} to ${VDD_RANGE_MV.max / 1000} V`));
const mode = z.enum(['ampere', 'source']).default('ampere');

const drawSchema = z.partialRecord(z.enum(DRAW_STATES as unknown as [DrawState, ...DrawState[]]), z.number().nonnegative().max(5, expecting('amperes, at most 5')));

/** A GPIO line as the rig file names it elsewhere (harness/rig/rig-file.ts): by chip and offset, or by its sysfs number. */
const gpioLine = z.union([z.strictObject({ chip: z.string().min(1).optional(), line: z.number().int().nonnegative() }), z.strictObject({ number: z.number().int().nonnegative() })], expecting('a GPIO line: {chip, line} or {number}'));

/**
 * Alignment on a digital input: the rig drives `gpio` active when the monitor starts, the line is
 * wired to the PPK2's digital input `input`, and the first sample that sees it high is that moment.
 */
const alignSchema = z.strictObject({
  gpio: gpioLine,
  input: z.enum(['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7'], expecting('a PPK2 digital input, D0 to D7')),
  activeLow: z.boolean().default(false),
});

export const monitorSchema = z.discriminatedUnion('driver', [
  /** A Nordic PPK2 on its serial port. */
  z.strictObject({ driver: z.literal('ppk2'), path: z.string().min(1), mode, supplyVoltage, align: alignSchema.optional() }),
  /**
   * A virtual PPK2 in this process, speaking the PPK2 protocol, fed by the current model of the
   * built-in simulator (serial.path virtual); `draw` sets the model's amperes per state. A `hil sim
   * --ppk2 PATH` is a `ppk2` on PATH.
   */
  z.strictObject({ driver: z.literal('virtual'), mode, supplyVoltage, draw: drawSchema.optional() }),
  /**
   * An INA219/INA226 bound to the kernel's ina2xx hwmon driver, read through its sysfs folder
   * (/sys/class/hwmon/hwmonN): curr1_input polled every `pollInterval` ms.
   */
  z.strictObject({
    driver: z.literal('ina2xx'),
    path: z.string().min(1),
    supplyVoltage,
    pollInterval: z.number().min(1, expecting('a poll interval of at least 1 ms')).max(10_000, expecting('a poll interval of at most 10 000 ms')).default(10),
  }),
  /**
   * Any instrument with a program that prints its samples: one line each, seconds since its start
   * and amperes, as CSV (`0.0125,0.0031`) or JSON lines (`{"t": 0.0125, "current": 0.0031}`).
   */
  z.strictObject({
    driver: z.literal('command'),
    command: z.array(z.string().min(1)).min(1, expecting('the program and its arguments, e.g. [otii-stream, --csv]')),
    format: z.enum(['csv', 'jsonl']),
    supplyVoltage,
  }),
]);

export type MonitorConfig = z.output<typeof monitorSchema>;
export type AlignConfig = z.output<typeof alignSchema>;
