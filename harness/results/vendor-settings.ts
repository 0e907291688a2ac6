// The SIM vendor's API for a command: from the environment and the lab file's `supersim:` section,
// with its secret redacted from everything this process writes.
import { resolve } from 'node:path';
import { redaction } from '../output/redaction.ts';
import { ENV, loadLabFile } from './settings.ts';
import { loadVendorApi, type VendorApiConfig } from '../vendor/config.ts';

export async function vendorApiSettings(labFile = process.env[ENV.labFile]): Promise<VendorApiConfig | undefined> {
  const supersim = labFile ? (await loadLabFile(resolve(labFile))).supersim : undefined;
  return loadVendorApi(process.env, supersim ? { ...supersim, labFile: labFile! } : undefined, (secrets) => redaction.add(secrets));
}
