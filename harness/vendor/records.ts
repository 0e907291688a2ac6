// The API's settings-update records in the shape the harness's update sources share (that of the
// simulator's OTA server), and the package versions a SIM holds after its updates.
import type { SettingsPackage } from '../record/index.ts';
import type { SettingsUpdate } from '../sim/ota-server.ts';
import type { ApiSettingsUpdate } from './client.ts';

const epochMs = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);

/** The API does not say in how many blocks an update goes: `blocks` and `deliveredBlocks` are 0. */
export function toSettingsUpdate(record: ApiSettingsUpdate): SettingsUpdate {
  return {
    sid: record.sid,
    iccid: record.iccid ?? '',
    status: record.status,
    packages: (record.packages ?? []).map(({ name, version }) => ({ name, version })),
    blocks: 0,
    deliveredBlocks: 0,
    createdAt: epochMs(record.date_created),
    updatedAt: epochMs(record.date_updated),
  };
}

/** The packages a SIM holds: each package at the version of the newest successful update that installed it. */
export function installedPackages(updates: readonly SettingsUpdate[]): SettingsPackage[] {
  const installed = new Map<string, string>();
  for (const update of [...updates].reverse()) {
    if (update.status === 'successful') for (const p of update.packages) installed.set(p.name, p.version);
  }
  return [...installed].map(([name, version]) => ({ name, version })).sort((a, b) => a.name.localeCompare(b.name));
}

export function packagesText(packages: readonly SettingsPackage[]): string {
  return packages.map((p) => `${p.name} ${p.version}`).join(', ') || 'no packages';
}
