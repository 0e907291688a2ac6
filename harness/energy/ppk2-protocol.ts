// The Nordic Power Profiler Kit II's serial protocol: command bytes, the calibration metadata it
// prints, and the 4-byte sample words it streams. Written from Nordic's nRF Connect Power Profiler
// (pc-nrfconnect-ppk, src/constants.ts and src/device/serialDevice.ts) as public documentation.

/** Command opcodes the host writes; arguments follow the opcode byte. */
export const PPK2_COMMAND = {
  averageStart: 0x06,
  averageStop: 0x07,
  /** DUT power in source mode: 1 on, 0 off. */
  deviceRunningSet: 0x0c,
  /** Supply voltage in mV, big-endian 16 bits. */
  regulatorSet: 0x0d,
  /** 1 ampere meter, 2 source meter. */
  setPowerMode: 0x11,
  getMetadata: 0x19,
  reset: 0x20,
} as const;

/** Argument bytes after each opcode, for whoever reads commands (the virtual PPK2). */
export const PPK2_ARGUMENT_BYTES: Readonly<Record<number, number>> = {
  [PPK2_COMMAND.averageStart]: 0,
  [PPK2_COMMAND.averageStop]: 0,
  [PPK2_COMMAND.deviceRunningSet]: 1,
  [PPK2_COMMAND.regulatorSet]: 2,
  [PPK2_COMMAND.setPowerMode]: 1,
  [PPK2_COMMAND.getMetadata]: 0,
  [PPK2_COMMAND.reset]: 0,
};

export type Ppk2Mode = 'ampere' | 'source';
export const POWER_MODE_BYTE: Record<Ppk2Mode, number> = { ampere: 1, source: 2 };

/** The PPK2's supply range in source mode, mV. */
export const VDD_RANGE_MV = { min: 800, max: 5000 } as const;
/** The firmware samples at 100 kHz: one word every 10 µs. */
export const PPK2_SAMPLE_PERIOD_US = 10;
/** The last line of the metadata text. */
export const METADATA_END = 'END';

export const ppk2Commands = {
  averageStart: () => Uint8Array.of(PPK2_COMMAND.averageStart),
  averageStop: () => Uint8Array.of(PPK2_COMMAND.averageStop),
  getMetadata: () => Uint8Array.of(PPK2_COMMAND.getMetadata),
  powerMode: (mode: Ppk2Mode) => Uint8Array.of(PPK2_COMMAND.setPowerMode, POWER_MODE_BYTE[mode]),
  dutPower: (on: boolean) => Uint8Array.of(PPK2_COMMAND.deviceRunningSet, on ? 1 : 0),
  supplyVoltage(mv: number): Uint8Array {
    if (!Number.isInteger(mv) || mv < VDD_RANGE_MV.min || mv > VDD_RANGE_MV.max) {
      throw new RangeError(`PPK2 supply voltage: expected ${VDD_RANGE_MV.min} to ${VDD_RANGE_MV.max} mV, got ${mv}`);
    }
    return Uint8Array.of(PPK2_COMMAND.regulatorSet, mv >> 8, mv & 0xff);
  },
};

// Sample word, little-endian 32 bits: ADC 0–13, range 14–16, (17 unused), counter 18–23, digital inputs 24–31.
const ADC_BITS = 0x3fff;
const RANGE_SHIFT = 14;
const RANGE_BITS = 0x7;
const COUNTER_SHIFT = 18;
const COUNTER_BITS = 0x3f;
const LOGIC_SHIFT = 24;
/** Nordic's converter works on the 14-bit reading times 4. */
const ADC_SCALE = 4;
/** Volts per ADC unit: 1.8 V reference over 163 840 units. */
const ADC_VOLTS = 1.8 / 163_840;
export const RANGE_COUNT = 5;
export const COUNTER_MODULO = COUNTER_BITS + 1;

export interface SampleWord {
  /** The 14-bit ADC reading. */
  adc: number;
  /** The measurement range, 0 (most sensitive, about 1 kΩ shunt) to 4. */
  range: number;
  /** 6-bit counter, one up per word. */
  counter: number;
  /** Digital inputs D0 (bit 0) to D7. */
  logic: number;
}

export function encodeSampleWord(word: SampleWord): Uint8Array {
  const bytes = new Uint8Array(4);
  const value = ((word.adc & ADC_BITS) | ((word.range & RANGE_BITS) << RANGE_SHIFT) | ((word.counter & COUNTER_BITS) << COUNTER_SHIFT) | ((word.logic & 0xff) << LOGIC_SHIFT)) >>> 0;
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

export class Ppk2StreamError extends Error {}

/**
 * Splits the sample stream into words, whatever its chunking, and checks each: a range beyond the
 * five the PPK2 has, or a counter that does not follow the previous one (bytes lost, or the stream
 * read out of step with its words), rejects the stream.
 */
export class SampleDecoder {
  private rest = new Uint8Array(0);
  private expected: number | undefined;
  /** Words decoded so far, for error messages. */
  private count = 0;

  push(chunk: Uint8Array): SampleWord[] {
    const bytes = this.rest.length ? concat(this.rest, chunk) : chunk;
    const whole = bytes.length - (bytes.length % 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, whole);
    const words: SampleWord[] = [];
    for (let at = 0; at < whole; at += 4) words.push(this.check(view.getUint32(at, true)));
    this.rest = bytes.slice(whole);
    return words;
  }

  /** The stream ended: a part of a word left over means it was cut. */
  end(): void {
    if (this.rest.length > 0) throw new Ppk2StreamError(`PPK2 sample stream ends inside a word: ${this.rest.length} byte(s) after word ${this.count}`);
  }

  private check(value: number): SampleWord {
    const word: SampleWord = {
      adc: value & ADC_BITS,
      range: (value >>> RANGE_SHIFT) & RANGE_BITS,
      counter: (value >>> COUNTER_SHIFT) & COUNTER_BITS,
      logic: (value >>> LOGIC_SHIFT) & 0xff,
    };
    const hex = value.toString(16).padStart(8, '0');
    if (word.range >= RANGE_COUNT) throw new Ppk2StreamError(`PPK2 sample word ${this.count} (0x${hex}): range ${word.range}, expected 0 to ${RANGE_COUNT - 1}`);
    if (this.expected !== undefined && word.counter !== this.expected) {
      const lost = (word.counter - this.expected + COUNTER_MODULO) % COUNTER_MODULO;
      throw new Ppk2StreamError(`PPK2 sample word ${this.count} (0x${hex}): counter ${word.counter}, expected ${this.expected}: ${lost} word(s) lost or the stream is out of step`);
    }
    this.expected = (word.counter + 1) % COUNTER_MODULO;
    this.count++;
    return word;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The PPK2's calibration, per range: shunt resistance `r`, gains and offsets as its metadata names them. */
export interface Calibration {
  r: number[];
  gs: number[];
  gi: number[];
  o: number[];
  s: number[];
  i: number[];
  ug: number[];
}

/** Nordic's defaults, used for any value the metadata leaves out. */
export const DEFAULT_CALIBRATION: Calibration = {
  r: [1031.64, 101.65, 10.15, 0.94, 0.043],
  gs: [1, 1, 1, 1, 1],
  gi: [1, 1, 1, 1, 1],
  o: [0, 0, 0, 0, 0],
  s: [0, 0, 0, 0, 0],
  i: [0, 0, 0, 0, 0],
  ug: [1, 1, 1, 1, 1],
};

export interface Metadata {
  calibration: Calibration;
  /** Every key as sent, lower case; null where the PPK2 printed nan. */
  values: Record<string, number | null>;
}

const CALIBRATION_KEYS = Object.keys(DEFAULT_CALIBRATION) as (keyof Calibration)[];

/** Reads the metadata text: `key: number` lines ending with END. */
export function parseMetadata(text: string): Metadata {
  const end = text.indexOf(METADATA_END);
  if (end < 0) throw new Ppk2StreamError(`PPK2 metadata: no ${METADATA_END} line in ${JSON.stringify(text.slice(0, 80))}`);
  const values: Record<string, number | null> = {};
  text.slice(0, end).split('\n').map((line) => line.trim()).filter(Boolean).forEach((line, n) => {
    const match = /^([A-Za-z][A-Za-z0-9_]*):\s*(-?nan|[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)$/.exec(line);
    if (!match) throw new Ppk2StreamError(`PPK2 metadata line ${n + 1}: expected "key: number", got ${JSON.stringify(line)}`);
    values[match[1]!.toLowerCase()] = /nan$/.test(match[2]!) ? null : Number(match[2]);
  });
  const calibration = structuredClone(DEFAULT_CALIBRATION);
  for (const key of CALIBRATION_KEYS) {
    calibration[key].forEach((_, range) => {
      const value = values[`${key}${range}`];
      if (typeof value === 'number') calibration[key][range] = value;
    });
  }
  return { calibration, values };
}

/** The metadata text a PPK2 with this calibration and these extra values prints. */
export function formatMetadata(calibration: Calibration, extra: Record<string, number>): string {
  const lines = CALIBRATION_KEYS.flatMap((key) => calibration[key].map((value, range) => `${key.toUpperCase()}${range}: ${value}`));
  for (const [key, value] of Object.entries(extra)) lines.push(`${key}: ${value}`);
  return `${lines.join('\n')}\n${METADATA_END}\n`;
}

/** A sample word's current in amperes, by Nordic's conversion (supply voltage in mV for the `s` term). */
export function wordCurrent(word: Pick<SampleWord, 'adc' | 'range'>, calibration: Calibration, vddMv: number): number {
  const r = word.range;
  const x = (word.adc * ADC_SCALE - calibration.o[r]!) * (ADC_VOLTS / calibration.r[r]!);
  return calibration.ug[r]! * (x * (calibration.gs[r]! * x + calibration.gi[r]!) + (calibration.s[r]! * (vddMv / 1000) + calibration.i[r]!));
}

/** Half of one ADC step at this reading, in amperes: the most a word's rounding can be off. */
export function halfStep(word: Pick<SampleWord, 'adc' | 'range'>, calibration: Calibration, vddMv: number): number {
  return Math.abs(wordCurrent({ adc: word.adc + 1, range: word.range }, calibration, vddMv) - wordCurrent(word, calibration, vddMv)) / 2;
}

/**
 * The word a PPK2 with a linear calibration (gs 0, gi 1, o, s, i 0) shows for `amperes`: the most
 * sensitive range it fits, the reading rounded to the nearest step.
 */
export function linearWord(amperes: number, calibration: Calibration): Pick<SampleWord, 'adc' | 'range'> {
  const current = Math.max(0, amperes);
  for (let range = 0; range < RANGE_COUNT; range++) {
    const perStep = (ADC_SCALE * ADC_VOLTS) / (calibration.r[range]! * calibration.ug[range]!);
    const adc = Math.round(current / perStep);
    if (adc <= ADC_BITS || range === RANGE_COUNT - 1) return { adc: Math.min(adc, ADC_BITS), range };
  }
  throw new Error('unreachable: the last range takes any current');
}

/** A calibration whose conversion is linear, as the virtual PPK2 reports it. */
export const LINEAR_CALIBRATION: Calibration = { ...DEFAULT_CALIBRATION, gs: [0, 0, 0, 0, 0] };
