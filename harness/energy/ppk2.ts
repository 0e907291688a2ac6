// The PPK2 driver: sets the instrument up over its serial port, streams its sample words into a
// trace in rig time, and rejects a stream it cannot trust.
import { SerialPort } from 'serialport';
import type { Clock } from '../time/clock.ts';
import type { PowerMonitor } from './monitor.ts';
import {
  halfStep, METADATA_END, parseMetadata, ppk2Commands, PPK2_SAMPLE_PERIOD_US, SampleDecoder, wordCurrent, type Calibration, type Metadata, type Ppk2Mode, type SampleWord,
} from './ppk2-protocol.ts';
import { TraceFeed } from './feed.ts';

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
  /** Aligns the trace on a digital input wired to a GPIO line instead of on the start command. */
  align?: DigitalAlignment;
}

/** A GPIO line the rig drives, wired to one of the PPK2's digital inputs. */
export interface DigitalAlignment {
  line: { readonly description: string; set(active: boolean): Promise<void> };
  /** The digital input's bit in the sample words: D0 is 0. */
  bit: number;
}

/** Rig ms of samples after the line was driven within which its edge must show. */
const EDGE_WINDOW_MS = 1_000;

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
  private readonly feed = new TraceFeed();
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
  /** Words decoded since sampling started. */
  private words = 0;
  /**
   * Alignment on a digital input: when the line was driven (rig ms, between `before` and `after`),
   * and once its edge is found, the ± of the trace's start.
   */
  private edge: { before?: number; after?: number; seenAt?: number; aligned?: number } | undefined;

  constructor(private readonly options: Ppk2Options) {
    this.description = options.description;
    this.supplyVolts = options.supplyVolts;
    options.link.onData((bytes) => this.received(bytes));
  }

  get trace() {
    return this.feed.trace;
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
    this.feed.failure = undefined;
    this.trace.bins.length = 0;
    this.words = 0;
    this.edge = this.options.align && {};
    this.startedAt = this.options.clock.now();
    this.sampling = true;
    link.write(ppk2Commands.averageStart());
  }

  async stop(): Promise<void> {
    if (!this.sampling) return;
    this.sampling = false;
    this.options.link.write(ppk2Commands.averageStop());
    if (this.options.align) await this.options.align.line.set(false);
    if (this.feed.failure) throw this.feed.failure;
  }

  async close(): Promise<void> {
    this.sampling = false;
    await this.options.link.close();
  }

  /** With a digital input to align on, the trace counts only once the edge has placed it. */
  waitFor(until: number, timeoutWallMs: number): Promise<void> {
    return this.feed.waitFor(until, timeoutWallMs, () => this.edge?.aligned !== undefined || !this.edge);
  }

  alignmentAt(at: number): number {
    return (this.edge?.aligned ?? this.options.startUncertainty) + CLOCK_TOLERANCE * Math.max(0, at - (this.startedAt ?? at));
  }

  /** The stream's fault, if it was rejected: later figures must not be taken from it. */
  get rejected(): Error | undefined {
    return this.feed.failure;
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
    if (!this.sampling || this.feed.failure) return;
    try {
      for (const word of this.decoder.push(bytes)) {
        this.align(word);
        this.add(word);
        this.words++;
      }
    } catch (error) {
      this.feed.fail(new Error(`${this.description}: ${(error as Error).message}; its figures are not used`));
    }
    if (this.edge && this.edge.before === undefined && this.words > 0) void this.driveLine();
    this.feed.wake();
  }

  /** Once sampling shows, drives the alignment line active, so its edge falls inside the stream. */
  private async driveLine(): Promise<void> {
    const edge = this.edge!;
    const { clock, align } = this.options;
    edge.before = clock.now();
    try {
      await align!.line.set(true);
      edge.after = clock.now();
      this.placeTrace();
    } catch (error) {
      this.feed.fail(new Error(`${this.description}: cannot drive ${align!.line.description} to align the trace: ${(error as Error).message}`));
    }
  }

  /**
   * Looks for the alignment edge: the first word with the input high after the line was driven
   * places the trace, whose start moves to the line's write less that word's offset. The ± is one
   * sample period (where within it the input was sampled) and half the write's own span.
   */
  private align(word: SampleWord): void {
    const edge = this.edge;
    if (!edge || edge.seenAt !== undefined) return;
    const { line, bit } = this.options.align!;
    const input = `D${bit}`;
    const wordAt = this.startedAt! + this.words * this.periodMs;
    if ((word.logic >> bit) & 1) {
      if (edge.before === undefined) throw new Error(`digital input ${input} was high before ${line.description} was driven: is the line left active, or is ${input} wired to something else?`);
      edge.seenAt = wordAt;
      this.placeTrace();
    } else if (edge.after !== undefined && wordAt - edge.after > EDGE_WINDOW_MS) {
      throw new Error(`no edge on digital input ${input} within ${EDGE_WINDOW_MS / 1000} s of samples after ${line.description} was driven active: is the line wired to ${input}? The trace cannot be placed in rig time`);
    }
  }

  /** Once both the write's time and the edge's word are known, moves the trace onto the write. */
  private placeTrace(): void {
    const edge = this.edge!;
    if (edge.seenAt === undefined || edge.after === undefined || edge.aligned !== undefined) return;
    const shift = (edge.before! + edge.after) / 2 - edge.seenAt;
    for (const bin of this.trace.bins) bin.start += shift;
    this.startedAt! += shift;
    edge.aligned = this.periodMs + (edge.after - edge.before!) / 2;
    this.feed.wake();
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
