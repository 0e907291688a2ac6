// Ctrl-C at a terminal: `hil run` on a pseudo-terminal, interrupted by the terminal's own ^C. The
// first says what the run is doing to end (the module off, the report), a second while the bench is
// still being switched off says so and does not give up the safe state.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import { until } from '../results/wait.ts';
import { onTerminal } from './terminal.ts';

describe('hil run interrupted at a terminal', function () {
  this.timeout(60_000);
  let dir: string;
  let kill: (() => void) | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-interrupt-'));
  });
  afterEach(async () => {
    kill?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('says it is switching the module off and writing the report; a second Ctrl-C does not give up the safe state', async () => {
    const log = join(dir, 'power.log');
    const offStarted = join(dir, 'off.started');
    // The start's off is quick; the safe state's takes a while, long enough for a second Ctrl-C.
    const off = join(dir, 'off.sh');
    await writeFile(off, `#!/bin/sh\nif [ -e ${log} ]; then touch ${offStarted}; sleep 4; echo off-done >> ${log}; else echo off >> ${log}; fi\n`);
    await chmod(off, 0o755);
    const rig = join(dir, 'rig.yaml');
    // No module ever comes (no port): the run waits for it after the identity read's power-on.
    await writeFile(rig, `name: scripted\nserial: {path: ${join(dir, 'no-port')}}\npower: {type: exec, on: 'echo on >> ${log}', off: '${off}', timeout: 60 s}\nsettle: {discharge: 0 s, bootTimeout: 60 s}\n`);
    const reportDir = join(dir, 'report');
    const run = onTerminal(['run', '--no-broker', '--no-html', '--rig', rig, '--report-dir', reportDir], { HIL_LOCK_DIR: dir });
    kill = run.kill;
    await until('the power-on', async () => (await readFile(log, 'utf8').catch(() => '')).includes('on\n'), 20_000, () => run.output);
    run.type('\x03');
    await until('the safe state\'s off to start', () => existsSync(offStarted), 20_000, () => run.output);
    run.type('\x03');
    expect(await run.exited, run.output).to.equal(130);
    // The terminal echoes each Ctrl-C as ^C.
    const output = run.output.replace(/\r\n/g, '\n').replace(/\^C/g, '');
    expect(output).to.match(
      /hil run: interrupted \(SIGINT\): switching the module off… then writing the report\n(.*\n)*hil run: still switching the module off; the run ends once the bench is safe \(the safe state is not given up\)\n(.*\n)*hil run: bench safe; writing the report…\n(.*\n)*hil run: run aborted: interrupted \(SIGINT\); 0 test\(s\) finished \(0 passed\), partial report in /,
    );
    expect(output).to.include(`partial report in ${reportDir}`);
    expect((await readFile(log, 'utf8')).trim().split('\n'), 'the off ran to its end').to.deep.equal(['off', 'on', 'off-done']);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary).to.deep.include({ status: 'aborted', abortReason: 'interrupted (SIGINT)' });
  });
});
