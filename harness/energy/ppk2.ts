// The PPK2 driver: sets the instrument up over its serial port, streams its sample words into a
// trace in rig time, and rejects a stream it cannot trust.
import { SerialPort } from 'serialport';
import type { Clock } from '../time/clock.ts';
import type { PowerMonitor } from './monitor.ts';
import {
  halfStep, METADATA_END, parseMetadata, ppk2Commands, PPK2_SAMPLE_PERIOD_US, SampleDecoder, wordCurrent, type Calibration, type Metadata, type Ppk2Mode, type SampleWord,
} from './ppk2-protocol.ts';
import { CurrentTrace } from './trace.ts';

/** Bytes to and from the instrument: a serial port, or the virtual PPK2 in this process. */
export interface Ppk2Link {
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  close(): Promise<void>;
}

export interface Ppk2Options {
  clock: Clock;
  link: Ppk2Link;
  description: string;
  /** `source`: the PPK2 supplies the module at `supplyVolts`; `ampere`: it measures a supply of that voltage. */
  mode: Ppk2Mode;
  supplyVolts: number;
  /** Rig ms the start command's time stamp may be off from the moment sampling began (port latency). */
  startUncertainty: number;
}

/**
 * Metadata key the virtual PPK2 adds: the rig-time µs each of its words stands for. A real PPK2 sends
 * none, and its words are 10 µs apart.
 */
export const SAMPLE_PERIOD_KEY = 'rig_sample_us';
/** How long the metadata may take to arrive, wall ms. */
const METADATA_TIMEOUT_MS = 5_000;
/** Words are summed into bins of about this many rig ms, so a long run at 100 kHz stays small. */
const BIN_MS = 1;
/** The PPK2's clock against the host's: a crystal's tolerance, taken generously. */
const CLOCK_TOLERANCE = 100e-6;

export class Ppk2Monitor implements PowerMonitor {
  readonly trace = new CurrentTrace();
  readonly description: string;
  readonly supplyVolts: number;
  private metadata: Metadata | undefined;
  private periodMs = PPK2_SAMPLE_PERIOD_US / 1000;
  private wordsPerBin = 1;
  private startedAt: number | undefined;
  private sampling = false;
  private decoder = new SampleDecoder();
  private bin: { words: number; sum: number; peak: number; rounding: number; logic: number; index: number } | undefined;
  private metadataText: { text: string; resolve: (text: string) => void } | undefined;
  /** Why the stream was rejected; figures from it would be wrong. */
  private failure: Error | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: Ppk2Options) {
    this.description = options.description;
    this.supplyVolts = options.supplyVolts;
    options.link.onData((bytes) => this.received(bytes));
  }

  get calibration(): Calibration | undefined {
    return this.metadata?.calibration;
  }

  /** Reads the calibration, sets mode and voltage, powers the DUT in source mode, then starts sampling. */
  async start(): Promise<void> {
    this.metadata ??= parseMetadata(await this.readMetadata());
    const period = this.metadata.values[SAMPLE_PERIOD_KEY];
    this.periodMs = (typeof period === 'number' && period > 0 ? period : PPK2_SAMPLE_PERIOD_US) / 1000;
    this.wordsPerBin = Math.max(1, Math.round(BIN_MS / this.periodMs));
    const { link, mode } = this.options;
    link.write(ppk2Commands.powerMode(mode));
    link.write(ppk2Commands.supplyVoltage(Math.round(this.supplyVolts * 1000)));
    if (mode === 'source') link.write(ppk2Commands.dutPower(true));
    this.decoder = new SampleDecoder();
    this.bin = undefined;
    this.failure = undefined;
    this.trace.bins.length = 0;
    this.startedAt = this.options.clock.now();
    this.sampling = true;
    link.write(ppk2Commands.averageStart());
  }

  async stop(): Promise<void> {
    if (!this.sampling) return;
    this.sampling = false;
    this.options.link.write(ppk2Commands.averageStop());
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    this.sampling = false;
    await this.options.link.close();
  }

  async waitFor(until: number, timeoutWallMs: number): Promise<void> {
    const covered = () => this.failure !== undefined || (this.trace.end ?? -Infinity) >= until;
    if (!covered()) {
      await new Promise<void>((resolve) => {
        const done = () => {
          if (!covered()) return;
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(() => {
          this.waiters.delete(done);
          resolve();
        }, timeoutWallMs);
        this.waiters.add(done);
      });
    }
    if (this.failure) throw this.failure;
  }

  alignmentAt(at: number): number {
    return this.options.startUncertainty + CLOCK_TOLERANCE * Math.max(0, at - (this.startedAt ?? at));
  }

  /** The stream's fault, if it was rejected: later figures must not be taken from it. */
  get rejected(): Error | undefined {
    return this.failure;
  }

  private readMetadata(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.metadataText = undefined;
        reject(new Error(`${this.description}: no metadata (${METADATA_END}) within ${METADATA_TIMEOUT_MS / 1000} s of asking for it: is this a PPK2?`));
      }, METADATA_TIMEOUT_MS);
      this.metadataText = {
        text: '',
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
      };
      this.options.link.write(ppk2Commands.getMetadata());
    });
  }

  private received(bytes: Uint8Array): void {
    const waiting = this.metadataText;
    if (waiting) {
      waiting.text += Buffer.from(bytes).toString('latin1');
      if (waiting.text.includes(METADATA_END)) {
        this.metadataText = undefined;
        waiting.resolve(waiting.text);
      }
      return;
    }
    if (!this.sampling || this.failure) return;
    try {
      for (const word of this.decoder.push(bytes)) this.add(word);
    } catch (error) {
      this.failure = new Error(`${this.description}: ${(error as Error).message}; its figures are not used`);
    }
    for (const waiter of [...this.waiters]) waiter();
  }

  private add(word: SampleWord): void {
    const calibration = this.metadata!.calibration;
    const vddMv = this.supplyVolts * 1000;
    const current = wordCurrent(word, calibration, vddMv);
    const bin = (this.bin ??= { words: 0, sum: 0, peak: -Infinity, rounding: 0, logic: 0, index: this.trace.bins.length });
    bin.words++;
    bin.sum += current;
    bin.peak = Math.max(bin.peak, current);
    bin.rounding += halfStep(word, calibration, vddMv);
    bin.logic |= word.logic;
    if (bin.words < this.wordsPerBin) return;
    const duration = this.wordsPerBin * this.periodMs;
    this.trace.push({ start: this.startedAt! + bin.index * duration, duration, mean: bin.sum / bin.words, peak: bin.peak, rounding: bin.rounding / bin.words, logic: bin.logic });
    this.bin = undefined;
  }
}

/** A PPK2 on a serial port (its USB CDC port; the baud rate is nominal). */
export async function serialPpk2Link(path: string): Promise<Ppk2Link> {
  const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(new Error(`PPK2 on ${path}: ${error.message}`)) : resolve())));
  return {
    write: (bytes) => void port.write(Buffer.from(bytes)),
    onData: (listener) => port.on('data', listener),
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
