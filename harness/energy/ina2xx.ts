// An INA219/INA226 read through the Linux ina2xx hwmon driver (Documentation/hwmon/ina2xx.rst): the
// kernel exposes the chip as a sysfs folder, /sys/class/hwmon/hwmonN, with `name` (ina219, ina226, ...),
// curr1_input (mA), in0_input (shunt mV), in1_input (bus mV), power1_input (µW), shunt_resistor (µΩ)
// and, on the INA226 family, update_interval (ms). Each read of curr1_input returns the chip's
// latest conversion whole, so the driver polls it and stamps each read in rig time.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../time/clock.ts';
import { TraceFeed } from './feed.ts';
import type { PowerMonitor } from './monitor.ts';

/** The chips the ina2xx hwmon driver binds, by the `name` its sysfs folder shows. */
export const INA2XX_NAMES = ['ina219', 'ina220', 'ina226', 'ina230', 'ina231', 'ina234', 'ina260', 'sy24655'];
/**
 * Without update_interval (INA219, INA220) the kernel leaves the chip at its configuration
 * 0x399F: shunt and bus converted at 12 bits, 532 µs each (INA219 datasheet, 8.6.2.1 Configuration
 * Register, Table 5 ADC settings), so a reading is at most this old, ms.
 */
export const INA219_CONVERSION_MS = 2 * 0.532;
/** curr1_input is whole mA: a reading may be off by half of one. */
const CURR_STEP_A = 0.001;

export interface Ina2xxOptions {
  clock: Clock;
  /** The hwmon folder, e.g. /sys/class/hwmon/hwmon2. */
  path: string;
  supplyVolts: number;
  /** Wall ms between reads. */
  pollInterval: number;
  /** Rig ms within which the harness can time an event (the rig's timing resolution). */
  timingResolution: number;
}

export class Ina2xxMonitor implements PowerMonitor {
  description: string;
  readonly supplyVolts: number;
  private readonly feed = new TraceFeed();
  /** Rig ms a reading may trail the current it stands for: the chip's conversion and averaging. */
  private lag = INA219_CONVERSION_MS;
  /** Rig ms each read took, one per trace bin, that bin's closing read: a reading is stamped at the middle of its read. */
  private readonly spans: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private last: { at: number; current: number; span: number } | undefined;
  private polling = false;
  /** The span of the first read, which opens the trace. */
  private first: number | undefined;

  constructor(private readonly options: Ina2xxOptions) {
    this.description = `INA2xx at ${options.path}`;
    this.supplyVolts = options.supplyVolts;
  }

  get trace() {
    return this.feed.trace;
  }

  /** Checks the folder is an ina2xx one, reads its update interval, takes the first reading and starts polling. */
  async start(): Promise<void> {
    const name = await this.read('name');
    if (!INA2XX_NAMES.includes(name)) {
      throw new Error(`${this.options.path}/name is ${JSON.stringify(name)}: not a chip of the ina2xx hwmon driver (${INA2XX_NAMES.join(', ')}); find the INA's folder with \`grep . /sys/class/hwmon/*/name\``);
    }
    this.description = `${name} at ${this.options.path}`;
    const interval = await this.read('update_interval').catch(() => undefined);
    if (interval !== undefined) this.lag = this.integer('update_interval', interval) * this.options.clock.scale;
    this.last = await this.reading();
    this.first = this.last.span;
    this.polling = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.halt();
    if (this.feed.failure) throw this.feed.failure;
  }

  async close(): Promise<void> {
    this.halt();
  }

  waitFor(until: number, timeoutWallMs: number): Promise<void> {
    return this.feed.waitFor(until, timeoutWallMs);
  }

  /**
   * A reading may stand for current up to the chip's averaging before it, and is stamped within
   * half its read's span: at `at`, the reads that bound its bin.
   */
  alignmentAt(at: number): number {
    const bins = this.trace.bins;
    let index = bins.findIndex((bin) => bin.start + bin.duration >= at);
    if (index < 0) index = bins.length - 1;
    const span = Math.max(this.spans[index] ?? 0, this.spans[index - 1] ?? this.first ?? 0);
    return this.lag + span / 2 + this.options.timingResolution;
  }

  private halt(): void {
    this.polling = false;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.poll(), this.options.pollInterval);
  }

  /**
   * Each reading stands for the stretch since the previous read. Its ± is half a mA of rounding plus,
   * where the current moved, the change spread over the stretch: a step of ΔI anywhere from the
   * previous read less the chip's lag to this read puts at most ΔI × (stretch + lag + half of each
   * read's span) of charge in the wrong place.
   */
  private async poll(): Promise<void> {
    if (!this.polling) return;
    try {
      const next = await this.reading();
      if (!this.polling) return;
      const previous = this.last!;
      const duration = next.at - previous.at;
      if (duration > 0) {
        const moved = (Math.abs(next.current - previous.current) * (duration + this.lag + (previous.span + next.span) / 2)) / duration;
        this.feed.trace.push({ start: previous.at, duration, mean: next.current, peak: Math.max(next.current, previous.current), rounding: CURR_STEP_A / 2 + moved, logic: 0 });
        this.spans.push(next.span);
        this.last = next;
        this.feed.wake();
      }
      this.schedule();
    } catch (error) {
      this.halt();
      this.feed.fail(new Error(`${this.description}: ${(error as Error).message}; its figures are not used`));
    }
  }

  private async reading(): Promise<{ at: number; current: number; span: number }> {
    const clock = this.options.clock;
    const before = clock.now();
    const text = await this.read('curr1_input');
    const after = clock.now();
    return { at: (before + after) / 2, current: this.integer('curr1_input', text) / 1000, span: after - before };
  }

  private integer(file: string, text: string): number {
    if (!/^-?\d+$/.test(text)) throw new Error(`${join(this.options.path, file)}: expected an integer, got ${JSON.stringify(text.slice(0, 40))}`);
    return Number(text);
  }

  private async read(file: string): Promise<string> {
    const path = join(this.options.path, file);
    try {
      return (await readFile(path, 'utf8')).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`no ${path}: is the ina2xx driver bound (\`echo ina219 0x40 > /sys/bus/i2c/devices/i2c-1/new_device\`) and is this its hwmon folder?`);
      throw new Error(`cannot read ${path}: ${(error as Error).message}`);
    }
  }
}
