// The exec power switch with real shell commands: exit codes, the status command, timeouts that end
// everything the command started, and the output kept for the transcript.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYamlText } from '../../harness/config/index.ts';
import { redaction } from '../../harness/output/redaction.ts';
import { moduleProfile } from '../../harness/module/profiles.ts';
import { createPowerSwitch, type PowerSwitch } from '../../harness/rig/power.ts';
import { rigSchema } from '../../harness/rig/rig-file.ts';
import { ScaledClock } from '../../harness/time/clock.ts';
import { until } from '../results/wait.ts';

describe('exec power switch', function () {
  this.timeout(20_000);
  let dir: string;
  let state: string;
  let log: string[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-exec-'));
    state = join(dir, 'state');
    log = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A switch whose commands are written in YAML flow style, as in a rig file. */
  function execSwitch(power: string): Promise<PowerSwitch> {
    const rig = { ...parseYamlText(`name: e\nserial: {path: /dev/null}\npower: {type: exec, ${power}}\n`, 'rig.yaml', rigSchema), file: 'rig.yaml' };
    return createPowerSwitch(rig, moduleProfile(rig.module), new ScaledClock(), undefined, (line) => log.push(line));
  }

  const onOff = () => `on: 'echo on > ${state}; echo switched on', off: 'echo off > ${state}'`;

  it('runs the on and off commands and logs their exit and a digest of their output, never the output', async () => {
    const power = await execSwitch(onOff());
    await power.on();
    expect((await readFile(state, 'utf8')).trim()).to.equal('on');
    await power.off();
    expect((await readFile(state, 'utf8')).trim()).to.equal('off');
    const digest = createHash('sha256').update('switched on').digest('hex').slice(0, 12);
    expect(log).to.have.length(2);
    expect(log[0]).to.match(new RegExp(`^power\\.on \\(echo\\): exit 0 after \\d+ ms wall time; output 1 line, sha256 ${digest}$`));
    expect(log[1]).to.match(/^power\.off \(echo\): exit 0 after \d+ ms wall time$/);
    expect(log.join('\n'), 'command lines are not logged: they may hold secrets').to.not.include(state);
  });

  it('names a command by its key and program, never by a command line that may hold a secret', async () => {
    const power = await execSwitch(`on: 'TOKEN=s3cret "/usr/bin/env" true', off: 'exit 4'`);
    await power.on();
    expect(log).to.have.length(1);
    expect(log[0]).to.match(/^power\.on \(env\): exit 0 after \d+ ms wall time$/);
    expect(power.description).to.equal('exec power.on (env) / power.off (exit)');
  });

  it('redacts a secret in the output line an error quotes', async () => {
    const secret = 'tok-5f2e9a';
    redaction.add([secret]);
    const power = await execSwitch(`on: 'echo "login as bench-7 with ${secret} refused" >&2; exit 5', off: 'true'`);
    let error: Error | undefined;
    await power.on().catch((e: Error) => (error = e));
    expect(error?.message).to.equal('power.on (echo) exited with code 5: login as bench-7 with [redacted] refused');
  });

  it('ends an on still under way before switching off, so the late on never wins', async () => {
    const pid = join(dir, 'on.pid');
    // The on is slow (a PDU that takes its time); the off comes while it is still running.
    const power = await execSwitch(`on: 'echo $$ > ${pid}; sleep 30; echo on > ${state}', off: 'echo off > ${state}', status: 'grep -q on ${state}'`);
    const on = power.on().catch((e: Error) => e);
    await until('the on command to start', () => existsSync(pid) && readFileSync(pid, 'utf8').trim() !== '');
    await power.off();
    expect((await on as Error).message).to.equal('power.on (echo) was stopped to switch the bench off');
    expect(() => process.kill(Number(readFileSync(pid, 'utf8')), 0), 'the on command is gone').to.throw(/ESRCH/);
    expect(readFileSync(state, 'utf8').trim()).to.equal('off');
    expect(await power.status()).to.equal(false);
  });

  it("returns at the command's own exit when a child it left behind keeps its output open", async () => {
    const pid = join(dir, 'daemon.pid');
    // setsid takes the child out of the command's process group; it inherits stdout and holds it.
    const power = await execSwitch(`on: 'setsid sh -c "echo \\$\\$ > ${pid}; exec sleep 60" & echo started', off: 'true', timeout: 10 s`);
    try {
      await power.on();
      expect(log[0]).to.match(/^power\.on \(setsid\): exit 0 after \d+ ms wall time; output 1 line/);
    } finally {
      await until('the daemon to write its pid', () => existsSync(pid) && readFileSync(pid, 'utf8').trim() !== '');
      process.kill(Number(readFileSync(pid, 'utf8')), 'SIGKILL');
    }
  });

  it('fails on a non-zero exit, naming the command, the code and its last output line', async () => {
    const power = await execSwitch(`on: 'echo hub 1-1 not found >&2; exit 3', off: 'true'`);
    let error: Error | undefined;
    await power.on().catch((e: Error) => (error = e));
    expect(error?.message).to.equal('power.on (echo) exited with code 3: hub 1-1 not found');
  });

  it('confirms each switch with the status command (exit 0 on, 1 off)', async () => {
    const status = `status: 'grep -q on ${state}'`;
    const power = await execSwitch(`${onOff()}, ${status}`);
    await power.on();
    expect(await power.status()).to.equal(true);
    await power.off();
    expect(await power.status()).to.equal(false);

    // A hub without per-port switching: the command succeeds, the port stays powered.
    const stuck = await execSwitch(`on: 'echo on > ${state}', off: 'true', ${status}`);
    await stuck.on();
    let error: Error | undefined;
    await stuck.off().catch((e: Error) => (error = e));
    expect(error?.message).to.equal('power.status (grep) says the module is on after switching it off');
  });

  it('treats a status exit other than 0 or 1 as a failure', async () => {
    const power = await execSwitch(`on: 'true', off: 'true', status: 'exit 2'`);
    let error: Error | undefined;
    await power.status().catch((e: Error) => (error = e));
    expect(error?.message).to.equal('power.status (exit) exited with code 2');
  });

  it('ends a command that outlives its timeout, and whatever it started', async () => {
    const child = join(dir, 'child-still-running');
    // The shell starts a child that would leave a mark if it were not ended with its process group.
    const power = await execSwitch(`on: '(sleep 1; touch ${child}) & echo started; wait', off: 'true', timeout: 300 ms`);
    let error: Error | undefined;
    await power.on().catch((e: Error) => (error = e));
    expect(error?.message).to.equal('power.on (sleep) timed out after 300 ms: started');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(existsSync(child), 'the background child ran on').to.equal(false);
  });
});
