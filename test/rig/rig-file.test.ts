import { expect } from 'chai';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYamlText } from '../../harness/config/index.ts';
import { loadRigFile, rigSchema } from '../../harness/rig/rig-file.ts';
import { MODULE_PROFILES } from '../../harness/module/profiles.ts';
import { FAULTS } from '../../harness/sim/faults.ts';
import { DEFAULT_FORCE_CHECK_APDU } from '../../harness/stk/index.ts';
import { configProblems } from '../config/problems.ts';
import { tempDirEach } from '../config/temp-dir.ts';

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
      toolkit: 'passive',
      sim: { profile: 'super-sim', forceCheckApdu: DEFAULT_FORCE_CHECK_APDU, dataApn: 'super', otaApn: 'ota.super', iccidPrefixes: ['8988307', '8988323', '8910392'] },
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
    expect(exec.power).to.deep.equal({ type: 'exec', on: 'hub on', off: 'hub off', status: 'hub status', timeout: 10_000, edgeAt: 'within' });
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

  describe('bounds', () => {
    const VIRTUAL_RIG = 'name: v\nserial: {path: virtual}\npower: {type: virtual}\n';
    const SCALE = 'a time scale from 0.001 to 1000000 (how many times faster than wall time rig time runs)';

    it('refuses a time scale outside 0.001 to 1000000 where it is written', async () => {
      const refused: [string, string][] = [
        ['0', '0'],
        ['-5', '-5'],
        ['1e-300', '1e-300'],
        ['0.0009', '0.0009'],
        ['1000001', '1000001'],
        ['1e308', '1e+308'],
        ['.inf', 'Infinity'],
        ['.nan', 'NaN'],
        ['fast', '"fast"'],
      ];
      for (const [written, shown] of refused) {
        expect(await problems(`name: v\ntimeScale: ${written}\nserial: {path: virtual}\npower: {type: virtual}\n`), written).to.deep.equal([
          `rig.yaml:2:12: timeScale: expected ${SCALE}, got ${shown}`,
        ]);
      }
      for (const scale of [0.001, 1, 120, 1e6]) expect(parse(`${VIRTUAL_RIG}timeScale: ${scale}\n`).timeScale).to.equal(scale);
    });

    it('refuses settle, switch and PWRKEY durations beyond their limits', async () => {
      const refused: [rig: string, problem: string][] = [
        [`${VIRTUAL_RIG}settle:\n  discharge: 1000000 d\n`, 'rig.yaml:5:14: settle.discharge: expected a duration of at most 10 min, got "1000000 d"'],
        [`${VIRTUAL_RIG}settle:\n  discharge: 11 min\n`, 'rig.yaml:5:14: settle.discharge: expected a duration of at most 10 min, got "11 min"'],
        [`${VIRTUAL_RIG}settle:\n  bootTimeout: 2 h\n`, 'rig.yaml:5:16: settle.bootTimeout: expected a duration of at most 1 h, got "2 h"'],
        [`${VIRTUAL_RIG}settle:\n  bootTimeout: .inf\n`, 'rig.yaml:5:16: settle.bootTimeout: expected a duration like "90 s" or "2 min", got Infinity'],
        [`name: e\n${REAL_SERIAL}power:\n  type: exec\n  on: a\n  off: b\n  timeout: 1 h\n`, 'rig.yaml:7:12: power.timeout: expected a duration of at most 10 min, got "1 h"'],
        [`name: g\n${REAL_SERIAL}power:\n  type: gpio\n  line: {line: 17}\n  pwrkey: {number: 539, pulseOn: 20 min}\n`, 'rig.yaml:6:34: power.pwrkey.pulseOn: expected a duration of at most 10 min, got "20 min"'],
        ['name: r\nserial: {path: /dev/ttyS0, latency: 2 s}\npower: {type: exec, on: a, off: b}\n', 'rig.yaml:2:37: serial.latency: expected a duration of at most 1 s, got "2 s"'],
      ];
      for (const [rig, problem] of refused) expect(await problems(rig), rig).to.deep.equal([problem]);
      expect(parse(`${VIRTUAL_RIG}settle: {discharge: 10 min, bootTimeout: 1 h}\n`).settle).to.deep.equal({ discharge: 600_000, bootTimeout: 3_600_000 });
    });

    it('refuses an unknown module profile where it is written, naming the known ones', async () => {
      expect(await problems(`${VIRTUAL_RIG}module: quectel-bg69\n`)).to.deep.equal([
        `rig.yaml:4:9: module: expected a module profile (${Object.keys(MODULE_PROFILES).join(', ')}), got "quectel-bg69"; did you mean "quectel-bg95"?`,
      ]);
      expect(parse(`${VIRTUAL_RIG}module: quectel\n`).module).to.equal('quectel');
    });

    it('refuses an unknown fault where it is written, naming the known ones', async () => {
      const known = Object.keys(FAULTS).map((name) => `"${name}"`).join(', ');
      expect(await problems(`${VIRTUAL_RIG}virtual:\n  faults: [no-bip, slow-bot]\n`)).to.deep.equal([
        `rig.yaml:5:20: virtual.faults[1]: expected one of ${known}, got "slow-bot"; did you mean "slow-boot"?`,
      ]);
    });
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

    it('a simulator rig defaults its port to the simulator\'s PTY (HIL_SIM_PTY, else /tmp/module) and its control socket beside it', async () => {
      const rig = 'name: r\nsimulator: {}\nserial: {}\npower: {type: exec, on: a, off: b}\n';
      expect(parse(rig)).to.deep.include({ serial: { path: '/tmp/module', baudRate: 115200 }, simulator: { control: '/tmp/module.ctl' } });
      process.env.HIL_SIM_PTY = '/run/bench/module';
      try {
        expect(parse(rig)).to.deep.include({ serial: { path: '/run/bench/module', baudRate: 115200 }, simulator: { control: '/run/bench/module.ctl' } });
        expect(parse(rig.replace('simulator: {}', 'simulator: {control: m.ctl}')).simulator).to.deep.equal({ control: 'm.ctl' });
      } finally {
        delete process.env.HIL_SIM_PTY;
      }
      expect(await problems(rig.replace('simulator: {}\n', ''))).to.deep.equal([
        'rig.yaml:2:9: serial.path: expected the module\'s AT port (it defaults to `hil sim`\'s PTY only with a "simulator:" block), got nothing',
      ]);
    });

    it('a simulated module behind an exec switch may run at another time scale', async () => {
      expect(parse(`name: r\ntimeScale: 60\nsimulator: {control: m.ctl}\n${REAL_SERIAL}power: {type: exec, on: a, off: b}\n`).timeScale).to.equal(60);
    });
  });

  describe('loadRigFile', () => {
    const dir = tempDirEach('rig-');

    it('resolves relative paths against the rig file folder', async () => {
      const file = join(dir(), 'pty.yaml');
      await writeFile(file, 'name: pty\nserial: {path: links/module}\npower: {type: sim-control, socket: ./sim.sock}\n');
      const rig = await loadRigFile(file);
      expect(rig.file).to.equal(file);
      expect(rig.serial.path).to.equal(join(dir(), 'links/module'));
      expect(rig.power).to.deep.equal({ type: 'sim-control', socket: join(dir(), 'sim.sock') });
    });

    it('refuses a folder given as the rig file', async () => {
      const folder = join(dir(), 'x.yaml');
      await mkdir(folder);
      expect(await configProblems(() => loadRigFile(folder))).to.deep.equal([`${folder}:1:1: expected a YAML file, got a folder`]);
    });

    it('keeps absolute paths and the virtual port as written', async () => {
      const file = join(dir(), 'v.yaml');
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
