// A forced-check suite on a `hil sim --pty` bench whose only view of the OTA server is the SIM
// vendor's API (`hil sim --vendor-api`): it passes when the API reports the update successful, fails
// naming the packages when it reports it failed, and no credential reaches the report folder, the
// console or the broker.
import { expect } from 'chai';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Certificate } from '../../harness/report/certificate.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import { PtyBench } from '../rig/pty-bench.ts';
import { HilProcess } from '../results/hil.ts';
import { Mosquitto } from '../results/mosquitto.ts';
import { Subscriber } from '../results/subscriber.ts';
import { CREDENTIALS, ICCID } from './api-server.ts';

const SCALE = 25;
const KEY_ENV = { TWILIO_API_KEY: CREDENTIALS.username, TWILIO_API_SECRET: CREDENTIALS.password };
const SUITE = `id: vendor-forced-check
title: A forced check delivers the pending update, as the SIM vendor reports it
tags: [vendor]
requirement:
  source: Super SIM documentation, "Over-the-Air Updates", triggering an update check
  text: The host can trigger an OTA check with AT+CSIM; the SIM then fetches and installs a staged update.
steps:
  - power: off
  - power: on
  - ready: {}
  - registered: {}
  - forceCheck: {}
  - expectSession:
      from: force-check
      within: { max: 30 s }
      count: update
      followOnWithin: 10 s
  - expectUpdate: { status: successful }
`;

describe('a forced-check suite judged by the SIM vendor\'s API', function () {
  this.timeout(120_000);
  let bench: PtyBench;
  let broker: Mosquitto;
  let subscriber: Subscriber;

  beforeEach(async () => {
    bench = await PtyBench.create('hil-vendor-');
    broker = await Mosquitto.start();
    subscriber = await Subscriber.connect(broker.url, ['hil/#']);
  });
  afterEach(async () => {
    await subscriber.close();
    await broker.stop();
    await bench.close();
  });

  /** Runs the suite on a bench whose simulator reports `outcome`; the API, configured, is asked rather than the control socket. */
  async function runSuite(outcome: 'successful' | 'failed') {
    const sim = new HilProcess(['sim', '--pty', bench.link, '--power', 'off', '--time-scale', String(SCALE), '--seed', '5', '--iccid', ICCID,
      '--update-blocks', '3', '--vendor-api', '0', '--vendor-outcome', outcome, '--vendor-lag', '1 s'], KEY_ENV);
    const [, api] = await sim.waitFor(/vendor API on (http:\/\/127\.0\.0\.1:\d+)/);
    await sim.waitFor(/virtual module on/);
    const rig = join(bench.dir, 'rig.yaml');
    await writeFile(rig, [`name: vendor-bench`, `simulator: { control: "${bench.socket}" }`, `timeScale: ${SCALE}`, `serial: { path: "${bench.link}" }`,
      `power: { type: exec, on: '${bench.ctl('on')}', off: '${bench.ctl('off')}', timeout: 20 s, edgeAt: end }`, ''].join('\n'));
    const suites = join(bench.dir, 'suites');
    await mkdir(suites);
    await writeFile(join(suites, 'vendor-forced-check.yaml'), SUITE);
    const reportDir = join(bench.dir, `report-${outcome}`);
    const run = new HilProcess(['run', '--rig', rig, '--suites-dir', suites, '--suite', 'vendor-forced-check', '--broker', broker.url, '--lab', 'lab-1', '--bench', 'bench-7', '--report-dir', reportDir],
      { ...KEY_ENV, HIL_SUPERSIM_API: api! });
    const exit = await run.finish(110_000);
    await sim.kill('SIGTERM');
    await subscriber.waitFor('the retained summary', () => subscriber.received.some((m) => m.topic.endsWith('/summary')));
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    const certificate = JSON.parse(await readFile(join(reportDir, 'certificate.json'), 'utf8')) as Certificate;
    return { exit, run, summary, certificate, reportDir, api: api! };
  }

  it('passes when the API reports the update successful, and the certificate lists the packages; no credential anywhere', async () => {
    const { exit, run, summary, certificate, reportDir, api } = await runSuite('successful');
    expect(exit.code, run.output).to.equal(0);
    expect(summary.rig.updates).to.equal(`the SIM vendor's API at ${api}`);
    expect(summary.simPackages).to.deep.equal({ before: [], after: [{ name: 'operator-settings', version: '2' }] });
    expect(certificate.sim.packagesAfter).to.deep.equal([{ name: 'operator-settings', version: '2' }]);
    expect(await readFile(join(reportDir, 'certificate.html'), 'utf8')).to.contain('<th>SIM settings packages at the end</th><td>operator-settings 2</td>');

    const secrets = [CREDENTIALS.password, Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')];
    const files = (await readdir(reportDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    expect(files.map((f) => f.name)).to.include.members(['events.jsonl', 'summary.json', 'transcript.log', 'certificate.json']);
    for (const file of files) {
      const text = await readFile(join(file.parentPath, file.name), 'utf8');
      for (const secret of secrets) expect(text, `${file.name} holds a credential`).not.to.contain(secret);
    }
    const published = subscriber.received.map((m) => m.payload).join('\n');
    expect(published, 'broker messages').to.contain('vendor-forced-check');
    for (const secret of secrets) {
      expect(run.output, 'console').not.to.contain(secret);
      expect(published, 'broker messages').not.to.contain(secret);
    }
  });

  it('fails when the API reports the update failed, naming its packages', async () => {
    const { exit, run, summary } = await runSuite('failed');
    expect(exit.code, run.output).to.equal(1);
    const test = summary.tests.find((t) => t.suiteId === 'vendor-forced-check')!;
    expect(test.status).to.equal('failed');
    expect(test.error).to.match(/^the staged update is failed \(OB0{31}1: operator-settings 2\), expected successful/);
    expect(summary.simPackages).to.deep.equal({ before: [], after: [] });
  });
});
