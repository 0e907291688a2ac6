// Where `hil sim` links its pseudo-terminal unless told otherwise: the one default for the simulator
// and for rig files that drive it (rigs/sim-pty.yaml), overridden for all of them by HIL_SIM_PTY.
import { resolve } from 'node:path';

export const SIM_PTY_ENV = 'HIL_SIM_PTY';
export const DEFAULT_SIM_PTY = '/tmp/module';

/** The simulator's PTY link, absolute: HIL_SIM_PTY (from the working folder) or /tmp/module. */
export function simPtyPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[SIM_PTY_ENV] || DEFAULT_SIM_PTY);
}

/** The control socket `hil sim` serves beside its PTY link. */
export const controlSocketOf = (ptyPath: string) => `${ptyPath}.ctl`;
