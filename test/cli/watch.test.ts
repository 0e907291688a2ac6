// hil watch as its own process: --give-up against a broker that never comes and one that goes away
// (a Mosquitto of the test's own), and a run joined mid-way on a `hil sim --pty` bench switched by
// exec commands, watched through a pipe and on a pseudo-terminal.
import { expect } from 'chai';
import { EXIT } from '../../harness/output/errors.ts';
import { freePort } from '../../support/free-port.ts';
import { Mosquitto } from '../results/mosquitto.ts';
import { HilProcess } from '../results/hil.ts';
import { PtyBench } from '../rig/pty-bench.ts';
import { onTerminal } from '../run/terminal.ts';

describe('hil watch', function () {
  this.timeout(90_000);
  const started: HilProcess[] = [];
  const hil = (args: string[], env: Record<string, string> = {}) => {
    const run = new HilProcess(args, env);
    started.push(run);
    return run;
  };
  afterEach(async () => {
    for (const run of started.splice(0)) await run.kill('SIGKILL');
  });

  it('--give-up stops, exit 3, once a broker that never answered has been gone that long', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    const watch = hil(['watch', '--broker', url, '--give-up', '2 s']);
    expect((await watch.finish(30_000)).code, watch.output).to.equal(EXIT.bench);
    expect(watch.stderr).to.include(`hil watch: the broker at ${url} has been unreachable for 2 s; giving up (--give-up 2 s)`);
  });

  it('--give-up counts from the loss of a broker it was connected to, and a bad duration is a usage error', async () => {
    const broker = await Mosquitto.start();
    try {
      const watch = hil(['watch', '--broker', broker.url, '--give-up', '2 s']);
      await watch.waitFor(/watching hil\/\+\/\+/);
      // Connected for longer than the give-up time: nothing is given up while the broker is there.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(watch.stderr).not.to.include('giving up');
      await broker.pause();
      expect((await watch.finish(30_000)).code, watch.output).to.equal(EXIT.bench);
      expect(watch.stderr).to.match(new RegExp(`lost the connection to ${broker.url}[^\\n]*\\n(.*\\n)*hil watch: the broker at ${broker.url} has been unreachable for 2 s; giving up`));
    } finally {
      await broker.stop();
    }
    const bad = hil(['watch', '--give-up', 'soon']);
    expect((await bad.finish()).code).to.equal(EXIT.usage);
    expect(bad.stderr).to.include('hil watch: --give-up: expected a duration like "90 s" or "2 min", got "soon"');
  });

  describe('joining a run on an exec-switched bench', () => {
    let bench: PtyBench;
    before(async () => {
      bench = await PtyBench.create('hil-watch-');
      // Slow enough that the boot wait is quiet for well over the wait line's 5 s on a loaded host,
      // so that the terminal shows it redrawn more than once.
      await bench.startSim(['--time-scale', '4']);
    });
    after(() => bench.close());

    it('names the run and its suite from the status, shows each switch on one line and a wait line, piped and on a terminal', async () => {
      const rig = await bench.execRig('watched', 4);
      const run = hil(['run', '--rig', rig, '--suite', 'boot-delay', '--no-html', '--report-dir', `${bench.dir}/report`], { HIL_LOCK_DIR: bench.dir });
      const [, url] = await run.waitFor(/watch with: npx hil watch --broker (mqtt:\/\/127\.0\.0\.1:\d+)/, 30_000);
      // Joined once the suite is under way: its start and the heading are behind us.
      await run.waitFor(/boot-delay — First OTA check/, 40_000);
      const piped = hil(['watch', '--broker', url!]);
      const terminal = onTerminal(['watch', '--broker', url!]);
      try {
        expect((await run.finish(60_000)).code, run.output).to.equal(EXIT.passed);
        await piped.waitFor(/run \S+ passed: 1 passed, 0 failed/, 20_000);
        const runId = /hil run (\S+):/.exec(run.stdout)![1]!;
        expect(piped.stdout).to.include(`joined run ${runId} in suite boot-delay (it started before this watch; its earlier events are not shown)`);
        expect(piped.stdout).not.to.include(`run ${runId} started`);
        // The safe state's off at the end: the command's outcome on the edge's line, no separate note.
        expect(piped.stdout).to.match(/\] {3}power off at [\d.]+ s rig \(node: exit 0 after \d+ ms wall time\)\n/);
        expect(piped.stdout).not.to.match(/note: power\.(on|off)/);
        // The boot delay is a minute or more of rig time, several seconds of wall time without an event.
        expect(piped.stdout).to.match(/\n {6}… \[default\/watched\] boot-delay \(run \S+\): waiting, [\d.]+ s since the last event: /);
        // On a terminal the wait line is redrawn in place: cleared and written again, with no line break between.
        const frames = terminal.output.split('\r\x1b[K').filter((frame) => frame.startsWith('      … '));
        expect(frames.length, terminal.output).to.be.at.least(2);
        expect(frames.slice(0, -1).every((frame) => !frame.includes('\n')), 'redrawn, not new lines').to.equal(true);
      } finally {
        terminal.type('\x03');
        await terminal.exited;
      }
    });
  });
});
