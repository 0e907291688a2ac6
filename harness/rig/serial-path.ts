// Serial device names: a USB module's /dev/ttyUSBn or /dev/ttyACMn number can change each time it
// re-enumerates (every power cycle), while its /dev/serial/by-id/ link stays. Rigs should use the link.
import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const BY_ID_DIR = '/dev/serial/by-id';

/** The by-id link that points at the same device as `path`, if `path` is not one already and one exists. */
export function stableAlias(path: string, byIdDir = BY_ID_DIR): string | undefined {
  if (path.startsWith(`${byIdDir}/`)) return undefined;
  try {
    const device = realpathSync(path);
    return readdirSync(byIdDir)
      .map((name) => join(byIdDir, name))
      .find((link) => realpathSync(link) === device);
  } catch {
    return undefined; // no such device (yet), or no by-id folder
  }
}

/** Whether the name may change when the device re-enumerates. */
export function isUnstableName(path: string): boolean {
  return /^\/dev\/tty(USB|ACM)\d+$/.test(path);
}

/** What to do about a port that would not open, from the last error. */
export function openFailureHint(path: string, error: Error): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = error.message;
  if (code === 'EACCES' || /permission denied/i.test(message)) return `add the user to the group that owns ${path} (usually "dialout") and log in again`;
  if (code === 'EBUSY' || /cannot lock port/i.test(message)) return `another program has the port open (see \`fuser ${path}\`)`;
  if (code === 'ENOENT' || /no such file/i.test(message)) {
    const unstable = isUnstableName(path) ? `; ${path} may come back under another number: name the port by its ${BY_ID_DIR}/ link` : '';
    return `the device did not appear: check that the module powers up and enumerates (watch \`dmesg -w\` while it switches on)${unstable}`;
  }
  return '';
}
