// The bench lock: one run per serial port; stale locks (process gone, PID reused) are taken over.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchInUseError, describeRun, lockBench, lockPath, lockPaths, runningSuite, waitForBench, type LockHolder } from '../../harness/rig/lock.ts';

const PORT = '/dev/serial/by-id/usb-Quectel_EG25-G-if02-port0';
const RIG = { name: 'bench-1', file: '/rigs/bench-1.yaml' };
const LOCK_MODULE = fileURLToPath(new URL('../../harness/rig/lock.ts', import.meta.url));

/** Field 22 of /proc/PID/stat, read here on its own: the fields after the command name's last ')'. */
function realStartTicks(pid: number): number {
  const match = /\) \S+(?: \S+){18} (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\(.*\)/s, ')'));
  return Number(match![1]);
}

/**
 * Runs `lockBench(port)` in a process that may not signal other users' processes: root's files, but
 * without CAP_KILL (dropped from the bounding set before it starts), as a user other than root is.
 */
function lockWithoutCapKill(port: string, dir: string): { stdout: string; stderr: string } {
  const script = `import { lockBench } from ${JSON.stringify(LOCK_MODULE)};
try { lockBench(${JSON.stringify(port)}, { name: 'other-rig', file: '/rigs/other.yaml' }, () => {}, ${JSON.stringify(dir)}); console.log('taken'); }
catch (error) { console.log(error.name + ': ' + error.message); }`;
  const run = spawnSync('setpriv', ['--bounding-set=-kill', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return { stdout: run.stdout, stderr: run.stderr };
}

describe('bench lock', () => {
  let dir: string;
  let notes: string[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-lock-'));
    notes = [];
  });
  afterEach(() => {
    describeRun(undefined);
    return rm(dir, { recursive: true, force: true });
  });

  const take = () => lockBench(PORT, RIG, (text) => notes.push(text), dir);
  const holder = (fields: Partial<LockHolder>): LockHolder => ({
    pid: process.pid, startTicks: undefined, rig: 'other', rigFile: '/rigs/other.yaml', user: 'ana', since: '2024-01-01T00:00:00.000Z', command: 'hil run', ...fields,
  });

  it('is a file named after the serial port, holding the run', () => {
    const lock = take();
    expect(lock.path).to.equal(join(dir, 'hil-dev_serial_by-id_usb-Quectel_EG25-G-if02-port0.lock'));
    const held = JSON.parse(readFileSync(lock.path, 'utf8')) as LockHolder;
    expect(held).to.include({ pid: process.pid, rig: 'bench-1', rigFile: '/rigs/bench-1.yaml', user: userInfo().username });
    expect(held.startTicks).to.be.a('number');
    lock.release();
    expect(existsSync(lock.path)).to.equal(false);
  });

  it('refuses a second run on the same port, naming the run that holds it', () => {
    writeFileSync(lockPath(PORT, dir), JSON.stringify(holder({ pid: process.ppid, rig: 'bench-1-nightly' })));
    expect(take).to.throw(BenchInUseError, `the bench on ${PORT} is in use by process ${process.ppid} (user ana, rig "bench-1-nightly", hil run) since 2024-01-01T00:00:00.000Z`);
  });

  it('names the run, its suites and its report folder to a second run', () => {
    describeRun({ id: 'R1', suites: ['boot-delay', 'power-cycle-reset'], reportDir: '/reports/R1' });
    const lock = take();
    try {
      const since = (JSON.parse(readFileSync(lock.path, 'utf8')) as LockHolder).since;
      expect(take).to.throw(
        `in use by process ${process.pid} (user ${userInfo().username}, rig "bench-1" on ${PORT}, run R1, suite(s) boot-delay, power-cycle-reset, report /reports/R1) since ${since}; ` +
          'wait for it to finish (hil run --wait-lock), or stop it',
      );
    } finally {
      lock.release();
    }
  });

  it('names the suite running now once one has started', () => {
    describeRun({ id: 'R2', suites: ['boot-delay', 'power-cycle-reset'], reportDir: '/reports/R2' });
    const lock = take();
    try {
      runningSuite('power-cycle-reset');
      const held = JSON.parse(readFileSync(lock.path, 'utf8')) as LockHolder;
      expect(held.run?.current).to.equal('power-cycle-reset');
      expect(held.pid, 'still this process\'s lock').to.equal(process.pid);
      expect(take).to.throw(`run R2, suite power-cycle-reset running (2 of 2: boot-delay, power-cycle-reset), report /reports/R2`);
    } finally {
      lock.release();
    }
    expect(existsSync(lock.path), 'released after the update').to.equal(false);
  });

  describe('waiting for the bench', () => {
    const POLL_MS = 20;

    it('takes the bench once its holder releases it, saying who it waits for', async () => {
      const first = take();
      const progress: string[] = [];
      const released = setTimeout(() => first.release(), 150);
      try {
        const second = await waitForBench(async () => take(), 5_000, (text) => progress.push(text), POLL_MS);
        expect((JSON.parse(readFileSync(second.path, 'utf8')) as LockHolder).pid).to.equal(process.pid);
        second.release();
      } finally {
        clearTimeout(released);
        first.release();
      }
      expect(progress, 'one line for one holder').to.have.length(1);
      expect(progress[0]).to.match(/^waiting for the bench, \d+(\.\d)? s left: in use by process \d+ \(user .*, rig "bench-1" on \/dev\/serial\/by-id\/usb-Quectel_EG25-G-if02-port0, /);
    });

    it('gives up after the wait, naming the holder', async () => {
      const held = take();
      try {
        const started = Date.now();
        const error = await waitForBench(async () => take(), 200, () => {}, POLL_MS).then(() => undefined, (e: Error) => e);
        expect(Date.now() - started).to.be.within(200, 2_000);
        expect(error?.message).to.match(new RegExp(`^gave up waiting 200 ms for the bench: the bench on ${PORT} is in use by process ${process.pid} `));
      } finally {
        held.release();
      }
    });

    it('does not wait on other errors', async () => {
      const error = await waitForBench(() => Promise.reject(new Error('no such port')), 5_000, () => {}, POLL_MS).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.equal('no such port');
    });
  });

  it('takes over the lock of a process that is gone, and says so', () => {
    const gone = spawnSync('true').pid!;
    writeFileSync(lockPath(PORT, dir), JSON.stringify(holder({ pid: gone })));
    const lock = take();
    expect(notes).to.deep.equal([`bench lock ${lock.path} was stale (process ${gone} is gone); taking it over`]);
    expect((JSON.parse(readFileSync(lock.path, 'utf8')) as LockHolder).pid).to.equal(process.pid);
    lock.release();
  });

  it('takes over a lock whose PID now belongs to another process', () => {
    // Our own PID, but a start time that is not ours: the holder died and the PID came round again.
    writeFileSync(lockPath(PORT, dir), JSON.stringify(holder({ startTicks: 1 })));
    const lock = take();
    expect(notes).to.have.length(1);
    lock.release();
  });

  it('says which suite runs now, first of several too, and rewrites only a lock that is still its own', () => {
    const lock = take();
    runningSuite('boot-delay');
    expect((JSON.parse(readFileSync(lock.path, 'utf8')) as LockHolder).run, 'no run described: nothing to say').to.equal(undefined);
    lock.release();
    describeRun({ id: 'R3', suites: ['boot-delay', 'power-cycle-reset'], reportDir: '/reports/R3' });
    const described = take();
    runningSuite('boot-delay');
    expect(take).to.throw(BenchInUseError, 'suite boot-delay running (1 of 2: boot-delay, power-cycle-reset)');
    const theirs = JSON.stringify(holder({ pid: process.ppid }));
    writeFileSync(described.path, theirs);
    runningSuite('power-cycle-reset');
    expect(readFileSync(described.path, 'utf8'), 'taken from us: left as it is').to.equal(theirs);
    described.release();
  });

  it('records who holds the bench and how, and leaves no draft behind', () => {
    const link = join(dir, 'port-link');
    symlinkSync('/dev/null', link);
    const lock = lockBench(link, RIG, () => {}, dir);
    try {
      const held = JSON.parse(readFileSync(lock.path, 'utf8')) as LockHolder;
      expect(held).to.include({ serialPath: link, device: '/dev/null', command: process.argv.slice(1).join(' ') });
      expect(readdirSync(dir).sort()).to.deep.equal(['hil-device-1.3.lock', lockPath(link, dir).slice(dir.length + 1), 'port-link'].sort());
      expect(() => lockBench('/dev/null', RIG, () => {}, dir)).to.throw(BenchInUseError).with.property('name', 'BenchInUseError');
    } finally {
      lock.release();
    }
  });

  it('names its lock files after the path, however many slashes lead it', () => {
    expect(lockPath('//dev//ttyUSB0', dir)).to.equal(join(dir, 'hil-dev__ttyUSB0.lock'));
    const saved = process.env.HIL_LOCK_DIR;
    process.env.HIL_LOCK_DIR = dir;
    try {
      expect(lockPath('/dev/ttyUSB0')).to.equal(join(dir, 'hil-dev_ttyUSB0.lock'));
    } finally {
      if (saved === undefined) delete process.env.HIL_LOCK_DIR;
      else process.env.HIL_LOCK_DIR = saved;
    }
  });

  it('says which folder to set when the lock cannot be created', () => {
    const missing = join(dir, 'no-such-folder');
    expect(() => lockBench(PORT, RIG, () => {}, missing)).to.throw(
      new RegExp(`^cannot create the bench lock ${missing}/hil-dev_serial_by-id_usb-Quectel_EG25-G-if02-port0\\.lock: ENOENT.*; set HIL_LOCK_DIR to a writable folder$`),
    );
  });

  describe('one bench, whatever name the rig file gives its port', () => {
    it('refuses a run on a device node while a run holds it through a link, naming both paths', () => {
      const link = join(dir, 'usb-Quectel_EG25-G-if02-port0');
      symlinkSync('/dev/null', link);
      const first = lockBench(link, RIG, () => {}, dir);
      try {
        expect(first.paths).to.deep.equal([lockPath(link, dir), join(dir, 'hil-device-1.3.lock')]);
        expect(() => lockBench('/dev/null', { name: 'bench-1-again', file: '/rigs/again.yaml' }, () => {}, dir)).to.throw(
          BenchInUseError,
          new RegExp(`^the bench on /dev/null is in use by process ${process.pid} \\(user [^,]+, rig "bench-1" on ${link}, .*; the lock is ${dir}/hil-device-1\\.3\\.lock$`),
        );
        const other = join(dir, 'another-name');
        symlinkSync('/dev/null', other);
        expect(() => lockBench(other, RIG, () => {}, dir), 'a second link to the same device').to.throw(BenchInUseError, `the bench on ${other} (/dev/null) is in use`);
        expect(existsSync(lockPath(other, dir)), 'the refused run leaves no lock behind').to.equal(false);
      } finally {
        first.release();
      }
      expect(first.paths.filter((path) => existsSync(path)), 'every lock released').to.deep.equal([]);
      lockBench('/dev/null', RIG, () => {}, dir).release();
    });

    it('keys a port that is no device node on its real path', () => {
      const target = join(dir, 'port');
      writeFileSync(target, '');
      const link = join(dir, 'link-to-port');
      symlinkSync(target, link);
      expect(lockPaths(link, dir)).to.deep.equal([lockPath(link, dir), lockPath(target, dir)]);
      expect(lockPaths(target, dir), 'the real path names one lock').to.deep.equal([lockPath(target, dir)]);
      const lock = lockBench(link, RIG, () => {}, dir);
      try {
        expect(() => lockBench(target, RIG, () => {}, dir)).to.throw(BenchInUseError, `the lock is ${lockPath(target, dir)}`);
      } finally {
        lock.release();
      }
    });

    it('locks a port that is not there (a USB module switched off) by its name alone', () => {
      expect(lockPaths(PORT, dir)).to.deep.equal([lockPath(PORT, dir)]);
    });
  });

  describe('a holder that is alive', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      child?.kill();
      child = undefined;
    });

    it('is one this user may not signal (EPERM): the process of user nobody that holds the bench keeps it', function () {
      if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) this.skip(); // needs root and setpriv
      this.timeout(60_000); // a Node process starting on a loaded host
      child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sleep', '30'], { stdio: 'ignore' });
      const pid = child.pid!; // setpriv execs sleep in place: the same process
      writeFileSync(lockPath(PORT, dir), JSON.stringify(holder({ pid, startTicks: realStartTicks(pid), user: 'nobody' })));
      const run = lockWithoutCapKill(PORT, dir);
      expect(run.stdout, run.stderr).to.equal(`BenchInUseError: the bench on ${PORT} is in use by process ${pid} (user nobody, rig "other", hil run) since 2024-01-01T00:00:00.000Z; wait for it to finish (hil run --wait-lock), or stop it; the lock is ${lockPath(PORT, dir)}\n`);
    });

    it('holds the PID it had when it took the lock, told apart by its start time, whatever its command name', () => {
      // The command name lands between parentheses in /proc/PID/stat; this one has spaces and ')' in it.
      const sleeper = join(dir, 'x) (1 2 3');
      symlinkSync('/bin/sleep', sleeper);
      child = spawn(sleeper, ['30'], { stdio: 'ignore' });
      const pid = child.pid!;
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).to.contain('(x) (1 2 3)');
      const started = realStartTicks(pid);
      writeFileSync(lockPath(PORT, dir), JSON.stringify(holder({ pid, startTicks: started })));
      expect(take).to.throw(BenchInUseError, `in use by process ${pid} `);
      // The same PID with another start time: the holder died and the PID came round again.
      writeFileSync(lockPath(PORT, dir), JSON.stringify(holder({ pid, startTicks: started + 1 })));
      const lock = take();
      expect(notes).to.deep.equal([`bench lock ${lock.path} was stale (process ${pid} is gone); taking it over`]);
      lock.release();
    });
  });

  it('leaves a lock alone that another run holds by the time it releases', () => {
    const lock = take();
    writeFileSync(lock.path, JSON.stringify(holder({ pid: process.ppid })));
    lock.release();
    expect(existsSync(lock.path)).to.equal(true);
  });
});
