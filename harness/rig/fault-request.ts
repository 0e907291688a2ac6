// The simulator faults a run asks for on top of its rig file's: known by name, and only on the
// virtual rig. `hil run` and `hil check` hold a request to the same rule.
import { parseFaults, type FaultName } from '../sim/faults.ts';
import { VIRTUAL, type Rig } from './rig-file.ts';

/** The faults `names` asks for on `rig`; throws on an unknown name, or on any fault for a rig that is not virtual. */
export function requestedFaults(rig: Pick<Rig, 'serial'>, names: readonly string[]): Set<FaultName> {
  if (names.length > 0 && rig.serial.path !== VIRTUAL) throw new Error('--fault applies to the virtual rig only');
  return parseFaults(names);
}

/** What a rig is: the built-in simulator, a `hil sim` process behind a PTY, or real hardware. */
export function rigKind(rig: Pick<Rig, 'power' | 'simulator'>): 'virtual' | 'simulator' | 'hardware' {
  if (rig.power.type === VIRTUAL) return 'virtual';
  return rig.simulator || rig.power.type === 'sim-control' ? 'simulator' : 'hardware';
}
