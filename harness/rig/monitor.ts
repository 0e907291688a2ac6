// Opens the rig's power monitor: a PPK2 on its serial port (a real one, or `hil sim --ppk2` on a
// PTY), or on the virtual rig a virtual PPK2 in this process fed by the simulator's current model.
import { Ppk2Monitor, serialPpk2Link, type MonitorConfig, type PowerMonitor } from '../energy/index.ts';
import { CurrentModel } from '../sim/current-model.ts';
import type { VirtualModule } from '../sim/index.ts';
import { VirtualPpk2 } from '../sim/virtual-ppk2.ts';
import type { Clock } from '../time/clock.ts';

export interface MonitorContext {
  clock: Clock;
  /** The built-in simulator, on a virtual rig. */
  simulator: VirtualModule | undefined;
  /** Rig ms of port latency a start command's time stamp may be off by. */
  timingResolution: number;
  note(text: string): void;
}

export async function openMonitor(config: MonitorConfig, context: MonitorContext): Promise<PowerMonitor> {
  const { clock } = context;
  if (config.driver === 'ppk2') {
    return new Ppk2Monitor({
      clock, link: await serialPpk2Link(config.path), description: `PPK2 on ${config.path}`, mode: config.mode, supplyVolts: config.supplyVoltage, startUncertainty: context.timingResolution,
    });
  }
  const simulator = context.simulator;
  if (!simulator) throw new Error('monitor driver "virtual" measures the built-in simulator: it needs serial.path "virtual" (for `hil sim --ppk2 PATH`, use driver "ppk2" with that path)');
  const model = new CurrentModel(simulator, config.draw);
  const device = new VirtualPpk2(clock, model);
  const monitor = new Ppk2Monitor({
    // In this process the start command reaches the virtual PPK2 in the same turn of the event loop.
    clock, link: device, description: 'virtual PPK2 (current model of the virtual module)', mode: config.mode, supplyVolts: config.supplyVoltage, startUncertainty: 0,
  });
  return Object.assign(monitor, { truth: (from: number, to: number) => model.charge(from, to) });
}
