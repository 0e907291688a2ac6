// How `hil run` ends when it does not end normally, with real processes and signals: an exec bench
// switched by /bin/sh scripts, the built-in virtual rig, or `hil sim --pty`. Whatever ends the run,
// the bench is left safe first, that is recorded, and the report keeps what the run had done.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvent, type RunEvent } from '../../harness/results/events.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import { HilProcess } from '../results/hil.ts';
import { until } from '../results/wait.ts';
import { PtyBench } from '../rig/pty-bench.ts';

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

async function events(reportDir: string): Promise<RunEvent[]> {
  return (await readFile(join(reportDir, 'events.jsonl'), 'utf8')).split('\n').filter(Boolean).map(parseEvent);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('hil run ending early', function () {
  this.timeout(60_000);
  let dir: string;
  let locks: string;
  let runs: HilProcess[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-session-'));
    locks = join(dir, 'locks');
    await mkdir(locks);
    runs = [];
  });
  afterEach(async () => {
    for (const run of runs) await run.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  function hil(args: string[], env: Record<string, string> = {}): HilProcess {
    const run = new HilProcess(['run', '--no-broker', ...args], { HIL_LOCK_DIR: locks, ...env });
    runs.push(run);
    return run;
  }

  /** An executable /bin/sh script in the test folder. */
  async function script(name: string, body: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }

  /** A bench switched by scripts whose module never comes (its port does not exist): enough for what happens before the module answers. */
  async function scriptRig(power: { on: string; off: string; status?: string }): Promise<string> {
    const path = join(dir, 'rig.yaml');
    const status = power.status ? `, status: '${power.status}'` : '';
    await writeFile(path, `name: scripted\nserial: {path: ${join(dir, 'no-port')}}\npower: {type: exec, on: '${power.on}', off: '${power.off}'${status}, timeout: 60 s}\nsettle: {discharge: 0 s, bootTimeout: 60 s}\n`);
    return path;
  }

  async function lockFiles(): Promise<string[]> {
    return (await readdir(locks)).filter((name) => name.endsWith('.lock'));
  }

  it('on SIGTERM during an exec power-on, ends that switch, switches off and confirms with the status command', async () => {
    const log = join(dir, 'power.log');
    const pid = join(dir, 'on.pid');
    // A PDU that takes its time to switch on: still at it when the signal comes.
    const on = await script('on.sh', `echo $$ > ${pid}; echo on-started >> ${log}; sleep 30; echo on > ${dir}/state; echo on >> ${log}`);
    const off = await script('off.sh', `echo off > ${dir}/state; echo off >> ${log}`);
    const status = await script('status.sh', `grep -q on ${dir}/state`);
    const reportDir = join(dir, 'report');
    const run = hil(['--rig', await scriptRig({ on, off, status }), '--report-dir', reportDir]);
    await until('the power-on to start', () => existsSync(pid) && readFileSync(pid, 'utf8').trim() !== '', 20_000, () => run.output);
    run.kill('SIGTERM');
    expect((await run.finish()).code, run.output).to.equal(143);
    const onPid = Number(readFileSync(pid, 'utf8'));
    await until('the power-on command to be gone', () => !alive(onPid), 10_000);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean), 'power commands in order').to.deep.equal(['off', 'on-started', 'off']);
    const transcript = await readFile(join(reportDir, 'transcript.log'), 'utf8');
    // The switch under way ended, then off, confirmed by the status command, then the power edge.
    expect(transcript).to.match(/note    power\.on \(on\.sh\): ended by a signal after \d+ ms wall time\n.*note    power\.off \(off\.sh\): exit 0 .*\n.*note    power\.status \(status\.sh\): exit 1 .*\n.*power   off\n.*note    bench in its safe state: power off\n/);
    expect(await lockFiles(), 'bench lock released').to.deep.equal([]);
  });

  it('on SIGINT during the start-up power switch, leaves the bench off, writes a report, releases the lock and says so', async () => {
    const pid = join(dir, 'off.pid');
    // The first off (the safe start) hangs; the safe state's off after the signal does not.
    const off = await script('off.sh', `[ -e ${pid} ] && exit 0; echo $$ > ${pid}; sleep 30`);
    const reportDir = join(dir, 'report');
    const run = hil(['--rig', await scriptRig({ on: 'true', off }), '--report-dir', reportDir]);
    await until('the start-up switch to start', () => existsSync(pid) && readFileSync(pid, 'utf8').trim() !== '', 20_000, () => run.output);
    run.kill('SIGINT');
    expect((await run.finish()).code, run.output).to.equal(130);
    expect(run.stderr).to.match(/hil run: run aborted: interrupted \(SIGINT\); 0 test\(s\) finished \(0 passed\), partial report in /);
    const offPid = Number(readFileSync(pid, 'utf8'));
    await until('the hung off command to be gone', () => !alive(offPid), 10_000);
    const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
    expect(summary).to.deep.include({ status: 'aborted', abortReason: 'interrupted (SIGINT)' });
    expect(await readFile(join(reportDir, 'junit.xml'), 'utf8')).to.contain('<testsuites');
    expect((await readJson<{ verdict: string }>(join(reportDir, 'certificate.json'))).verdict).to.equal('incomplete');
    expect(await lockFiles(), 'bench lock released').to.deep.equal([]);
  });

  it('keeps every finished suite in the report of a run aborted by SIGTERM, and the one under way as aborted', async () => {
    const reportDir = join(dir, 'report');
    const run = hil(['--tag', 'standard', '--seed', '3', '--time-scale', '40', '--report-dir', reportDir]);
    await until('two suites to end', async () => (await events(reportDir).catch(() => [])).filter((e) => e.type === 'suite.ended').length >= 2, 50_000, () => run.output);
    run.kill('SIGTERM');
    expect((await run.finish()).code, run.output).to.equal(143);

    const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
    const finished = summary.tests.filter((t) => !t.error?.startsWith('aborted:')).map((t) => `${t.suiteId}: ${t.status}`);
    expect(finished.length, 'finished suites in the report').to.be.at.least(2);
    const logged = await events(reportDir);
    const abortedAt = logged.findIndex((e) => e.type === 'note' && (e.data as { text: string }).text.startsWith('terminated (SIGTERM)'));
    expect(abortedAt, 'the abort is noted in the events').to.be.greaterThan(0);
    const ended = logged.slice(0, abortedAt).filter((e) => e.type === 'suite.ended').map((e) => `${(e.data as { suiteId: string }).suiteId}: ${(e.data as { status: string }).status}`);
    expect(finished, 'the finished suites').to.deep.equal(ended);
    const started = logged.slice(0, abortedAt).filter((e) => e.type === 'suite.started').length;
    const cut = summary.tests.filter((t) => t.error === 'aborted: terminated (SIGTERM)');
    expect(cut.map((t) => t.status), 'the suite under way').to.deep.equal(started > ended.length ? ['skipped'] : []);
    expect(logged.slice(abortedAt).some((e) => e.type === 'suite.ended'), 'no verdict after the abort').to.equal(false);
    const junit = await readFile(join(reportDir, 'junit.xml'), 'utf8');
    expect(junit).to.match(new RegExp(`<testsuites name="[^"]+" tests="${summary.tests.length}"`));
    expect(summary.totals.passed + summary.totals.failed + summary.totals.broken).to.equal(ended.length);
  });

  describe('on a hil sim bench', () => {
    let bench: PtyBench;
    beforeEach(async () => {
      bench = await PtyBench.create('hil-session-pty-');
    });
    afterEach(() => bench.close());

    /** Power scripts around `hil sim ctl` that log each switch to power.log; `offFirst` runs before each off. */
    async function loggedPower(offFirst = ''): Promise<{ on: string; off: string }> {
      const log = join(bench.dir, 'power.log');
      return {
        on: await script('on.sh', `${bench.ctl('on')} >/dev/null && echo on >> ${log}`),
        off: await script('off.sh', `${offFirst}\n${bench.ctl('off')} >/dev/null && echo off >> ${log}`),
      };
    }

    async function powered(): Promise<boolean> {
      const run = new HilProcess(['sim', 'ctl', bench.socket, 'state']);
      await run.finish();
      return (JSON.parse(run.stdout) as { powered: boolean }).powered;
    }

    it('switches off first on SIGTERM, records it in the transcript and the events, and only then writes the reports', async () => {
      await bench.startSim(['--time-scale', '5']);
      const reportDir = join(bench.dir, 'report');
      const order = join(bench.dir, 'order.log');
      const { on, off } = await loggedPower(`[ -e ${join(reportDir, 'summary.json')} ] && echo "summary.json before this off" >> ${order}`);
      const rig = await bench.rig('abort-order', 5, [`power: { type: exec, on: '${on}', off: '${off}', timeout: 20 s }`]);
      const run = hil(['--rig', rig, '--suite', 'boot-delay', '--report-dir', reportDir]);
      // The suite is waiting for the module: it fails as soon as the port closes, long before the off is done.
      await run.waitFor(/✓ power on/, 40_000);
      run.kill('SIGTERM');
      expect((await run.finish()).code, run.output).to.equal(143);
      expect(await powered(), 'module powered after the run').to.equal(false);
      expect(await readJson<RunSummary>(join(reportDir, 'summary.json'))).to.deep.include({ status: 'aborted', abortReason: 'terminated (SIGTERM)' });
      expect(readFileSync(join(bench.dir, 'power.log'), 'utf8').trim().split('\n').at(-1)).to.equal('off');
      expect(existsSync(order), 'a power-off came after summary.json').to.equal(false);
      const transcript = await readFile(join(reportDir, 'transcript.log'), 'utf8');
      expect(transcript).to.match(/note    terminated \(SIGTERM\): switching the bench to its safe state \(power off\)\n(.*\n)*.*power   off\n.*note    bench in its safe state: power off\n/);
      const logged = await events(reportDir);
      const tail = logged.slice(logged.findIndex((e) => e.type === 'note' && (e.data as { text: string }).text.startsWith('terminated (SIGTERM)')));
      expect(tail.filter((e) => e.type !== 'note').map((e) => e.type)).to.deep.equal(['power', 'run.ended']);
      expect(tail.find((e) => e.type === 'power')!.data).to.deep.equal({ on: false });
    });

    it('writes an incomplete summary, JUnit and certificate when the module never answers', async () => {
      await bench.startSim(['--time-scale', '1']);
      // The switch reports success but never powers the module.
      const rig = await bench.rig('mute', 1, [`power: { type: exec, on: 'true', off: 'true' }`, 'settle: { discharge: 0 s, bootTimeout: 2 s }']);
      const reportDir = join(bench.dir, 'report');
      const run = hil(['--rig', rig, '--suite', 'boot-delay', '--report-dir', reportDir]);
      expect((await run.finish()).code, run.output).to.equal(4);
      expect(run.stderr).to.match(/hil run: run incomplete: module not ready 2 s after power-on: .*no answer to AT/);
      const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
      expect(summary.status).to.equal('incomplete');
      expect(summary.abortReason).to.match(/^module not ready 2 s after power-on/);
      expect(await readFile(join(reportDir, 'junit.xml'), 'utf8')).to.contain('<testsuites');
      expect((await readJson<{ verdict: string }>(join(reportDir, 'certificate.json'))).verdict).to.equal('incomplete');
      expect(await lockFiles(), 'bench lock released').to.deep.equal([]);
    });

    it('never passes a run whose final power-off failed', async () => {
      await bench.startSim(['--time-scale', '25']);
      // The module is switched on twice (its identity, then the suite); the off after that fails.
      const { on, off } = await loggedPower(`[ "$(grep -c '^on$' ${join(bench.dir, 'power.log')})" -ge 2 ] && { echo "relay stuck" >&2; exit 1; }`);
      const rig = await bench.rig('stuck-relay', 25, [`power: { type: exec, on: '${on}', off: '${off}', timeout: 20 s }`]);
      // A suite that passes on any healthy module whatever the host's load: no timing limits.
      const suites = join(bench.dir, 'suites');
      await mkdir(suites);
      await writeFile(join(suites, 'answers.yaml'), [
        'id: answers', 'title: The module answers AT after power-on', 'tags: [test]',
        'requirement: { source: this test, text: The module answers. }',
        'steps:', '  - power: off', '  - power: on', '  - ready: {}', '  - at: { send: AT }', '',
      ].join('\n'));
      const reportDir = join(bench.dir, 'report');
      const run = hil(['--rig', rig, '--suites-dir', suites, '--suite', 'answers', '--report-dir', reportDir]);
      expect((await run.finish()).code, run.output).to.equal(3);
      const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
      expect(summary.tests.map((t) => t.status)).to.deep.equal(['passed']);
      expect(summary.status).to.equal('incomplete');
      expect(summary.abortReason).to.equal('could not bring the bench to its safe state: power.off (off.sh) exited with code 1: relay stuck');
      expect(run.stderr).to.contain('hil run: run incomplete: could not bring the bench to its safe state: power.off (off.sh) exited with code 1: relay stuck');
      expect((await readJson<{ verdict: string }>(join(reportDir, 'certificate.json'))).verdict).to.equal('incomplete');
      expect(await lockFiles(), 'bench lock released').to.deep.equal([]);
    });
  });

  describe('report folder errors', () => {
    it('refuses a read-only report folder before powering anything, without a trace or a lock', async () => {
      const marker = join(dir, 'switched');
      const readOnly = join(dir, 'read-only');
      await mkdir(readOnly);
      // Root writes through permission bits; the immutable attribute stops root too.
      if (process.getuid?.() === 0) execFileSync('chattr', ['+i', readOnly]);
      else await chmod(readOnly, 0o555);
      try {
        const run = hil(['--rig', await scriptRig({ on: `touch ${marker}`, off: `touch ${marker}` }), '--report-dir', readOnly]);
        expect((await run.finish()).code, run.output).to.equal(3);
        expect(run.stderr.trim()).to.match(new RegExp(`^hil run: cannot write to the report folder ${readOnly} \\((EPERM|EACCES)\\); give a writable --report-dir$`));
      } finally {
        if (process.getuid?.() === 0) execFileSync('chattr', ['-i', readOnly]);
      }
      expect(existsSync(marker), 'a power command ran').to.equal(false);
      expect(await lockFiles()).to.deep.equal([]);
    });

    /** A report folder with `names` pointing at /dev/full, a device every write to fails with ENOSPC. */
    async function fullDiskAt(names: string[]): Promise<string> {
      const reportDir = join(dir, 'full');
      for (const name of names) {
        await mkdir(join(reportDir, name, '..'), { recursive: true });
        await symlink('/dev/full', join(reportDir, name));
      }
      return reportDir;
    }

    it('on a transcript that cannot be written, switches off, names the file and writes an incomplete summary', async () => {
      const reportDir = await fullDiskAt(['transcript.log']);
      const run = hil(['--suite', 'boot-delay', '--report-dir', reportDir]);
      expect((await run.finish()).code, run.output).to.equal(3);
      const path = join(reportDir, 'transcript.log');
      expect(run.stderr).to.contain(`hil run: cannot write ${path}: ENOSPC: no space left on device`);
      expect(run.output).not.to.match(/crashed|\n\s+at /);
      const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
      expect(summary.status).to.equal('incomplete');
      expect(summary.abortReason).to.match(new RegExp(`^cannot write ${path}: ENOSPC`));
      const logged = await events(reportDir);
      expect(logged.filter((e) => e.type === 'power').at(-1)!.data, 'the last power edge').to.deep.equal({ on: false });
    });

    it('on a timeline that cannot be written, keeps the suite its verdict and names the file', async () => {
      const reportDir = await fullDiskAt(['timelines/boot-delay.svg', 'timelines/boot-delay.svg.tmp']);
      const run = hil(['--suite', 'boot-delay', '--seed', '11', '--report-dir', reportDir]);
      expect((await run.finish()).code, run.output).to.equal(3);
      const path = join(reportDir, 'timelines/boot-delay.svg');
      expect(run.stderr).to.contain(`hil run: cannot write ${path}: ENOSPC: no space left on device`);
      const summary = await readJson<RunSummary>(join(reportDir, 'summary.json'));
      expect(summary.tests.filter((t) => t.status === 'broken'), 'tests marked broken').to.deep.equal([]);
      expect(summary.status).to.equal('incomplete');
      expect(summary.abortReason).to.match(new RegExp(`^cannot write ${path}: ENOSPC`));
    });

    it('on a summary that cannot be written, leaves no partial summary, says so and keeps the other reports', async () => {
      const reportDir = await fullDiskAt(['summary.json', 'summary.json.tmp']);
      const run = hil(['--suite', 'boot-delay', '--seed', '11', '--report-dir', reportDir]);
      expect((await run.finish()).code, run.output).to.equal(3);
      expect(run.stderr).to.contain(`hil run: cannot write ${join(reportDir, 'summary.json')}: ENOSPC: no space left on device`);
      expect(run.output).not.to.match(/crashed|\n\s+at /);
      expect(run.stdout).not.to.contain('summary: ');
      expect(await readFile(join(reportDir, 'junit.xml'), 'utf8')).to.match(/<testsuites name="[^"]+" tests="1" failures="0"/);
      expect((await readJson<{ verdict: string }>(join(reportDir, 'certificate.json'))).verdict).to.match(/^(pass|marginal)$/);
      expect((await events(reportDir)).at(-1)!.type).to.equal('run.ended');
    });
  });
});
