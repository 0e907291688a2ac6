// `hil sim`: runs the virtual module as its own process on a pseudo-terminal, with a control socket.
import { parseArgs } from 'node:util';
import { ScaledClock } from '../time/clock.ts';
import { formatRigTime } from '../time/format.ts';
import { controlRequest, followPowerFile, PtyEndpoint, serveControl, VirtualModule, FAULTS, type ControlRequest } from '../sim/index.ts';
import { UsageError, type CliOutput } from './output.ts';

export const SIM_USAGE = `usage: hil sim --pty PATH [options]
       hil sim ctl SOCKET power on|off | state | truth | updates

Runs the virtual module on a pseudo-terminal linked at PATH.
  --control SOCKET       control socket (default PATH.ctl)
  --time-scale N         rig time runs N times wall time (default 1)
  --seed N               seed for drawn delays and noise
  --fault NAME           inject a fault (repeatable): ${Object.keys(FAULTS).join(', ')}
  --profile ID           simulated module dialect (default generic-27007)
  --update-blocks N      stage an OTA update delivered in N blocks
  --new-imsi IMSI        the staged update switches the SIM to this IMSI
  --power on|off         power at start (default on)
  --power-file FILE      follow a GPIO value file as the power input ('1' = powered)
  --power-active-low     with --power-file: '0' = powered, as behind an active-low relay`;

export async function simCommand(args: string[], out: CliOutput): Promise<number> {
  if (args[0] === 'ctl') return simControl(args.slice(1), out);
  const { values } = parseArgs({
    args,
    options: {
      pty: { type: 'string' },
      control: { type: 'string' },
      'time-scale': { type: 'string', default: '1' },
      seed: { type: 'string' },
      fault: { type: 'string', multiple: true, default: [] },
      profile: { type: 'string' },
      'update-blocks': { type: 'string' },
      'new-imsi': { type: 'string' },
      power: { type: 'string', default: 'on' },
      'power-file': { type: 'string' },
      'power-active-low': { type: 'boolean', default: false },
    },
  });
  if (!values.pty) throw new UsageError('hil sim: --pty PATH is required');
  if (values.power !== 'on' && values.power !== 'off') throw new UsageError(`hil sim: --power takes on or off, got "${values.power}"`);
  if (values['power-active-low'] && !values['power-file']) throw new UsageError('hil sim: --power-active-low applies to --power-file only');
  const clock = new ScaledClock(positiveNumber('--time-scale', values['time-scale']));
  const blocks = values['update-blocks'] === undefined ? undefined : positiveNumber('--update-blocks', values['update-blocks']);
  let module: VirtualModule;
  try {
    module = new VirtualModule({
      clock,
      faults: values.fault,
      ...(values.seed !== undefined ? { seed: positiveNumber('--seed', values.seed) } : {}),
      ...(values.profile ? { profile: values.profile } : {}),
      ...(blocks ? { update: { packages: [{ name: 'operator-settings', version: '2' }], blocks, ...(values['new-imsi'] ? { newImsi: values['new-imsi'] } : {}) } } : {}),
    });
  } catch (error) {
    throw new UsageError(`hil sim: ${(error as Error).message}`);
  }
  const pty = await PtyEndpoint.open(values.pty);
  pty.onData((bytes) => module.write(bytes));
  module.on('data', (bytes) => pty.write(bytes));
  const controlPath = values.control ?? `${values.pty}.ctl`;
  const control = await serveControl(module, controlPath);
  module.truth.subscribe((event) => {
    const detail = event.detail ? ` ${JSON.stringify(event.detail)}` : '';
    out.stdout(`[${formatRigTime(event.rig)}] ${event.what}${detail}`);
  });
  out.stdout(`virtual module on ${values.pty} (${pty.devicePath}), control socket ${controlPath}, time scale ${clock.scale}`);
  const follower = values['power-file'] ? followPowerFile(module, values['power-file'], values['power-active-low'] ? '0' : '1') : undefined;
  if (!follower) module.power(values.power === 'on');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  follower?.stop();
  module.power(false);
  control.close();
  await pty.close();
  return 0;
}

async function simControl(args: string[], out: CliOutput): Promise<number> {
  const [socket, op, value] = args;
  if (!socket) throw new UsageError(SIM_USAGE);
  let request: ControlRequest;
  if (op === 'power' && (value === 'on' || value === 'off')) request = { op: 'power', on: value === 'on' };
  else if (op === 'state' || op === 'truth' || op === 'updates') request = { op };
  else throw new UsageError(SIM_USAGE);
  const result = await controlRequest(socket, request);
  out.stdout(JSON.stringify(result, null, 2));
  return 0;
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`hil sim: ${flag} takes a positive number, got "${text}"`);
  return value;
}
