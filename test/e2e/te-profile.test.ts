// TS 27.007 AT+CUSATA=1 hands the SIM toolkit to the host: the module then waits for the host to
// answer each proactive command, and an unanswered OPEN CHANNEL is an OTA session lost. The harness's
// passive setup lets the session happen; sending AT+CUSATA=1 with nobody answering (what its setup
// once did) loses it; the opt-in host-side toolkit, which answers, gets it through.
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import type { TruthSnapshot } from '../../harness/sim/index.ts';
import { runHil } from '../../support/hil-process.ts';

const suite = (setup: string) => `id: boot-check
title: The boot-time OTA check
requirement: { source: the harness's own tests, text: the first check comes a minute or two after power-up }
steps:
  - power: off
  - power: on
  - ready: {}
${setup}  - expectSession: { from: power-on, within: { max: 3 min } }
`;

describe('the TE profile (AT+CUSATA=1) on a TS 27.007 module', function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-te-profile-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function run(name: string, setup: string, rigLines: string[] = []) {
    const suites = join(dir, `${name}-suites`);
    await mkdir(suites);
    await writeFile(join(suites, 'boot-check.yaml'), suite(setup));
    const rig = join(dir, `${name}.yaml`);
    await writeFile(rig, ['name: te-profile', 'serial: { path: virtual }', 'power: { type: virtual }', 'module: generic-27007', ...rigLines, 'virtual: { seed: 3 }', ''].join('\n'));
    const reportDir = join(dir, name);
    const finished = await runHil(['run', '--rig', rig, '--suites-dir', suites, '--suite', 'boot-check', '--report-dir', reportDir, '--no-html']);
    const read = async <T>(file: string) => JSON.parse(await readFile(join(reportDir, file), 'utf8')) as T;
    return { code: finished.code, output: finished.stdout + finished.stderr, summary: await read<RunSummary>('summary.json'), truth: await read<TruthSnapshot>('ground-truth.json') };
  }

  it('the passive setup lets the boot-time session happen', async () => {
    const { code, output, truth } = await run('passive', '');
    expect(code, output).to.equal(0);
    expect(truth.sessions.some((s) => s.outcome === 'completed')).to.equal(true);
    expect(truth.events.filter((e) => e.what === 'proactive-command-unanswered')).to.deep.equal([]);
  });

  it('AT+CUSATA=1 with nobody answering loses it: the OPEN CHANNEL goes unanswered', async () => {
    const { code, summary, truth } = await run('unanswered', '  - at: { send: AT+CUSATA=1 }\n');
    expect(code).to.equal(1);
    // The module handed the OPEN CHANNEL over and waited; with no context ever up the host saw nothing.
    expect(summary.tests[0]!.error).to.match(/no ota\.super session within 3 min of power-on/);
    const unanswered = truth.events.filter((e) => e.what === 'proactive-command-unanswered');
    expect(unanswered.map((e) => e.detail?.command)).to.include('OPEN CHANNEL');
    expect(truth.sessions.some((s) => s.outcome === 'completed')).to.equal(false);
  });

  it('the host-side toolkit answers every command and gets the session through, seen in full', async () => {
    const { code, output, truth } = await run('active', '', ['toolkit: active']);
    expect(code, output).to.equal(0);
    expect(truth.sessions.some((s) => s.outcome === 'completed')).to.equal(true);
    const events = (await readFile(join(dir, 'active', 'events.jsonl'), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; data: { seen?: string[] } });
    const opened = events.find((e) => e.type === 'ota.opened');
    expect(opened?.data.seen).to.include('proactive-command');
  });
});
