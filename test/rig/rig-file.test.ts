import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYamlText } from '../../harness/config/index.ts';
import { loadRigFile, rigSchema } from '../../harness/rig/rig-file.ts';
import { DEFAULT_FORCE_CHECK_APDU } from '../../harness/stk/index.ts';
import { configProblems } from '../config/problems.ts';

const parse = (text: string) => parseYamlText(text, 'rig.yaml', rigSchema);
const problems = (text: string) => configProblems(() => parse(text));

const REAL_SERIAL = 'serial: {path: /dev/ttyUSB2}\n';

describe('rig files', () => {
  it('applies the defaults to a minimal virtual rig', () => {
    expect(parse('name: v\nserial: {path: virtual}\npower: {type: virtual}\n')).to.deep.equal({
      name: 'v',
      timeScale: 120,
      serial: { path: 'virtual', baudRate: 115200 },
      power: { type: 'virtual' },
      safeState: 'off',
      module: 'generic-27007',
      sim: { profile: 'super-sim', forceCheckApdu: DEFAULT_FORCE_CHECK_APDU, dataApn: 'super', otaApn: 'ota.super' },
      settle: { discharge: 2000, bootTimeout: 60_000 },
    });
  });

  it('applies the defaults of real power switches, in milliseconds', () => {
    const gpio = parse(`name: g\n${REAL_SERIAL}power:\n  type: gpio\n  line: {line: 17}\n  pwrkey: {number: 539, pulseOff: 1.5 s}\n`);
    expect(gpio.timeScale).to.equal(1);
    // PWRKEY timings not given come from the module profile when the switch is opened.
    expect(gpio.power).to.deep.equal({
      type: 'gpio',
      line: { line: 17 },
      activeLow: true,
      pwrkey: { number: 539, activeLow: true, pulseOff: 1500 },
    });
    const exec = parse(`name: e\n${REAL_SERIAL}power: {type: exec, on: hub on, off: hub off, status: hub status}\n`);
    expect(exec.power).to.deep.equal({ type: 'exec', on: 'hub on', off: 'hub off', status: 'hub status', timeout: 10_000 });
  });

  it('normalises the force-check APDU to upper case', () => {
    const rig = parse('name: v\nserial: {path: virtual}\npower: {type: virtual}\nsim: {forceCheckApdu: 80c2000001d6}\n');
    expect(rig.sim.forceCheckApdu).to.equal('80C2000001D6');
  });

  it('rejects an APDU that is not hex or has an odd number of digits', async () => {
    const base = 'name: v\nserial: {path: virtual}\npower: {type: virtual}\nsim:\n  forceCheckApdu: ';
    expect(await problems(`${base}80C2G0\n`)).to.deep.equal([
      'rig.yaml:5:19: sim.forceCheckApdu: expected hex digits, an even number of them, got "80C2G0"',
    ]);
    expect(await problems(`${base}80C20\n`)).to.deep.equal([
      'rig.yaml:5:19: sim.forceCheckApdu: expected hex digits, an even number of them, got "80C20"',
    ]);
  });

  it('rejects a bad duration where it is written', async () => {
    expect(await problems('name: v\nserial: {path: virtual}\npower: {type: virtual}\nsettle:\n  discharge: two seconds\n')).to.deep.equal([
      'rig.yaml:5:14: settle.discharge: expected a duration like "90 s" or "2 min", got "two seconds"',
    ]);
  });

  it('names the power types when the type is unknown or missing', async () => {
    expect(await problems(`name: r\n${REAL_SERIAL}power:\n  type: gpoi\n`)).to.deep.equal([
      'rig.yaml:4:9: power.type: expected one of "virtual", "gpio", "exec", "sim-control", got "gpoi"; did you mean "gpio"?',
    ]);
    expect(await problems(`name: r\n${REAL_SERIAL}power:\n  line: {line: 17}\n`)).to.deep.equal([
      'rig.yaml:4:3: power.type: required key is missing (expected one of "virtual", "gpio", "exec", "sim-control")',
    ]);
  });

  it('requires both commands of an exec power switch', async () => {
    expect(await problems(`name: r\n${REAL_SERIAL}power:\n  type: exec\n  on: hub on\n`)).to.deep.equal([
      'rig.yaml:4:3: power.off: required key is missing (expected text)',
    ]);
  });

  it('requires a GPIO line by offset or by number, not both', async () => {
    const gpio = (line: string) => problems(`name: r\n${REAL_SERIAL}power:\n  type: gpio\n  line: ${line}\n`);
    expect(await gpio('{chip: pinctrl-rp1}')).to.deep.equal([
      'rig.yaml:5:9: power.line: expected "line" (with an optional "chip") or "number", got neither',
    ]);
    expect(await gpio('{line: 17, number: 529}')).to.deep.equal(['rig.yaml:5:28: power.line.number: expected "line" or "number", got both']);
    expect(await gpio('{chip: pinctrl-rp1, number: 529}')).to.deep.equal([
      'rig.yaml:5:16: power.line.chip: expected no chip with "number" (a global GPIO number), got a chip',
    ]);
  });

  it('rejects unknown keys with a hint', async () => {
    expect(await problems('name: v\nserial: {path: virtual, baudrate: 9600}\npower: {type: virtual}\n')).to.deep.equal([
      'rig.yaml:2:25: serial.baudrate: unknown key; did you mean "baudRate"?',
    ]);
  });

  describe('cross-field rules', () => {
    it('a virtual serial port needs virtual power', async () => {
      expect(await problems('name: r\nserial: {path: virtual}\npower:\n  type: gpio\n  line: {line: 17}\n')).to.deep.equal([
        'rig.yaml:4:9: power.type: expected "virtual" because serial.path is "virtual" (the built-in simulator), got "gpio"',
      ]);
    });

    it('virtual power needs the virtual serial port', async () => {
      expect(await problems(`name: r\n${REAL_SERIAL}power: {type: virtual}\n`)).to.deep.equal([
        'rig.yaml:2:16: serial.path: expected "virtual" because power.type is "virtual" (it only switches the built-in simulator), got "/dev/ttyUSB2"',
      ]);
    });

    it('simulator options need the virtual serial port', async () => {
      expect(await problems(`name: r\n${REAL_SERIAL}power: {type: sim-control, socket: ctl.sock}\nvirtual:\n  seed: 1\n`)).to.deep.equal([
        'rig.yaml:5:3: virtual: expected no simulator options, since they only apply when serial.path is "virtual"; serial.path is "/dev/ttyUSB2"',
      ]);
    });

    it('a real module keeps real time', async () => {
      expect(await problems(`name: r\ntimeScale: 60\n${REAL_SERIAL}power: {type: exec, on: a, off: b}\n`)).to.deep.equal([
        'rig.yaml:2:12: timeScale: expected 1 because power.type "exec" switches a real module (add "simulator: {control: <socket>}" if it switches `hil sim`), got 60',
      ]);
    });

    it('a simulated module behind an exec switch may run at another time scale', async () => {
      expect(parse(`name: r\ntimeScale: 60\nsimulator: {control: m.ctl}\n${REAL_SERIAL}power: {type: exec, on: a, off: b}\n`).timeScale).to.equal(60);
    });
  });

  describe('loadRigFile', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rig-'));
    });
    afterEach(() => rm(dir, { recursive: true }));

    it('resolves relative paths against the rig file folder', async () => {
      const file = join(dir, 'pty.yaml');
      await writeFile(file, 'name: pty\nserial: {path: links/module}\npower: {type: sim-control, socket: ./sim.sock}\n');
      const rig = await loadRigFile(file);
      expect(rig.file).to.equal(file);
      expect(rig.serial.path).to.equal(join(dir, 'links/module'));
      expect(rig.power).to.deep.equal({ type: 'sim-control', socket: join(dir, 'sim.sock') });
    });

    it('keeps absolute paths and the virtual port as written', async () => {
      const file = join(dir, 'v.yaml');
      await writeFile(file, 'name: v\nserial: {path: virtual}\npower: {type: virtual}\n');
      expect((await loadRigFile(file)).serial.path).to.equal('virtual');
      await writeFile(file, 'name: r\nserial: {path: /dev/ttyUSB2}\npower: {type: sim-control, socket: /run/sim.sock}\n');
      const rig = await loadRigFile(file);
      expect(rig.serial.path).to.equal('/dev/ttyUSB2');
      expect(rig.power).to.deep.equal({ type: 'sim-control', socket: '/run/sim.sock' });
    });
  });

  describe('shipped rigs', () => {
    it('all load', async () => {
      const files = (await readdir('rigs')).filter((f) => f.endsWith('.yaml'));
      expect(files).to.include.members(['virtual.yaml', 'example-pi-relay.yaml', 'example-exec-uhubctl.yaml']);
      for (const f of files) await loadRigFile(join('rigs', f));
    });

    it('the virtual rig runs a healthy simulator 120 times faster than wall time, staging nothing itself', async () => {
      const rig = await loadRigFile('rigs/virtual.yaml');
      expect(rig.timeScale).to.equal(120);
      expect(rig.power.type).to.equal('virtual');
      expect(rig.virtual?.faults).to.deep.equal([]);
      // Suites stage the updates they need, so each one can run alone.
      expect(rig.virtual?.update).to.equal(undefined);
    });

    it('the Raspberry Pi example switches an active-low relay on pinctrl-rp1 line 17', async () => {
      const rig = await loadRigFile('rigs/example-pi-relay.yaml');
      expect(rig.timeScale).to.equal(1);
      expect(rig.serial.path).to.match(/^\/dev\/serial\/by-id\/usb-Quectel_.*-if02-port0$/);
      expect(rig.power).to.deep.include({ type: 'gpio', line: { chip: 'pinctrl-rp1', line: 17 }, activeLow: true });
    });

    it('the uhubctl example switches hub 1-1 port 2', async () => {
      const rig = await loadRigFile('rigs/example-exec-uhubctl.yaml');
      expect(rig.power).to.deep.include({ type: 'exec', on: 'uhubctl -l 1-1 -p 2 -a on', off: 'uhubctl -l 1-1 -p 2 -a off' });
    });
  });
});
