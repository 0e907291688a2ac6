// Stable serial names: finding the /dev/serial/by-id/ link of a /dev/ttyUSBn, and what to do when
// a port will not open.
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUnstableName, openFailureHint, stableAlias } from '../../harness/rig/serial-path.ts';

const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('serial port names', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-serial-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds the by-id link of a device, and none for a link already stable', async () => {
    const device = join(dir, 'ttyUSB2');
    const byId = join(dir, 'by-id');
    await writeFile(device, '');
    await writeFile(join(dir, 'ttyUSB3'), '');
    await mkdir(byId);
    await symlink('../ttyUSB3', join(byId, 'usb-FTDI_FT232R-if00-port0'));
    await symlink('../ttyUSB2', join(byId, 'usb-Quectel_EG25-G-if02-port0'));
    expect(stableAlias(device, byId)).to.equal(join(byId, 'usb-Quectel_EG25-G-if02-port0'));
    expect(stableAlias(join(byId, 'usb-Quectel_EG25-G-if02-port0'), byId)).to.equal(undefined);
    expect(stableAlias(join(dir, 'ttyUSB9'), byId), 'a device that is not there').to.equal(undefined);
  });

  it('knows which names move when a USB device re-enumerates', () => {
    expect(isUnstableName('/dev/ttyUSB0')).to.equal(true);
    expect(isUnstableName('/dev/ttyACM12')).to.equal(true);
    expect(isUnstableName('/dev/ttyAMA0')).to.equal(false);
    expect(isUnstableName('/dev/serial/by-id/usb-Quectel_EG25-G-if02-port0')).to.equal(false);
  });

  it('says what to do about a port that would not open', () => {
    expect(openFailureHint('/dev/ttyUSB2', failure('ENOENT', 'No such file or directory, cannot open /dev/ttyUSB2'))).to.equal(
      'the device did not appear: check that the module powers up and enumerates (watch `dmesg -w` while it switches on); ' +
        '/dev/ttyUSB2 may come back under another number: name the port by its /dev/serial/by-id/ link',
    );
    expect(openFailureHint('/dev/ttyAMA0', failure('EACCES', 'Permission denied, cannot open /dev/ttyAMA0'))).to.match(/"dialout"/);
    expect(openFailureHint('/dev/ttyAMA0', new Error('Error Resource temporarily unavailable Cannot lock port'))).to.match(/fuser \/dev\/ttyAMA0/);
  });
});
