// Whether a suite can run on a rig at all: a suite that measures charge needs the rig's power monitor.
// A run refuses such a pairing before it touches the bench, and `hil check` names it, rather than
// the test breaking part-way through with the module already powered.
import type { Rig } from '../rig/rig-file.ts';
import type { Suite } from './suite-file.ts';

/** Why `suite` cannot run on `rig`, at its first step the rig has nothing for; undefined when it fits. */
export function unfitStep(suite: Suite, rig: Pick<Rig, 'name' | 'monitor'>): { path: string; message: string } | undefined {
  if (rig.monitor) return undefined;
  const needing = suite.steps.flatMap((step, i) => (step.kind === 'monitor' || step.kind === 'energy' ? [`steps.${i}.${step.kind}`] : []));
  if (needing.length === 0) return undefined;
  const more = needing.length > 1 ? ` (and ${needing.length - 1} more step${needing.length > 2 ? 's' : ''})` : '';
  return { path: needing[0]!, message: `needs a power monitor${more}, and rig "${rig.name}" has none: add a monitor: block (driver, supplyVoltage) to the rig file, or leave the suite out (--exclude-tag)` };
}
