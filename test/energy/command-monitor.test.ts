// The command-line monitor driver against real programs as the instrument: a Python script printing
// a known step schedule (CSV and JSON lines, with and without a declared start), and shell scripts
// that print a malformed line, exit early, or ignore SIGTERM.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as wallSleep } from 'node:timers/promises';
import { CommandMonitor, windowFigures, type CommandFormat } from '../../harness/energy/index.ts';
import { redaction } from '../../harness/output/redaction.ts';
import { ScaledClock } from '../../harness/time/clock.ts';

const INSTRUMENT = fileURLToPath(new URL('./stepped-instrument.py', import.meta.url));
const STEPS: [number, number][] = [[0.4, 0.01], [0.8, 0.1], [1.2, 0.03], [1.6, 0.2]];
const IDLE = 0.005;

/** Coulombs the schedule draws from program seconds a to b. */
function scheduleCharge(a: number, b: number): number {
  let charge = 0;
  let from = 0;
  for (const [until, amperes] of [...STEPS, [Infinity, IDLE] as [number, number]]) {
    charge += Math.max(0, Math.min(b, until) - Math.max(a, from)) * amperes;
    from = until;
  }
  return charge;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    if (!alive(pid)) return true;
    await wallSleep(20);
  }
  return false;
}

describe('the command-line monitor driver', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hil-command-monitor-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const monitorOf = (command: string[], format: CommandFormat = 'csv', clock = new ScaledClock()) => new CommandMonitor({ clock, command, format, supplyVolts: 3.7, timingResolution: 2 });

  for (const [format, how] of [['csv', 'declare'], ['jsonl', 'spawn']] as const) {
    it(`places a ${format} trace ${how === 'declare' ? 'by its declared start' : 'by the spawn time'} and measures the schedule's charge within the stated ±`, async () => {
      const clock = new ScaledClock();
      const truthFile = join(dir, 'truth');
      const monitor = monitorOf(['python3', INSTRUMENT, format, how, truthFile], format, clock);
      await monitor.start();
      // Rig time of the program's t = 0, from the Unix ms it wrote.
      await monitor.waitFor(clock.now() + 2_300, 10_000);
      const [startUnixMs, pid] = readFileSync(truthFile, 'utf8').trim().split(' ').map(Number) as [number, number];
      const zero = clock.now() - (clock.wallNow() - startUnixMs);
      await monitor.stop();
      expect(await gone(pid), 'the instrument program is stopped').to.equal(true);
      // Both edges where the current is low and steady: the spawn's ± at an edge costs what flows there.
      const [a, b] = [0.2, 1.9];
      const from = zero + a * 1000;
      const to = zero + b * 1000;
      const uncertainty = monitor.alignmentAt();
      const figures = windowFigures(monitor.trace, { from, to, fromUncertainty: uncertainty, toUncertainty: uncertainty }, 3.7);
      const truth = scheduleCharge(a, b);
      const text = `${figures.charge.value} ± ${figures.charge.uncertainty} C, truth ${truth} C, alignment ± ${uncertainty} ms`;
      expect(Math.abs(figures.charge.value - truth), text).to.be.at.most(figures.charge.uncertainty);
      // A ± that would contain any figure proves nothing.
      expect(figures.charge.uncertainty, text).to.be.below(0.25 * truth);
      if (how === 'declare') expect(uncertainty, 'a declared start is as good as the host clock').to.equal(2);
      else expect(uncertainty, 'the spawn latency is in the ±').to.be.above(2);
      expect(monitor.trace.peakBetween(from, to)).to.equal(0.2);
    });
  }

  it('rejects a malformed line with its number and the format expected, and stops the program', async () => {
    const pidFile = join(dir, 'pid');
    const monitor = monitorOf(['sh', '-c', `echo $$ > ${pidFile}; echo 0.000,0.010; echo 0.010,0.011; echo '0.020;0.012'; exec sleep 60`]);
    await monitor.start();
    const error = await monitor.waitFor(1e9, 10_000).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal('monitor command sh, stdout line 3: expected a sample "<seconds>,<amperes>", got "0.020;0.012"; its figures are not used');
    expect(await gone(Number(readFileSync(pidFile, 'utf8'))), 'the program is stopped after its malformed line').to.equal(true);
    await monitor.close();
  });

  it('rejects a JSON line without a current, and a time that goes back', async () => {
    for (const [lines, expected] of [
      [['{"t": 0, "current": 0.01}', '{"t": 0.01}'], 'stdout line 2: expected a sample {"t": <seconds>, "current": <amperes>}, got "{\\"t\\": 0.01}"'],
      [['{"t": 0.02, "current": 0.01}', '{"t": 0.01, "current": 0.01}'], "stdout line 2: expected a time after the previous line's 0.02 s"],
    ] as const) {
      const monitor = monitorOf(['sh', '-c', `${lines.map((l) => `echo '${l}'`).join('; ')}; exec sleep 60`], 'jsonl');
      await monitor.start();
      const error = await monitor.waitFor(1e9, 10_000).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.contain(expected);
      await monitor.close();
    }
  });

  it('names the exit code and the last stderr lines, redacted, of a program that exits before it is stopped', async () => {
    redaction.add(['otii-token-5f2e']);
    const monitor = monitorOf(['sh', '-c', 'echo 0,0.01; echo 0.01,0.01; echo "connecting with otii-token-5f2e" >&2; echo "no instrument on the USB bus" >&2; exit 3']);
    await monitor.start();
    const error = await monitor.waitFor(1e9, 10_000).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal('monitor command sh exited with code 3 after 2 line(s), before the harness stopped it; its last stderr lines:\n  connecting with [redacted]\n  no instrument on the USB bus');
    const stopped = await monitor.stop().then(() => undefined, (e: Error) => e);
    expect(stopped?.message, 'stop reports it too').to.contain('exited with code 3');
  });

  it('kills a program that ignores SIGTERM, and says why a program cannot start', async () => {
    const pidFile = join(dir, 'pid');
    writeFileSync(join(dir, 'stubborn.sh'), `trap '' TERM\necho $$ > ${pidFile}\nwhile :; do echo 0,0.01 >/dev/null; sleep 0.05; done\n`);
    const monitor = monitorOf(['sh', join(dir, 'stubborn.sh')]);
    await monitor.start();
    for (let waited = 0; waited < 5_000 && !readFileSync(pidFile, { flag: 'a+' }).length; waited += 20) await wallSleep(20);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await monitor.stop();
    expect(alive(pid), 'killed after the grace period').to.equal(false);
    const missing = monitorOf(['/nonexistent/otii-stream']);
    const error = await missing.start().then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/^monitor command \/nonexistent\/otii-stream: cannot start \/nonexistent\/otii-stream: spawn \/nonexistent\/otii-stream ENOENT/);
  });
});
