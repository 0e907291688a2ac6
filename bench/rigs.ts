// The rigs benchmarks drive: the virtual rig as shipped, and a simulator behind a pseudo-terminal.
import { fileURLToPath } from 'node:url';
import { RigController } from '../harness/rig/controller.ts';
import { loadRigFile, rigSchema, type Rig } from '../harness/rig/rig-file.ts';

export function virtualRig(): Promise<Rig> {
  return loadRigFile(fileURLToPath(new URL('../rigs/virtual.yaml', import.meta.url)));
}

export interface PtyRigOptions {
  link: string;
  socket: string;
  timeScale: number;
  /** Rig ms between power-off and power-on; the rig file default is 2 s. */
  discharge?: string;
}

/**
 * A simulator behind a PTY (a `hil sim --pty` process, or a VirtualModule on a PtyEndpoint in this
 * process), switched through its control socket: the harness reaches it with the real serialport
 * binding, as it reaches a module on a bench.
 */
export function ptyRig({ link, socket, timeScale, discharge = '2 s' }: PtyRigOptions): Rig {
  const rig = rigSchema.parse({
    name: 'bench-pty',
    timeScale,
    simulator: { control: socket },
    serial: { path: link },
    power: { type: 'sim-control', socket },
    settle: { discharge },
  });
  return { ...rig, file: '(bench)' };
}

/** Opens the rig and brings the module up, ready for commands. */
export async function openReady(config: Rig): Promise<RigController> {
  const rig = await RigController.open(config);
  await rig.powerOn();
  await rig.waitReady();
  return rig;
}
