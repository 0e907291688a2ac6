// Finding the processes that hold a serial port, from the /proc/<pid>/fd links of real processes.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeHolders, portHolders } from '../../harness/rig/port-holders.ts';
import { tempDirEach } from '../config/temp-dir.ts';

/** `sleep` with `path` open as its fd 3, as a terminal program holds a port. */
function holdOpen(path: string): ChildProcess {
  const fd = openSync(path, 'r');
  try {
    return spawn('sleep', ['60'], { stdio: ['ignore', 'ignore', 'ignore', fd] });
  } finally {
    closeSync(fd);
  }
}

describe('port holders', () => {
  const dir = tempDirEach('port-holders-');
  let holder: ChildProcess | undefined;
  afterEach(() => {
    holder?.kill();
    holder = undefined;
  });

  it('names another process that has the port open, by its path or a link to it, and not this one', async () => {
    const port = join(dir(), 'ttyUSB0');
    await writeFile(port, '');
    const link = join(dir(), 'module');
    await symlink(port, link);
    const own = openSync(port, 'r');
    try {
      expect(await portHolders(port), 'this process alone has it open').to.deep.equal([]);
      holder = holdOpen(port);
      await new Promise((resolve) => holder!.once('spawn', resolve));
      expect(await portHolders(port)).to.deep.equal([{ pid: holder.pid, command: 'sleep' }]);
      expect(await portHolders(link)).to.deep.equal([{ pid: holder.pid, command: 'sleep' }]);
    } finally {
      closeSync(own);
    }
  });

  it('skips entries that are no process and processes it cannot read', async () => {
    const proc = join(dir(), 'proc');
    const port = join(dir(), 'ttyACM0');
    await writeFile(port, '');
    await mkdir(join(proc, '12', 'fd'), { recursive: true });
    await symlink(port, join(proc, '12', 'fd', '3'));
    await writeFile(join(proc, '12', 'comm'), 'minicom\n');
    await mkdir(join(proc, '13')); // gone, or another user's: its fd folder cannot be read
    await mkdir(join(proc, 'self', 'fd'), { recursive: true });
    await symlink(port, join(proc, 'self', 'fd', '0'));
    expect(await portHolders(port, proc)).to.deep.equal([{ pid: 12, command: 'minicom' }]);
  });

  it('says who holds the port', () => {
    expect(describeHolders('/dev/ttyUSB0', [{ pid: 1234, command: 'minicom' }])).to.equal('the port /dev/ttyUSB0 is held by pid 1234 (minicom)');
    expect(describeHolders('/dev/ttyUSB0', [{ pid: 1, command: 'a' }, { pid: 2, command: 'b' }])).to.equal('the port /dev/ttyUSB0 is held by pids 1 (a), 2 (b)');
  });
});
