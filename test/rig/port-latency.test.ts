// The port's own latency: an FTDI adapter's latency timer read from a sysfs-shaped tree through the
// port's by-id link, a declared `serial.latency`, and how either widens the ± the rig states.
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RigController } from '../../harness/rig/controller.ts';
import { timingResolutionCheck } from '../../harness/rig/doctor.ts';
import { portLatency } from '../../harness/rig/port-latency.ts';
import { rigSchema } from '../../harness/rig/rig-file.ts';

describe('serial port latency', () => {
  let dir: string;
  let devices: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-latency-'));
    devices = join(dir, 'sys', 'bus', 'usb-serial', 'devices');
    await mkdir(join(dir, 'dev', 'serial', 'by-id'), { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A /dev entry, its by-id link, and, for an FTDI port, its usb-serial folder with a latency timer. */
  const port = async (name: string, latencyTimer?: string) => {
    await writeFile(join(dir, 'dev', name), '');
    const link = join(dir, 'dev', 'serial', 'by-id', `usb-vendor-${name}`);
    await symlink(`../../${name}`, link);
    await mkdir(join(devices, name), { recursive: true });
    if (latencyTimer !== undefined) await writeFile(join(devices, name, 'latency_timer'), latencyTimer);
    return link;
  };

  it('reads an FTDI adapter\'s latency timer through the port\'s by-id link', async () => {
    const link = await port('ttyUSB3', '16\n');
    const file = join(devices, 'ttyUSB3', 'latency_timer');
    expect(portLatency(link, undefined, devices)).to.deep.equal({ wallMs: 16, source: file, timer: file });
  });

  it('finds none for a module\'s own USB port (no timer), nor for a port that is not there', async () => {
    const link = await port('ttyUSB2');
    expect(portLatency(link, undefined, devices).wallMs).to.equal(0);
    expect(portLatency(join(dir, 'dev', 'ttyUSB9'), undefined, devices).wallMs).to.equal(0);
  });

  it('takes a declared latency over the timer', async () => {
    const link = await port('ttyUSB3', '16\n');
    expect(portLatency(link, 4, devices)).to.deep.equal({ wallMs: 4, source: 'serial.latency in the rig file' });
  });

  it('refuses a timer file that holds no timer, naming it', async () => {
    const link = await port('ttyUSB3', 'sixteen\n');
    expect(() => portLatency(link, undefined, devices)).to.throw(`${join(devices, 'ttyUSB3', 'latency_timer')} holds "sixteen": expected the adapter's latency timer`);
  });

  it('doctor advises lowering an adapter\'s latency timer above 1 ms, naming its file, and nothing else', async () => {
    const check = (link: string, declared?: number) => timingResolutionCheck(portLatency(link, declared, devices), 'the resolution');
    const slow = check(await port('ttyUSB3', '16\n'));
    expect(slow.verdict).to.equal('warn');
    expect(slow.detail).to.equal('the resolution: the adapter holds a short read back up to 16 ms');
    expect(slow.fix).to.contain(`echo 1 > ${join(devices, 'ttyUSB3', 'latency_timer')}`);
    expect(check(await port('ttyUSB4', '1\n')), 'a timer already at its least').to.deep.equal({ name: 'timing resolution', verdict: 'ok', detail: 'the resolution' });
    expect(check(await port('ttyUSB5')).verdict, 'a module\'s own port, no timer').to.equal('ok');
    expect(check(join(dir, 'dev', 'ttyUSB3'), 16).verdict, 'a declared latency: nothing the harness can name to lower').to.equal('ok');
  });

  it('a declared latency widens the rig\'s timing resolution, stretched by the time scale', async () => {
    const rigAt = async (timeScale: number, latency?: string) => {
      const config = rigSchema.parse({
        name: 'relay-bench',
        timeScale,
        // A `hil sim` behind a relay may run faster than the wall; its socket is not asked at open.
        ...(timeScale !== 1 && { simulator: { control: join(dir, 'module.ctl') } }),
        serial: { path: join(dir, 'dev', 'ttyS0'), ...(latency !== undefined && { latency }) },
        power: { type: 'exec', on: 'true', off: 'true' },
      });
      const rig = await RigController.open({ ...config, file: join(dir, 'rig.yaml') });
      await rig.safeState();
      return rig.timingResolution;
    };
    expect(await rigAt(1), 'the event loop alone').to.equal(2);
    expect(await rigAt(1, '16 ms')).to.equal(18);
    expect(await rigAt(10, '3 ms')).to.equal(50);
  });
});
