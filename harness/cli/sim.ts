// `hil sim`: runs the virtual module as its own process on a pseudo-terminal, with a control socket.
import { parseArgs } from 'node:util';
import { MODULE_PROFILES, moduleProfile, type PwrkeyTimings } from '../module/index.ts';
import { ScaledClock } from '../time/clock.ts';
import { parseDuration } from '../time/duration.ts';
import { formatRigTime } from '../time/format.ts';
import { serveVendorApi } from '../sim/vendor-api.ts';
import { CurrentModel } from '../sim/current-model.ts';
import { VirtualPpk2 } from '../sim/virtual-ppk2.ts';
import { credentialsFromEnv, VENDOR_ENV } from '../vendor/config.ts';
import {
  controlRequest, DIALECT_NAMES, followPowerFile, followPwrkeyFile, PtyEndpoint, serveControl, UsbPtyPort, USB_ENUMERATION_MS, VirtualModule, FAULTS, type ControlRequest,
} from '../sim/index.ts';
import { controlSocketOf, DEFAULT_SIM_PTY, SIM_PTY_ENV, simPtyPath } from '../sim/pty-path.ts';
import { UsageError } from '../output/errors.ts';
import { type CliOutput } from '../output/streams.ts';
import { flagValue, positiveNumber } from './flags.ts';

export const SIM_USAGE = `usage: hil sim [--pty PATH] [options]
       hil sim ctl [SOCKET] power on|off | state | truth | updates | stage [BLOCKS [NEW-IMSI]] | reset

Runs the virtual module on a pseudo-terminal linked at PATH (default $${SIM_PTY_ENV}, else ${DEFAULT_SIM_PTY}: the
PTY rigs/sim-pty.yaml drives). \`ctl\` talks to its control socket (default the one beside that PTY);
\`ctl reset\` brings a running one back to its start (the SIM's IMSI, the update staged at the start,
no check due) for the next run.
  --control SOCKET       control socket (default PATH.ctl)
  --time-scale N         rig time runs N times wall time (default 1)
  --seed N               seed for drawn delays and noise
  --fault NAME           inject a fault (repeatable): ${Object.keys(FAULTS).join(', ')}
  --profile ID           simulated module profile (default generic-27007)
  --dialect NAME         what the module shows of the OTA sessions it carries out: ${DIALECT_NAMES.join(', ')}
                         (each profile offers some; default the profile's own)
  --update-blocks N      stage an OTA update delivered in N blocks (none is staged without it)
  --new-imsi IMSI        the staged update switches the SIM to this IMSI
  --power on|off         power at start (default on)
  --power-file FILE      follow a GPIO value file as the power input ('1' = powered)
  --power-active-low     with --power-file: '0' = powered, as behind an active-low relay
  --pwrkey-file FILE     follow a GPIO value file as the PWRKEY input ('1' = pressed): power alone then
                         leaves the module off; presses of the profile's PWRKEY timings start and stop it
  --pwrkey-active-low    with --pwrkey-file: '0' = pressed, as on a line driving PWRKEY directly
  --iccid ICCID          the simulated SIM's ICCID
  --vendor-api PORT      serve the OTA server's updates as the SIM vendor's API (GET /v1/Sims,
                         /v1/SettingsUpdates) on 127.0.0.1:PORT (0: any free port), behind Basic
                         authentication with ${VENDOR_ENV.apiKey} and ${VENDOR_ENV.apiSecret} (or ${VENDOR_ENV.accountSid} and ${VENDOR_ENV.authToken}) from the environment
  --vendor-outcome S     what the API reports of a delivered update: successful (default) or failed
  --vendor-lag DUR       wall time a delivered update still shows in-progress in the API ("2 s"; default none)
  --ppk2 PATH            a virtual Power Profiler Kit II on a pseudo-terminal linked at PATH, speaking
                         the PPK2 serial protocol, streaming the module's current model (rig file:
                         monitor: {driver: ppk2, path: PATH, supplyVoltage: 3.7})
  --usb                  the port is a USB device: gone while the module is off or restarting, back
                         ${USB_ENUMERATION_MS / 1000} s (rig time) after power-on as a new PTY behind the same PATH`;

export async function simCommand(args: string[], out: CliOutput): Promise<number> {
  if (args[0] === 'ctl') return simControl(args.slice(1), out);
  const { values } = parseArgs({
    args,
    options: {
      pty: { type: 'string', default: simPtyPath() },
      control: { type: 'string' },
      'time-scale': { type: 'string', default: '1' },
      seed: { type: 'string' },
      fault: { type: 'string', multiple: true, default: [] },
      profile: { type: 'string' },
      dialect: { type: 'string' },
      'update-blocks': { type: 'string' },
      'new-imsi': { type: 'string' },
      power: { type: 'string', default: 'on' },
      'power-file': { type: 'string' },
      'power-active-low': { type: 'boolean', default: false },
      'pwrkey-file': { type: 'string' },
      'pwrkey-active-low': { type: 'boolean', default: false },
      usb: { type: 'boolean', default: false },
      iccid: { type: 'string' },
      'vendor-api': { type: 'string' },
      'vendor-outcome': { type: 'string', default: 'successful' },
      'vendor-lag': { type: 'string' },
      ppk2: { type: 'string' },
    },
  });
  if (values.power !== 'on' && values.power !== 'off') throw new UsageError(`hil sim: --power takes on or off, got "${values.power}"`);
  if (values['power-active-low'] && !values['power-file']) throw new UsageError('hil sim: --power-active-low applies to --power-file only');
  if (values['pwrkey-active-low'] && !values['pwrkey-file']) throw new UsageError('hil sim: --pwrkey-active-low applies to --pwrkey-file only');
  const clock = new ScaledClock(flagValue('hil sim', '--time-scale', values['time-scale'], positiveNumber)!);
  const blocks = flagValue('hil sim', '--update-blocks', values['update-blocks'], positiveNumber);
  let module: VirtualModule;
  try {
    module = new VirtualModule({
      clock,
      faults: values.fault,
      ...(values.seed !== undefined ? { seed: flagValue('hil sim', '--seed', values.seed, positiveNumber) } : {}),
      ...(values.profile ? { profile: values.profile } : {}),
      ...(values.dialect ? { dialect: values.dialect } : {}),
      ...(values['pwrkey-file'] ? { pwrkey: profilePwrkey(values.profile ?? 'generic-27007') } : {}),
      ...(blocks ? { update: stagedUpdate(blocks, values['new-imsi']) } : {}),
      ...(values.iccid ? { iccid: values.iccid } : {}),
    });
  } catch (error) {
    throw new UsageError(`hil sim: ${(error as Error).message}`);
  }
  const vendorApi = values['vendor-api'] === undefined ? undefined : await vendorApiFor(module, values);
  const port = values.usb ? usbPort(module, values.pty, out) : await uartPort(module, values.pty);
  const ppk2 = values.ppk2 === undefined ? undefined : await ppk2Port(module, values.ppk2, out);
  const controlPath = values.control ?? controlSocketOf(values.pty);
  const control = await serveControl(module, controlPath);
  module.truth.subscribe((event) => {
    const detail = event.detail ? ` ${JSON.stringify(event.detail)}` : '';
    out.stdout(`[${formatRigTime(event.rig)}] ${event.what}${detail}`);
  });
  if (vendorApi) out.stdout(`vendor API on http://127.0.0.1:${(vendorApi.address() as { port: number }).port}`);
  out.stdout(`virtual module on ${values.pty} (${port.device}), control socket ${controlPath}, time scale ${clock.scale}, dialect ${module.dialectName}`);
  const powerFollower = values['power-file'] ? followPowerFile(module, values['power-file'], values['power-active-low'] ? '0' : '1') : undefined;
  if (!powerFollower) module.power(values.power === 'on');
  const pwrkeyFollower = values['pwrkey-file'] ? followPwrkeyFile(module, values['pwrkey-file'], values['pwrkey-active-low'] ? '0' : '1') : undefined;

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  powerFollower?.stop();
  pwrkeyFollower?.stop();
  module.power(false);
  control.close();
  vendorApi?.close();
  await ppk2?.close();
  await port.close();
  return 0;
}

/** The SIM vendor's API over the module's OTA server, with the account credentials of the environment. */
function vendorApiFor(module: VirtualModule, values: { 'vendor-api'?: string; 'vendor-outcome': string; 'vendor-lag'?: string }) {
  const port = Number(values['vendor-api']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`hil sim: --vendor-api takes a port from 0 to 65535, got "${values['vendor-api']}"`);
  const outcome = values['vendor-outcome'];
  if (outcome !== 'successful' && outcome !== 'failed') throw new UsageError(`hil sim: --vendor-outcome takes successful or failed, got "${outcome}"`);
  let lagMs = 0;
  try {
    if (values['vendor-lag'] !== undefined) lagMs = parseDuration(values['vendor-lag']);
  } catch (error) {
    throw new UsageError(`hil sim: --vendor-lag: ${(error as Error).message}`);
  }
  const credentials = credentialsFromEnv(process.env);
  if (!credentials) throw new UsageError(`hil sim: --vendor-api needs ${VENDOR_ENV.apiKey} and ${VENDOR_ENV.apiSecret} (or ${VENDOR_ENV.accountSid} and ${VENDOR_ENV.authToken}) in the environment: the account the API accepts`);
  return serveVendorApi(port, { iccid: module.uicc.iccid, lookup: () => module.server.lookup(module.uicc.iccid), clock: module.clock, credentials, outcome, lagMs });
}

interface SimPort {
  device: string;
  close(): Promise<void>;
}

/** A port that stays whatever the module's power, as a UART behind a USB-serial adapter. */
async function uartPort(module: VirtualModule, link: string): Promise<SimPort> {
  const pty = await PtyEndpoint.open(link);
  pty.onData((bytes) => module.write(bytes));
  module.on('data', (bytes) => pty.write(bytes));
  return { device: pty.devicePath, close: () => pty.close() };
}

/** The virtual PPK2 on its own PTY, fed by the module's current model. */
async function ppk2Port(module: VirtualModule, link: string, out: CliOutput): Promise<SimPort> {
  const ppk2 = new VirtualPpk2(module.clock, new CurrentModel(module), (text) => out.stdout(`[${formatRigTime(module.clock.now())}] ${text}`));
  const pty = await PtyEndpoint.open(link);
  pty.onData((bytes) => ppk2.write(bytes));
  ppk2.onData((bytes) => pty.write(bytes));
  out.stdout(`virtual PPK2 on ${link} (${pty.devicePath}), one sample every ${ppk2.periodUs} µs of rig time`);
  return { device: pty.devicePath, close: async () => { await ppk2.close(); await pty.close(); } };
}

function usbPort(module: VirtualModule, link: string, out: CliOutput): SimPort {
  const usb = new UsbPtyPort(module, link, (text) => out.stdout(`[${formatRigTime(module.clock.now())}] ${text}`));
  return { device: 'USB, there while powered', close: () => usb.close() };
}

const CONTROL_OPS = ['power', 'state', 'truth', 'updates', 'stage', 'reset'];

async function simControl(args: string[], out: CliOutput): Promise<number> {
  // Without a SOCKET, the one beside the default PTY.
  if (CONTROL_OPS.includes(args[0] ?? '')) args = [controlSocketOf(simPtyPath()), ...args];
  const [socket, op, value] = args;
  if (!socket) throw new UsageError(SIM_USAGE);
  let request: ControlRequest;
  if (op === 'power' && (value === 'on' || value === 'off')) request = { op: 'power', on: value === 'on' };
  else if (op === 'state' || op === 'truth' || op === 'updates' || op === 'reset') request = { op };
  else if (op === 'stage') request = { op, ...stagedUpdate(value === undefined ? 1 : flagValue('hil sim', 'stage BLOCKS', value, positiveNumber)!, args[3]) };
  else throw new UsageError(`hil sim ctl: expected power on|off, state, truth, updates, stage [BLOCKS [NEW-IMSI]] or reset, got "${args.slice(1).join(' ')}"\n${SIM_USAGE}`);
  const result = await controlRequest(socket, request);
  out.stdout(JSON.stringify(result, null, 2));
  return 0;
}

/** The update `hil sim` stages when asked: operator settings in `blocks` blocks, optionally switching the IMSI. */
function stagedUpdate(blocks: number, newImsi: string | undefined) {
  return { packages: [{ name: 'operator-settings', version: '2' }], blocks, ...(newImsi ? { newImsi } : {}) };
}

/** The PWRKEY timings of the simulated module's profile, which --pwrkey-file follows. */
function profilePwrkey(id: string): PwrkeyTimings {
  const timings = moduleProfile(id).pwrkey;
  if (timings) return timings;
  const withTimings = Object.values(MODULE_PROFILES).filter((profile) => profile.pwrkey).map((profile) => profile.id);
  throw new Error(`--pwrkey-file needs PWRKEY timings, and module profile "${id}" has none; pick a --profile with them: ${withTimings.join(', ')}`);
}
