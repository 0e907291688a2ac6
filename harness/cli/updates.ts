// `hil updates`: the SIM's settings updates as the SIM vendor's API shows them, newest first.
import { parseArgs } from 'node:util';
import { redaction } from '../output/redaction.ts';
import { RigController } from '../rig/controller.ts';
import { loadRigFlag } from './flags.ts';
import { guardBench, startSafe } from '../rig/safe-state.ts';
import { SuperSimClient, type ApiSettingsUpdate } from '../vendor/client.ts';
import { DEFAULT_SUPERSIM_API, VENDOR_ENV } from '../vendor/config.ts';
import { vendorApiSettings } from '../results/vendor-settings.ts';
import { packagesText } from '../vendor/records.ts';
import { UsageError } from '../output/errors.ts';
import { type CliOutput } from '../output/streams.ts';

export const UPDATES_USAGE = `usage: hil updates --iccid ICCID | --rig FILE [--json] [--lab-file FILE]

Prints the SIM's settings updates as the SIM vendor's Super SIM API shows them, newest first: status,
packages and dates.
  --iccid ICCID     the SIM's ICCID
  --rig FILE        read the ICCID from the module on this rig (powers it up; leaves the bench in its safe state)
  --json            the API's records as JSON
  --lab-file FILE   lab file with supersim: { api, credentialsFile } (default HIL_LAB_FILE)

The API is ${VENDOR_ENV.api} (default ${DEFAULT_SUPERSIM_API}); its credentials come from the environment,
${VENDOR_ENV.apiKey} and ${VENDOR_ENV.apiSecret} or ${VENDOR_ENV.accountSid} and ${VENDOR_ENV.authToken}, or from the lab file's credentials file.`;

export async function updatesCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { iccid: { type: 'string' }, rig: { type: 'string' }, json: { type: 'boolean', default: false }, 'lab-file': { type: 'string' } } });
  if ((values.iccid === undefined) === (values.rig === undefined)) throw new UsageError(`hil updates: give --iccid ICCID or --rig FILE\n${UPDATES_USAGE}`);
  if (values.iccid !== undefined && !/^\d{18,22}$/.test(values.iccid)) throw new UsageError(`hil updates: --iccid takes the 18 to 22 digits of an ICCID, got "${values.iccid}"`);
  let api;
  try {
    api = await vendorApiSettings(values['lab-file']);
  } catch (error) {
    throw new UsageError(`hil updates: ${(error as Error).message}`);
  }
  if (!api) {
    throw new UsageError(`hil updates: the SIM vendor's API is not configured: set ${VENDOR_ENV.apiKey} and ${VENDOR_ENV.apiSecret} (or ${VENDOR_ENV.accountSid} and ${VENDOR_ENV.authToken}), or supersim.credentialsFile in the lab file`);
  }
  const say = (text: string) => out.stdout(redaction.text(text));
  const iccid = values.iccid ?? (await moduleIccid(values.rig!, say));
  const updates = await new SuperSimClient(api).updatesByIccid(iccid);
  if (values.json) {
    say(JSON.stringify(updates, null, 2));
    return 0;
  }
  say(`SIM ${iccid}: ${updates.length} settings update${updates.length === 1 ? '' : 's'} at ${api.baseUrl}, newest first`);
  for (const update of updates) say(`  ${describeUpdate(update)}`);
  return 0;
}

export function describeUpdate(update: ApiSettingsUpdate): string {
  const completed = update.date_completed ? `, completed ${update.date_completed}` : '';
  return `${update.status.padEnd(11)} ${packagesText(update.packages ?? [])} (${update.sid}; created ${update.date_created ?? '?'}${completed})`;
}

/** Boots the module on the rig to read its ICCID, then leaves the bench in its safe state. */
async function moduleIccid(rigFile: string, say: (text: string) => void): Promise<string> {
  const config = await loadRigFlag(rigFile);
  const rig = await RigController.open(config);
  const guard = guardBench(() => rig.safeState(), async (why) => say(`hil updates: ${why}; leaving the bench in its safe state`));
  try {
    await startSafe(rig);
    await rig.powerOn();
    await rig.waitReady();
    await rig.identity();
  } finally {
    if (!guard.aborted()) {
      guard.release();
      await rig.safeState();
    }
  }
  if (!rig.iccid) throw new Error(`the module on rig "${config.name}" reported no ICCID (${rig.profile.iccidCommand})`);
  return rig.iccid;
}
