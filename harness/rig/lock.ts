// One run per bench: lock files named after the bench's serial port as the rig file names it and
// after the device it resolves to, so that a /dev/serial/by-id/ link and its target are one bench.
// Each holds the owner's PID; a lock whose process is gone, or whose PID now belongs to another
// process, is stale and taken over.
import { existsSync, linkSync, readFileSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { BenchError } from '../output/errors.ts';
import { formatDuration } from '../time/duration.ts';

export interface LockHolder {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/PID/stat), which tells a reused PID apart. */
  startTicks: number | undefined;
  rig: string;
  rigFile: string;
  /** The serial port as the holder's rig file names it, and the device it resolved to, if it did. */
  serialPath?: string;
  device?: string;
  /** Who started the run. */
  user: string;
  since: string;
  command: string;
  /** The `hil run` holding the bench, where it is one. */
  run?: LockRun;
}

export interface LockRun {
  id: string;
  suites: string[];
  reportDir: string;
  /** The suite running now, once one has started. */
  current?: string;
}

/** A run's lock could not be taken because a live process holds the bench. */
export class BenchInUseError extends BenchError {
  constructor(readonly holder: LockHolder, message: string) {
    super(message);
    this.name = 'BenchInUseError';
  }
}

let currentRun: LockRun | undefined;
/** Locks this process holds, rewritten when what it runs changes. */
const held = new Map<string, LockHolder>();

/** What this process's lock says it is running: set by `hil run` before it opens the rig. */
export function describeRun(run: LockRun | undefined): void {
  currentRun = run;
}

/** The suite now running: the locks this process holds say so from now on. */
export function runningSuite(suite: string): void {
  if (!currentRun) return;
  currentRun = { ...currentRun, current: suite };
  for (const [path, holder] of held) {
    if (readHolder(path)?.pid !== process.pid) continue; // taken from us: not ours to rewrite
    const updated = { ...holder, run: currentRun };
    // Replaced whole (write, then rename over it), so that a reader never sees it half written.
    const draft = draftOf(path);
    try {
      writeFileSync(draft, lockText(updated));
      renameSync(draft, path);
      held.set(path, updated);
    } catch {
      rmSync(draft, { force: true }); // the lock still holds the bench, only its description is older
    }
  }
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`; // a uid with no passwd entry
  }
}

/** "process 42 (user ana, rig "bench-1" on /dev/serial/by-id/…, run R, suites boot-delay; report reports/R) since T" */
export function describeHolder(holder: LockHolder): string {
  const run = holder.run ? `run ${holder.run.id}, ${describeSuites(holder.run)}, report ${holder.run.reportDir}` : holder.command;
  const port = holder.serialPath ? ` on ${holder.serialPath}` : '';
  return `process ${holder.pid} (user ${holder.user ?? '?'}, rig "${holder.rig}"${port}, ${run}) since ${holder.since}`;
}

function describeSuites(run: LockRun): string {
  const position = run.current === undefined ? -1 : run.suites.indexOf(run.current);
  if (position < 0) return `suite(s) ${run.suites.join(', ')}`;
  return `suite ${run.current} running (${position + 1} of ${run.suites.length}: ${run.suites.join(', ')})`;
}

/** Where this process writes a lock's content before it becomes the lock. */
function draftOf(path: string): string {
  return `${path}.${process.pid}`;
}

function lockText(holder: LockHolder): string {
  return `${JSON.stringify(holder, null, 2)}\n`;
}

export interface BenchLock {
  /** The lock named after the serial port as written. */
  readonly path: string;
  /** Every lock file taken: that one and the one named after the device. */
  readonly paths: readonly string[];
  release(): void;
}

/** HIL_LOCK_DIR, else /run/lock (shared by every user of the host), else the temp folder. */
function lockDir(): string {
  return process.env.HIL_LOCK_DIR ?? (existsSync('/run/lock') ? '/run/lock' : tmpdir());
}

/** The lock named after the serial port as written (`hil-dev_serial_by-id_….lock`). */
export function lockPath(serialPath: string, dir = lockDir()): string {
  return join(dir, `hil-${serialPath.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
}

/** What a serial path resolves to: its real path, and major.minor where it is a device node. */
export interface ResolvedDevice {
  realPath: string;
  /** `188.0`, as `ls -l` shows a device's major and minor number. */
  number?: string;
}

export function resolveDevice(serialPath: string): ResolvedDevice | undefined {
  try {
    const realPath = realpathSync(serialPath);
    const { rdev } = statSync(realPath, { bigint: true });
    if (rdev === 0n) return { realPath };
    // The kernel's encoding of dev_t (glibc's gnu_dev_major / gnu_dev_minor).
    const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
    const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
    return { realPath, number: `${major}.${minor}` };
  } catch {
    return undefined; // not there (yet): a USB module that is switched off has no device
  }
}

/**
 * Every lock a run on `serialPath` takes: the one named after the path as written, which holds
 * while a USB module is off and its device gone, and the one named after the device it resolves to
 * now (its device number, else its real path), which every other name of that device shares.
 */
export function lockPaths(serialPath: string, dir = lockDir()): string[] {
  const device = resolveDevice(serialPath);
  const byDevice = device?.number ? join(dir, `hil-device-${device.number}.lock`) : device && lockPath(device.realPath, dir);
  return [...new Set([lockPath(serialPath, dir), ...(byDevice ? [byDevice] : [])])];
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
  const draft = draftOf(path);
  try {
    writeFileSync(draft, lockText(holder));
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

/** Takes one lock file for `me`, taking over a stale one; throws BenchInUseError naming a live holder. */
function takeLock(path: string, me: LockHolder, port: string, note: (text: string) => void): void {
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, me)) return;
    const holder = readHolder(path);
    if (holder && isAlive(holder)) {
      throw new BenchInUseError(
        holder,
        `the bench on ${port} is in use by ${describeHolder(holder)}; wait for it to finish (hil run --wait-lock), or stop it; the lock is ${path}`,
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
}

function releaseLock(path: string): void {
  held.delete(path);
  if (readHolder(path)?.pid === process.pid) unlinkSync(path);
}

/**
 * Takes the bench's locks (see lockPaths) or throws, naming the run that holds one.
 * `note` hears of a stale lock taken over.
 */
export function lockBench(serialPath: string, rig: { name: string; file: string }, note: (text: string) => void, dir = lockDir()): BenchLock {
  const device = resolveDevice(serialPath);
  const me: LockHolder = {
    pid: process.pid,
    startTicks: startTicks(process.pid),
    rig: rig.name,
    rigFile: rig.file,
    serialPath,
    ...(device ? { device: device.realPath } : {}),
    user: userName(),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
    ...(currentRun ? { run: currentRun } : {}),
  };
  const port = device && device.realPath !== serialPath ? `${serialPath} (${device.realPath})` : serialPath;
  const paths = lockPaths(serialPath, dir);
  const taken: string[] = [];
  try {
    for (const path of paths) {
      takeLock(path, me, port, note);
      taken.push(path);
      held.set(path, me);
    }
  } catch (error) {
    taken.forEach(releaseLock);
    throw error;
  }
  return {
    path: paths[0]!,
    paths,
    release: () => paths.forEach(releaseLock),
  };
}

/** Wall ms between attempts while waiting for a bench, and between progress lines about the same holder. */
export const WAIT_POLL_MS = 1_000;
const PROGRESS_EVERY_MS = 30_000;

/**
 * Calls `take` until it stops failing with BenchInUseError, for at most `waitMs` of wall time.
 * `progress` hears who holds the bench on the first refusal, when the holder changes, and every 30 s.
 */
export async function waitForBench<T>(take: () => Promise<T>, waitMs: number, progress: (text: string) => void, pollMs = WAIT_POLL_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  let said: string | undefined;
  let saidAt = 0;
  for (;;) {
    try {
      return await take();
    } catch (error) {
      if (!(error instanceof BenchInUseError)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`gave up waiting ${formatDuration(waitMs)} for the bench: ${error.message}`);
      const holder = describeHolder(error.holder);
      if (holder !== said || Date.now() - saidAt >= PROGRESS_EVERY_MS) {
        progress(`waiting for the bench, ${formatDuration(left)} left: in use by ${holder}`);
        said = holder;
        saidAt = Date.now();
      }
      await sleep(Math.min(pollMs, left));
    }
  }
}
