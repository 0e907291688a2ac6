// Other processes that have a serial port open (a terminal program left on it reads the module's
// answers before the harness does), found through the /proc/<pid>/fd links as fuser and lsof do.
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';

export interface PortHolder {
  pid: number;
  /** The process's command name (/proc/<pid>/comm), e.g. minicom. */
  command: string;
}

/** The files a process has open; none for a process that cannot be read (another user's, or gone). */
async function openFiles(procDir: string, pid: string): Promise<string[]> {
  const fdDir = join(procDir, pid, 'fd');
  const fds = await readdir(fdDir).catch(() => []);
  const targets = await Promise.all(fds.map((fd) => readlink(join(fdDir, fd)).catch(() => undefined)));
  return targets.filter((target) => target !== undefined);
}

/**
 * The processes other than this one that have `path`, or the device it links to, open. Processes
 * that cannot be read are skipped: without root, only the user's own are seen.
 */
export async function portHolders(path: string, procDir = '/proc'): Promise<PortHolder[]> {
  const device = await realpath(path).catch(() => path);
  const pids = (await readdir(procDir).catch(() => [])).filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid);
  const holders: PortHolder[] = [];
  for (const pid of pids) {
    if (!(await openFiles(procDir, pid)).includes(device)) continue;
    const command = (await readFile(join(procDir, pid, 'comm'), 'utf8').catch(() => '?')).trim();
    holders.push({ pid: Number(pid), command });
  }
  return holders;
}

/** "the port /dev/ttyUSB0 is held by pid 1234 (minicom)", naming every holder. */
export function describeHolders(path: string, holders: readonly PortHolder[]): string {
  const named = holders.map((h) => `${h.pid} (${h.command})`).join(', ');
  return `the port ${path} is held by pid${holders.length > 1 ? 's' : ''} ${named}`;
}
