// onoff driving real sysfs GPIO files: `hil run` and `hil doctor` run in a private mount namespace
// where test/gpio/sysfs-gpio.ts plays a Raspberry Pi 5's kernel, and the virtual module (`hil sim`)
// takes its power from the relay line's pin level (and, where the rig has one, its PWRKEY from the
// PWRKEY line's). SIGINT and SIGTERM during a run leave the relay open.
// Skipped, saying why, where unshare is not allowed.
import { expect } from 'chai';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import { controlRequest, type TruthSnapshot } from '../../harness/sim/index.ts';
import { HIL } from '../../support/hil-process.ts';
import { PtyBench } from '../rig/pty-bench.ts';
import { GpioBench, NamespaceUnavailable, PI5_CHIPS, RP1_AT_512 } from './gpio-bench.ts';

const SCALE = 25;
/** pinctrl-rp1 lines 17 and 27 on a Pi 5 (chip base 571). */
const RELAY = 588;
const PWRKEY = 598;
/** pinctrl-rp1 lines 17 and 27 where the chip's base is 512. */
const RELAY_AT_512 = 529;
const PWRKEY_AT_512 = 539;

const RELAY_LINES = ['power:', '  type: gpio', '  line: { chip: pinctrl-rp1, line: 17 }', '  activeLow: true'];
/** PWRKEY behind an NPN transistor (line high = key pressed), or driven directly (`activeLow: true`). */
const pwrkeyLines = (timings: string, activeLow = false) => [`  pwrkey: { chip: pinctrl-rp1, line: 27, activeLow: ${activeLow}, ${timings} }`];

/** The pin levels the emulator saw, as "relay 0" / "pwrkey 1" / "relay z". */
function levels(gpio: GpioBench, relay = RELAY, pwrkey = PWRKEY): string[] {
  const name: Record<string, string> = { [relay]: 'relay', [pwrkey]: 'pwrkey' };
  return gpio.log.flatMap((line) => {
    const [what, number, level] = line.split(' ');
    return what === 'level' && name[number!] ? [`${name[number!]} ${level}`] : [];
  });
}

describe('GPIO relays through onoff on sysfs', function () {
  this.timeout(120_000);
  let gpio: GpioBench | undefined;
  let bench: PtyBench;
  let unavailable = false;

  /** Gives each test of the enclosing describe a PTY bench and a GPIO namespace with `chips`. */
  const useBench = (chips: string[]) => {
    beforeEach(async function () {
      if (unavailable) this.skip();
      bench = await PtyBench.create('hil-gpio-');
      try {
        gpio = await GpioBench.start(join(bench.dir, 'pins'), chips);
      } catch (error) {
        await bench.close();
        if (!(error instanceof NamespaceUnavailable)) throw error;
        unavailable = true;
        console.log(`      skipping the GPIO tests: ${error.message}`);
        this.skip();
      }
    });
    afterEach(async () => {
      if (!gpio) return;
      await gpio.stop();
      await bench.close();
      gpio = undefined;
    });
  };

  /** The simulator, powered while the relay's pin is low (an active-low relay board). */
  const startSim = (scale: number, args: string[] = [], relay = RELAY) =>
    bench.startSim(['--time-scale', String(scale), '--power-file', join(gpio!.pins, `gpio${relay}`), '--power-active-low', ...args]);

  describe('with pinctrl-rp1 at base 512', () => {
    useBench(RP1_AT_512);

    it('runs boot-delay and power-cycle-reset with the module powered through an active-low relay driven by onoff', async () => {
      await startSim(SCALE, ['--seed', '7'], RELAY_AT_512);
      const rig = await bench.rig('pi5', SCALE, RELAY_LINES);
      const reportDir = join(bench.dir, 'report');
      const run = await gpio!.run(['node', HIL, 'run', '--rig', rig, '--suite', 'boot-delay', '--suite', 'power-cycle-reset', '--report-dir', reportDir]);
      expect(run.code, run.stdout + run.stderr).to.equal(0);

      const truth = (await controlRequest(bench.socket, { op: 'truth' })) as TruthSnapshot;
      expect(truth.powerOns, 'power-ons: identity, boot-delay, power-cycle-reset and its cycle').to.have.length(4);
      // Opened inactive (high), which is already the safe start's off; low for each power-on, high again; released.
      const cycles = Array.from({ length: truth.powerOns.length }, () => ['relay 0', 'relay 1']).flat();
      expect(levels(gpio!, RELAY_AT_512)).to.deep.equal(['relay 1', ...cycles, 'relay z']);
      expect(((await controlRequest(bench.socket, { op: 'state' })) as { powered: boolean }).powered).to.equal(false);
      const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
      expect(summary.rig.power).to.equal(`gpio pinctrl-rp1 line 17 (GPIO ${RELAY_AT_512}), active-low`);
      expect(summary.tests.map((t) => t.status)).to.not.include('failed');
      expect(await readFile(join(reportDir, 'transcript.log'), 'utf8')).to.contain('note    driving the bench to its safe state (power off) before anything else');
    });

    it('runs boot-delay on a module that boots only on PWRKEY, and measures the delay from the real boot', async () => {
      // Slow enough that a press outlasts the module's threshold by 40 ms of wall time, on a busy machine too.
      const scale = 5;
      const pwrkeyFile = join(gpio!.pins, `gpio${PWRKEY_AT_512}`);
      // The simulated Quectel boots once PWRKEY has been held 500 ms and powers down after 650 ms.
      await startSim(scale, ['--seed', '7', '--profile', 'quectel', '--pwrkey-file', pwrkeyFile, '--pwrkey-active-low'], RELAY_AT_512);
      // Presses longer than the module's minimum, as designs do: the boot counts from the 500 ms
      // threshold, so the harness's power-on, taken at the release, is 200 ms late (well inside 1 %).
      const pwrkey = pwrkeyLines('pulseOn: 700 ms, pulseOff: 1 s, shutdown: 5 s', true);
      const rig = await bench.rig('pi5-pwrkey', scale, [...RELAY_LINES, ...pwrkey, 'module: quectel']);
      const reportDir = join(bench.dir, 'report');
      const run = await gpio!.run(['node', HIL, 'run', '--rig', rig, '--suite', 'boot-delay', '--report-dir', reportDir]);
      expect(run.code, run.stdout + run.stderr).to.equal(0);

      // Opened inactive (PWRKEY high: not pressed); on and off for the identity; the suite's power-on; the safe state's off.
      const on = ['relay 0', 'pwrkey 0', 'pwrkey 1'];
      const off = ['pwrkey 0', 'pwrkey 1', 'relay 1'];
      expect(levels(gpio!, RELAY_AT_512, PWRKEY_AT_512)).to.deep.equal(['relay 1', 'pwrkey 1', ...on, ...off, ...on, ...off, 'relay z', 'pwrkey z']);
      const truth = (await controlRequest(bench.socket, { op: 'truth' })) as TruthSnapshot;
      const kinds = ['supply-on', 'supply-off', 'power-on', 'shutdown', 'power-off'];
      const cycle = ['supply-on', 'power-on', 'shutdown', 'power-off', 'supply-off'];
      expect(truth.events.map((e) => e.what).filter((what) => kinds.includes(what)), 'each power-off a PWRKEY power-down').to.deep.equal([...cycle, ...cycle]);

      const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
      expect(summary.rig.power).to.contain(`PWRKEY pinctrl-rp1 line 27 (GPIO ${PWRKEY_AT_512}), active-low, 700/1000 ms presses`);
      const measured = summary.tests[0]!.measurements.find((m) => m.name === 'boot_delay')!;
      const boot = truth.powerOns.at(-1)!;
      const session = truth.sessions.find((s) => s.openedAt !== undefined && s.openedAt > boot)!;
      const real = (session.openedAt! - boot) / 1000;
      // Within 1 %, or within the bound the harness states for the figure, whichever is wider.
      const allowed = Math.max(real * 0.01, measured.uncertainty ?? 0);
      expect(Math.abs(measured.value - real), `measured ${measured.value} s, truth ${real} s`).to.be.at.most(allowed);
    });
  });

  describe('on a Pi 5', () => {
    useBench(PI5_CHIPS);

    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      it(`presses PWRKEY only when the power changes, and opens the relay when the run gets ${signal}`, async () => {
        await startSim(1);
        // Presses long enough in wall time for every edge to be seen.
        const rig = await bench.rig('pi5-real-time', 1, [...RELAY_LINES, ...pwrkeyLines('pulseOn: 400 ms, pulseOff: 400 ms, shutdown: 200 ms')]);
        const reportDir = join(bench.dir, signal);
        // In real time the suite is still waiting for the OTA check when the signal comes.
        const child = await gpio!.startUntil(['node', HIL, 'run', '--rig', rig, '--suite', 'boot-delay', '--report-dir', reportDir], /✓ wait for the module to be ready/);
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        child.kill(signal);
        expect(await exited).to.equal(code);

        const on = ['relay 0', 'pwrkey 1', 'pwrkey 0'];
        const off = ['pwrkey 1', 'pwrkey 0', 'relay 1'];
        // Opened inactive; on and off to read the module's identity; the suite's "power off" finds it off
        // already and presses nothing; its "power on"; the safe state's off; both lines released.
        expect(levels(gpio!)).to.deep.equal(['relay 1', 'pwrkey 0', ...on, ...off, ...on, ...off, 'relay z', 'pwrkey z']);
        expect(((await controlRequest(bench.socket, { op: 'state' })) as { powered: boolean }).powered).to.equal(false);
        const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
        expect(summary.status).to.equal('aborted');
        expect(summary.abortReason).to.contain(signal);
      });
    }

    it('lets a PWRKEY press in flight end before the safe state opens the relay', async () => {
      await startSim(1);
      // A 3 s boot press: the signal comes while the key is held for the suite's power-on.
      const rig = await bench.rig('pi5-long-press', 1, [...RELAY_LINES, ...pwrkeyLines('pulseOn: 3 s, pulseOff: 400 ms, shutdown: 200 ms')]);
      const child = await gpio!.startUntil(['node', HIL, 'run', '--rig', rig, '--suite', 'boot-delay', '--report-dir', join(bench.dir, 'report')], /./);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const on = ['relay 0', 'pwrkey 1', 'pwrkey 0'];
      const off = ['pwrkey 1', 'pwrkey 0', 'relay 1'];
      // Opened inactive; on and off for the identity; the suite's power-on, its key pressed.
      const pressed = ['relay 1', 'pwrkey 0', ...on, ...off, 'relay 0', 'pwrkey 1'];
      for (const started = Date.now(); levels(gpio!).length < pressed.length; await new Promise((resolve) => setTimeout(resolve, 20))) {
        if (Date.now() - started > 60_000) throw new Error(`the suite's power-on press never came: ${levels(gpio!).join(', ')}`);
      }
      child.kill('SIGINT');
      expect(await exited).to.equal(130);
      // The press ends, the key stays released a while, then the module is switched off as any
      // powered module is: never the relay opened under a pressed key, never two presses as one.
      expect(levels(gpio!)).to.deep.equal([...pressed, 'pwrkey 0', ...off, 'relay z', 'pwrkey z']);
    });

    it('runs hil doctor through the relay, PWRKEY timings from the module profile', async () => {
      await startSim(SCALE, ['--profile', 'quectel']);
      const rig = await bench.rig('pi5-quectel-doctor', SCALE, [...RELAY_LINES, ...pwrkeyLines('shutdown: 2 s'), 'module: quectel']);
      const run = await gpio!.run(['node', HIL, 'doctor', '--rig', rig]);
      expect(run.stdout).to.contain('✓ power switch: gpio pinctrl-rp1 line 17 (GPIO 588), active-low; PWRKEY pinctrl-rp1 line 27 (GPIO 598), 500/650 ms presses, 2000 ms shutdown\n');
      expect(run.stdout).to.match(/✓ module answers AT: Quectel BG95-M3/);
      // The simulated Quectel has no AT+QSTK: the profile's check fails and says what to do.
      expect(run.code, run.stdout + run.stderr).to.equal(3);
      expect(run.stdout.split('\n').filter((line) => line.startsWith('  ✗'))).to.deep.equal(['  ✗ SIM toolkit enabled (AT+QSTK): AT+QSTK?: +CME ERROR: 4']);
      expect(run.stdout).to.contain('fix: send AT+QSTK=1 once; the module applies it after a reset, so power-cycle it\n');
      expect(levels(gpio!).slice(-3), 'relay open, then both lines released').to.deep.equal(['relay 1', 'relay z', 'pwrkey z']);
    });

    it('says which line is wrong, and what to do, when the relay cannot be opened', async () => {
      await bench.startSim([]);
      await chmod(bench.dir, 0o755); // readable by the unprivileged user below
      const doctor = async (name: string, line: string, uid?: number) => {
        const rig = await bench.rig(name, 1, ['power:', '  type: gpio', `  line: ${line}`]);
        const run = await gpio!.run(['node', HIL, 'doctor', '--rig', rig], uid === undefined ? {} : { uid });
        expect(run.code, run.stdout + run.stderr).to.equal(3);
        return run.stdout.split('\n').find((l) => l.startsWith('  ✗ bench: '))?.slice('  ✗ bench: '.length);
      };
      expect(await doctor('pi4-rig', '{ chip: pinctrl-bcm2711, line: 17 }')).to.equal(
        'no GPIO chip "pinctrl-bcm2711"; found gpiochip512 "gpio-brcmstb@107d508500" (GPIO 512-543), gpiochip544 "gpio-brcmstb@107d517c00" (GPIO 544-558), gpiochip571 "pinctrl-rp1" (GPIO 571-624)',
      );
      expect(await doctor('old-number', '{ number: 17 }')).to.match(/^GPIO 17 is on no GPIO chip; .* name the chip and the line instead/);
      expect(await doctor('unprivileged', '{ chip: pinctrl-rp1, line: 17 }', 65534)).to.equal(
        "cannot open pinctrl-rp1 line 17 (GPIO 588): EACCES: permission denied, open '/sys/class/gpio/export'; " +
          'nobody may not write there: add the user to the "gpio" group (the distribution\'s udev rule gives it access) and log in again',
      );
      expect(gpio!.log.filter((line) => line.startsWith('export')), 'nothing exported').to.deep.equal([]);
    });
  });
});
