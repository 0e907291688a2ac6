// Opens the rig's power monitor: a PPK2 on its serial port (a real one, or `hil sim --ppk2` on a
// PTY), an INA219/INA226 through the kernel's hwmon driver, a program that prints samples, or on the
// virtual rig a virtual PPK2 in this process fed by the simulator's current model.
import {
  CommandMonitor, Ina2xxMonitor, Ppk2Monitor, serialPpk2Link, type AlignConfig, type DigitalAlignment, type MonitorConfig, type PowerMonitor,
} from '../energy/index.ts';
import { CurrentModel } from '../sim/current-model.ts';
import type { VirtualModule } from '../sim/index.ts';
import { VirtualPpk2 } from '../sim/virtual-ppk2.ts';
import type { Clock } from '../time/clock.ts';
import { openGpioLine } from './gpio.ts';

export interface MonitorContext {
  clock: Clock;
  /** The built-in simulator, on a virtual rig. */
  simulator: VirtualModule | undefined;
  /** Rig ms of port latency a start command's time stamp may be off by. */
  timingResolution: number;
  note(text: string): void;
}

/** The GPIO line to align on, inactive until the monitor starts; released when the monitor closes. */
async function alignment(config: AlignConfig): Promise<{ align: DigitalAlignment; release: () => Promise<void> }> {
  const line = await openGpioLine(config.gpio, config.activeLow);
  await line.set(false);
  return { align: { line, bit: Number(config.input.slice(1)) }, release: () => line.release() };
}

export async function openMonitor(config: MonitorConfig, context: MonitorContext): Promise<PowerMonitor> {
  const { clock, timingResolution } = context;
  const supplyVolts = config.supplyVoltage;
  switch (config.driver) {
    case 'ppk2': {
      const wired = config.align && (await alignment(config.align));
      const monitor = new Ppk2Monitor({
        clock, link: await serialPpk2Link(config.path), description: `PPK2 on ${config.path}`, mode: config.mode, supplyVolts, startUncertainty: timingResolution, align: wired?.align,
      });
      if (!wired) return monitor;
      const close = monitor.close.bind(monitor);
      return Object.assign(monitor, { close: () => close().finally(wired.release) });
    }
    case 'ina2xx':
      return new Ina2xxMonitor({ clock, path: config.path, supplyVolts, pollInterval: config.pollInterval, timingResolution });
    case 'command':
      return new CommandMonitor({ clock, command: config.command, format: config.format, supplyVolts, timingResolution });
    case 'virtual': {
      const simulator = context.simulator;
      if (!simulator) throw new Error('monitor driver "virtual" measures the built-in simulator: it needs serial.path "virtual" (for `hil sim --ppk2 PATH`, use driver "ppk2" with that path)');
      const model = new CurrentModel(simulator, config.draw);
      const device = new VirtualPpk2(clock, model);
      const monitor = new Ppk2Monitor({
        // In this process the start command reaches the virtual PPK2 in the same turn of the event loop.
        clock, link: device, description: 'virtual PPK2 (current model of the virtual module)', mode: config.mode, supplyVolts, startUncertainty: 0,
      });
      return Object.assign(monitor, { truth: (from: number, to: number) => model.charge(from, to) });
    }
  }
}
