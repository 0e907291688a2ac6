// `hil`'s exit codes tell the device from the bench: each class asserted by the run that causes it,
// with the words that say why.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../harness/output/errors.ts';
import { lockBench } from '../../harness/rig/lock.ts';
import { runHil, startHil } from '../../support/hil-process.ts';

describe('hil exit codes', function () {
  this.timeout(120_000);
  let dir: string;
  const env = process.env.HIL_LOCK_DIR;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-exit-'));
  });
  afterEach(async () => {
    if (env === undefined) delete process.env.HIL_LOCK_DIR;
    else process.env.HIL_LOCK_DIR = env;
    await rm(dir, { recursive: true, force: true });
  });

  const reportDir = () => join(dir, 'report');

  it('1 for a requirement the module fails', async () => {
    const run = await runHil(['run', '--suite', 'boot-delay', '--fault', 'never-checks', '--no-broker', '--no-html', '--report-dir', reportDir()]);
    expect(run.code, run.stderr).to.equal(EXIT.failed);
    expect(run.stdout).to.match(/0 passed, 1 failed/);
  });

  it('2 for a broken rig file, naming its file and line', async () => {
    const rig = join(dir, 'rig.yaml');
    await writeFile(rig, 'name: broken\nserial:\n  path: virtual\npower: {type: nowhere}\n');
    const run = await runHil(['run', '--rig', rig, '--no-broker', '--report-dir', reportDir()]);
    expect(run.code).to.equal(EXIT.usage);
    expect(run.stderr).to.include(`${rig}:4:`);
    expect(existsSync(reportDir()), 'no report folder for a run that never started').to.equal(false);
  });

  it('3 for an exec power switch that fails, naming the switch', async () => {
    const rig = join(dir, 'rig.yaml');
    await writeFile(rig, `name: exec-fails\nserial: {path: ${join(dir, 'tty')}}\npower: {type: exec, on: 'true', off: 'echo relay jammed >&2; exit 7'}\n`);
    process.env.HIL_LOCK_DIR = dir;
    const run = await runHil(['run', '--rig', rig, '--suite', 'boot-delay', '--no-broker', '--no-html', '--report-dir', reportDir()]);
    expect(run.code, run.stdout + run.stderr).to.equal(EXIT.bench);
    expect(run.stderr).to.match(/cannot bring the bench to its safe state at the start: .*power\.off \(echo\)[^\n]*7/);
  });

  it('3 for a bench another run holds, and no report folder left behind', async () => {
    const rig = join(dir, 'rig.yaml');
    const port = join(dir, 'tty');
    await writeFile(rig, `name: busy\nserial: {path: ${port}}\npower: {type: exec, on: 'true', off: 'true'}\n`);
    const lock = lockBench(port, { name: 'holder', file: rig }, () => {}, dir);
    try {
      process.env.HIL_LOCK_DIR = dir;
      const run = await runHil(['run', '--rig', rig, '--no-broker', '--report-dir', reportDir()]);
      expect(run.code).to.equal(EXIT.bench);
      expect(run.stderr).to.include(`the bench on ${port} is in use by process ${process.pid}`);
      expect(existsSync(reportDir()), 'no report folder for a run that never started').to.equal(false);
    } finally {
      lock.release();
    }
  });

  for (const [signal, code] of [['SIGINT', EXIT.sigint], ['SIGTERM', EXIT.sigterm]] as const) {
    it(`${code} for a run interrupted by ${signal}, with its report`, async () => {
      const child = await startHil(['run', '--suite', 'boot-delay', '--time-scale', '1', '--no-broker', '--no-html', '--report-dir', reportDir()], /report folder:/);
      child.removeAllListeners('exit');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      child.kill(signal);
      expect(await exited).to.equal(code);
      expect(await readdir(reportDir())).to.include('summary.json');
    });
  }

  it('2 for an unknown command or option, with the nearest one', async () => {
    const command = await runHil(['rnu']);
    expect(command.code).to.equal(EXIT.usage);
    expect(command.stderr).to.match(/^hil: unknown command "rnu"; did you mean "run"\?/);
    const option = await runHil(['run', '--sute', 'boot-delay']);
    expect(option.code).to.equal(EXIT.usage);
    expect(option.stderr).to.include('hil run: unknown option --sute; did you mean "--suite"? (hil run --help)');
  });

  it('0 for --version, -h and help <command>', async () => {
    const version = await runHil(['--version']);
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect([version.code, version.stdout.trim()]).to.deep.equal([0, `sim-ota-hil ${manifest.version}`]);
    const help = await runHil(['help', 'run']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^usage: hil run/);
    const short = await runHil(['doctor', '-h']);
    expect(short.code).to.equal(0);
    expect(short.stdout).to.match(/^usage: hil doctor/);
    const top = await runHil(['-h']);
    expect(top.stdout).to.match(/exit codes:\n {2}0 {2}every requirement met/);
  });
});
