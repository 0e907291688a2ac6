// One run per bench: a lock file named after the bench's serial port, holding the owner's PID.
// A lock whose process is gone, or whose PID now belongs to another process, is stale and taken over.
import { existsSync, linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LockHolder {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/PID/stat), which tells a reused PID apart. */
  startTicks: number | undefined;
  rig: string;
  rigFile: string;
  since: string;
  command: string;
}

export interface BenchLock {
  readonly path: string;
  release(): void;
}

/** HIL_LOCK_DIR, else /run/lock (shared by every user of the host), else the temp folder. */
function lockDir(): string {
  return process.env.HIL_LOCK_DIR ?? (existsSync('/run/lock') ? '/run/lock' : tmpdir());
}

export function lockPath(serialPath: string, dir = lockDir()): string {
  return join(dir, `hil-${serialPath.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
}

function startTicks(pid: number): number | undefined {
  try {
    // The command name may hold spaces and parentheses: fields are counted after its closing one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = startTicks(holder.pid);
  return now === undefined || holder.startTicks === undefined || now === holder.startTicks;
}

/** Creates the lock with its content in one step (a hard link), so no reader sees it half written. */
function tryCreate(path: string, holder: LockHolder): boolean {
  const draft = `${path}.${process.pid}`;
  try {
    writeFileSync(draft, `${JSON.stringify(holder, null, 2)}\n`);
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`cannot create the bench lock ${path}: ${(error as Error).message}; set HIL_LOCK_DIR to a writable folder`);
  } finally {
    rmSync(draft, { force: true });
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined; // removed meanwhile, or not a lock this harness wrote
  }
}

/**
 * Takes the bench's lock or throws, naming the run that holds it. `note` hears of a stale lock taken over.
 */
export function lockBench(serialPath: string, rig: { name: string; file: string }, note: (text: string) => void, dir = lockDir()): BenchLock {
  const path = lockPath(serialPath, dir);
  const me: LockHolder = {
    pid: process.pid,
    startTicks: startTicks(process.pid),
    rig: rig.name,
    rigFile: rig.file,
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
  };
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, me)) break;
    const holder = readHolder(path);
    if (holder && isAlive(holder)) {
      throw new Error(
        `the bench on ${serialPath} is in use by process ${holder.pid} (rig "${holder.rig}", ${holder.command}) since ${holder.since}; ` +
          `wait for it to finish, or stop it; the lock is ${path}`,
      );
    }
    // Two runs racing for one stale lock: one of them removes it and wins the create above.
    if (attempt > 0) throw new Error(`cannot take the bench lock ${path}: another run is taking it over too`);
    note(`bench lock ${path} was stale (${holder ? `process ${holder.pid} is gone` : 'unreadable'}); taking it over`);
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot remove the stale bench lock ${path}: ${(error as Error).message}`);
    }
  }
  return {
    path,
    release: () => {
      if (readHolder(path)?.pid === process.pid) unlinkSync(path);
    },
  };
}
