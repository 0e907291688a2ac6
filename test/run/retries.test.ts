// --retries on a bench whose power switch fails once and then works: a `hil sim --pty` module behind
// an exec switch whose script counts its calls in a file. The test that broke on the switch runs
// again from the power off, passes, and is marked flaky in summary.json, JUnit and on the console.
import { expect } from 'chai';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../../harness/output/errors.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import { HilProcess } from '../results/hil.ts';
import { PtyBench } from '../rig/pty-bench.ts';

const SCALE = 25;

describe('hil run --retries on a power switch that fails once', function () {
  this.timeout(120_000);
  let bench: PtyBench;
  beforeEach(async () => {
    bench = await PtyBench.create('hil-retries-');
    await bench.startSim(['--time-scale', String(SCALE)]);
  });
  afterEach(() => bench.close());

  /** A rig whose power-on fails on its `failOn`th call (the first is the identity read's, outside any test). */
  async function flakyRig(failOn: number): Promise<{ rig: string; suites: string; log: string }> {
    const count = join(bench.dir, 'on.count');
    const log = join(bench.dir, 'power.log');
    const on = join(bench.dir, 'on.sh');
    await writeFile(
      on,
      `#!/bin/sh\nn=$(( $(cat ${count} 2>/dev/null || echo 0) + 1 )); echo $n > ${count}\n` +
        `if [ $n -eq ${failOn} ]; then echo on-failed >> ${log}; echo "relay did not close" >&2; exit 5; fi\n${bench.ctl('on')} >/dev/null && echo on >> ${log}\n`,
    );
    await chmod(on, 0o755);
    const off = `${bench.ctl('off')} >/dev/null && echo off >> ${log}`;
    const rig = await bench.rig('flaky', SCALE, [`power: { type: exec, on: '${on}', off: '${off}', timeout: 20 s }`]);
    const suites = join(bench.dir, 'suites');
    await mkdir(suites);
    await writeFile(
      join(suites, 'boots.yaml'),
      `id: boots
title: The module boots
requirement: { source: the harness's own tests, text: the module answers AT after power-on }
steps:
  - power: off
  - power: on
  - ready: {}
`,
    );
    return { rig, suites, log };
  }

  const runArgs = (rig: string, suites: string, reportDir: string, extra: string[]) => ['run', '--no-broker', '--no-html', '--rig', rig, '--suites-dir', suites, '--suite', 'boots', '--report-dir', reportDir, ...extra];

  it('runs the test again after the power off, passes it and marks it flaky', async () => {
    const { rig, suites, log } = await flakyRig(2);
    const reportDir = join(bench.dir, 'report');
    const run = new HilProcess(runArgs(rig, suites, reportDir, ['--retries', '2']), { HIL_LOCK_DIR: bench.dir });
    expect((await run.finish()).code, run.output).to.equal(EXIT.passed);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    const [test] = summary.tests;
    expect(test).to.deep.include({ status: 'passed', attempts: 2 });
    expect(test!.flaky).to.match(/power\.on \(on\.sh\).*relay did not close/);
    expect(test!.error).to.equal(undefined);
    expect(test!.steps.map((s) => `${s.title}: ${s.status}`), 'the steps of the run that passed').to.deep.equal(['power off: passed', 'power on: passed', 'wait for the module to be ready: passed']);
    // Made safe (off) between the failed power-on and the retry.
    expect((await readFile(log, 'utf8')).trim().split('\n')).to.deep.equal(['off', 'on', 'off', 'off', 'on-failed', 'off', 'off', 'on', 'off']);
    expect(run.stdout).to.match(/↻ boots: broke on the bench \(power\.on \(on\.sh\)[^\n]*relay did not close[^\n]*\); power off, then retry 1 of 2/);
    expect(run.stdout).to.match(/✓ boots: passed \(flaky: passed on attempt 2 after a bench error: power\.on/);
    expect(run.stdout).to.include('1 passed, 0 failed, 1 flaky (passed on a retry)');
    const junit = await readFile(join(reportDir, 'junit.xml'), 'utf8');
    expect(junit).to.include('<property name="attempts" value="2"/>');
    expect(junit).to.match(/<property name="flaky" value="power\.on \(on\.sh\)[^"]*relay did not close/);
  });

  it('without --retries the same bench breaks the test, the bench\'s exit 3', async () => {
    const { rig, suites } = await flakyRig(2);
    const reportDir = join(bench.dir, 'report');
    const run = new HilProcess(runArgs(rig, suites, reportDir, []), { HIL_LOCK_DIR: bench.dir });
    expect((await run.finish()).code, run.output).to.equal(EXIT.bench);
    const [test] = (JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary).tests;
    expect(test).to.deep.include({ status: 'broken', cause: 'bench' });
    expect(test!.error).to.match(/relay did not close/);
    expect(run.stdout).not.to.include('retry');
  });
});
