// A virtual Power Profiler Kit II: it reads PPK2 commands and streams PPK2 sample words of the
// current model's draw, paced by the rig clock, so the PPK2 driver runs its real code against it.
import {
  encodeSampleWord, formatMetadata, LINEAR_CALIBRATION, linearWord, PPK2_ARGUMENT_BYTES, PPK2_COMMAND, SAMPLE_PERIOD_KEY, COUNTER_MODULO, type Ppk2Link, type Ppk2Mode,
} from '../energy/index.ts';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Clock } from '../time/clock.ts';
import type { CurrentModel } from './current-model.ts';

/** Wall ms between batches of samples. */
const BATCH_WALL_MS = 10;
/**
 * Rig µs per sample: the PPK2's 10 µs where the rig runs in real time would be 100 000 words a
 * second; the virtual one keeps to about 10 000 words per wall second at any time scale.
 */
export const virtualSamplePeriodUs = (scale: number) => Math.max(10, Math.round(scale * 100));

/** How the virtual PPK2 is wired and how it behaves beyond the protocol. */
export interface VirtualPpk2Wiring {
  /**
   * Digital inputs wired to GPIO pins: each file holds its pin's level ('1' high), replaced whole
   * when it changes (the sysfs GPIO value file, or a GPIO emulator's pin file). A change is dated
   * at the rig time it is seen. D0 otherwise shows the module's supply.
   */
  inputs?: { bit: number; path: string }[];
  /** Rig ms from the start command to the first sample, as a real PPK2's USB round trip puts it. */
  startLatency?: number;
}

export class VirtualPpk2 implements Ppk2Link {
  readonly periodUs: number;
  mode: Ppk2Mode = 'ampere';
  vddMv = 3700;
  private readonly listeners: ((bytes: Uint8Array) => void)[] = [];
  private pending = new Uint8Array(0);
  private sampling: { startedAt: number; sent: number; timer: NodeJS.Timeout } | undefined;
  /** Each wired input's level changes in rig time, oldest first. */
  readonly inputs: { bit: number; path: string; changes: { at: number; high: boolean }[] }[];
  private readonly watchers: FSWatcher[] = [];

  constructor(
    private readonly clock: Clock,
    readonly model: CurrentModel,
    /** Told of each command, for a log. */
    private readonly log: (text: string) => void = () => {},
    periodUs = virtualSamplePeriodUs(clock.scale),
    private readonly wiring: VirtualPpk2Wiring = {},
  ) {
    this.periodUs = periodUs;
    this.inputs = (wiring.inputs ?? []).map(({ bit, path }) => ({ bit, path, changes: [{ at: clock.now(), high: pinHigh(path) }] }));
    for (const input of this.inputs) {
      const look = () => {
        const high = pinHigh(input.path);
        if (input.changes.at(-1)!.high !== high) input.changes.push({ at: this.clock.now(), high });
      };
      this.watchers.push(watch(dirname(input.path), (_event, file) => file === basename(input.path) && look()).unref());
    }
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  /** Bytes from the host: whole commands are carried out, a command split across writes waits for its rest. */
  write(bytes: Uint8Array): void {
    const input = new Uint8Array(this.pending.length + bytes.length);
    input.set(this.pending);
    input.set(bytes, this.pending.length);
    let at = 0;
    while (at < input.length) {
      const opcode = input[at]!;
      const length = PPK2_ARGUMENT_BYTES[opcode];
      if (length === undefined) {
        this.log(`PPK2: ignored unknown command byte 0x${opcode.toString(16).padStart(2, '0')}`);
        at++;
        continue;
      }
      if (at + 1 + length > input.length) break;
      this.command(opcode, input.subarray(at + 1, at + 1 + length));
      at += 1 + length;
    }
    this.pending = input.slice(at);
  }

  async close(): Promise<void> {
    this.stopSampling();
    for (const watcher of this.watchers) watcher.close();
  }

  private command(opcode: number, args: Uint8Array): void {
    switch (opcode) {
      case PPK2_COMMAND.getMetadata:
        return this.send(Buffer.from(formatMetadata(LINEAR_CALIBRATION, { VDD: this.vddMv, Mode: this.mode === 'source' ? 2 : 1, [SAMPLE_PERIOD_KEY]: this.periodUs }), 'latin1'));
      case PPK2_COMMAND.setPowerMode:
        this.mode = args[0] === 2 ? 'source' : 'ampere';
        // In ampere mode the module's supply is not the profiler's to switch.
        if (this.mode === 'ampere') this.model.supplied = true;
        return this.log(`PPK2: ${this.mode} meter`);
      case PPK2_COMMAND.regulatorSet:
        this.vddMv = (args[0]! << 8) | args[1]!;
        return this.log(`PPK2: supply ${this.vddMv} mV`);
      case PPK2_COMMAND.deviceRunningSet:
        if (this.mode === 'source') this.model.supplied = args[0] === 1;
        this.model.refresh();
        return this.log(`PPK2: DUT power ${args[0] === 1 ? 'on' : 'off'}`);
      case PPK2_COMMAND.averageStart:
        this.stopSampling();
        this.sampling = { startedAt: this.clock.now() + (this.wiring.startLatency ?? 0), sent: 0, timer: setInterval(() => this.batch(), BATCH_WALL_MS).unref() };
        return this.log('PPK2: sampling');
      case PPK2_COMMAND.averageStop:
        this.batch();
        this.stopSampling();
        return this.log('PPK2: stopped');
      case PPK2_COMMAND.reset:
        this.stopSampling();
        return;
    }
  }

  /** The words due by now, each the model's mean current over its stretch, rounded as the ADC would. */
  private batch(): void {
    const sampling = this.sampling;
    if (!sampling) return;
    this.model.refresh();
    const periodMs = this.periodUs / 1000;
    const due = Math.max(0, Math.floor((this.clock.now() - sampling.startedAt) / periodMs));
    if (due <= sampling.sent) return;
    const out = new Uint8Array((due - sampling.sent) * 4);
    for (let n = sampling.sent; n < due; n++) {
      const from = sampling.startedAt + n * periodMs;
      const amperes = (this.model.charge(from, from + periodMs) * 1000) / periodMs;
      out.set(encodeSampleWord({ ...linearWord(amperes, LINEAR_CALIBRATION), counter: n % COUNTER_MODULO, logic: this.logicAt(from) }), (n - sampling.sent) * 4);
    }
    sampling.sent = due;
    this.send(out);
  }

  /** The digital inputs at rig time `at`: D0 follows the module's supply unless a pin is wired to it. */
  private logicAt(at: number): number {
    let logic = this.model.currentAt(at) > 0 ? 1 : 0;
    for (const { bit, changes } of this.inputs) {
      let high = false;
      for (const change of changes) if (change.at <= at) high = change.high;
      logic = (logic & ~(1 << bit)) | (Number(high) << bit);
    }
    return logic;
  }

  private stopSampling(): void {
    if (this.sampling) clearInterval(this.sampling.timer);
    this.sampling = undefined;
  }

  private send(bytes: Uint8Array): void {
    for (const listener of this.listeners) listener(bytes);
  }
}

function pinHigh(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').trim() === '1';
  } catch {
    return false; // not exported yet: nothing drives the input
  }
}
