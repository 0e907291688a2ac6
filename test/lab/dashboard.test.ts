// hil dashboard in headless Chromium against an embedded broker with a WebSocket listener: four
// benches from their retained presences, a run's step and figures changing as events come, a bench
// going offline by its Last Will when the process holding its connection is killed, a real run of
// hil run shown live and then in the matrix; and no request leaving 127.0.0.1.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import type { AgentPresence } from '../../harness/lab/presence.ts';
import type { RunSummary } from '../../harness/record/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../harness/results/embedded-broker.ts';
import { makeEvent, type EventData, type EventType } from '../../harness/results/events.ts';
import { launchBrowser, offMachine, type Browser } from '../../support/browser.ts';
import { HIL, runHil, stop } from '../../support/hil-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PREFIX = 'hil';
const LAB = 'lab-a';
const WAIT = { timeout: 20_000 };

function presence(bench: string, state: AgentPresence['state'], more: Partial<AgentPresence> = {}): string {
  return JSON.stringify({ v: 1, bench, state, tags: ['night'], module: { profile: 'quectel-bg95', maker: 'Quectel', model: 'BG95-M3', firmware: 'BG95M3LAR02A03' }, wall: new Date().toISOString(), ...more });
}

const topic = (bench: string, leaf: string) => `${PREFIX}/${LAB}/${bench}/${leaf}`;

/** A process holding an MQTT connection whose Last Will sets its bench offline; resolves once its presence is out. */
function benchProcess(url: string, bench: string): Promise<ChildProcess> {
  const script = `
    const mqtt = require('mqtt');
    const [url, topic, online, offline] = process.argv.slice(1);
    const client = mqtt.connect(url, { protocolVersion: 4, will: { topic, payload: offline, qos: 1, retain: true } });
    client.on('connect', () => client.publish(topic, online, { qos: 1, retain: true }, () => console.log('ready')));`;
  const child = spawn(process.execPath, ['-e', script, url, topic(bench, 'agent'), presence(bench, 'idle'), JSON.stringify({ v: 1, bench, state: 'offline', tags: [] })], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the bench process exited with ${code}`)));
  });
}

/** hil dashboard, once it says where it serves. */
function startDashboard(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [HIL, 'dashboard', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      const url = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/) /m.exec(output)?.[1];
      if (url) resolve({ child, url });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`hil dashboard exited with ${code}: ${output}`)));
  });
}

function waitFor(page: Page, selector: string, pattern: RegExp): Promise<unknown> {
  return page.waitForFunction(
    ([s, source]) => [...document.querySelectorAll(s!)].some((e) => new RegExp(source!).test(e.textContent ?? '')),
    [selector, pattern.source],
    WAIT,
  );
}

describe('hil dashboard', function () {
  this.timeout(120_000);
  let broker: EmbeddedBroker;
  let publisher: MqttClient;
  let dashboard: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;
  let work: string;
  let holder: ChildProcess | undefined;
  const websockets: string[] = [];
  const blocked: string[] = [];
  let seq = 0;

  function publish(topicName: string, payload: string, retain = false): Promise<void> {
    return new Promise((resolve, reject) => publisher.publish(topicName, payload, { qos: 1, retain }, (error) => (error ? reject(error) : resolve())));
  }
  const sent: string[] = [];
  function event<T extends EventType>(type: T, data: EventData[T]): Promise<void> {
    seq += 1;
    sent.push(JSON.stringify(makeEvent('run-7', seq, type, data, { wall: Date.now(), rig: seq * 1000 })));
    return publish(topic('bench-2', 'runs/run-7/events'), sent.at(-1)!);
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'hil-dashboard-'));
    broker = await startEmbeddedBroker(0, 0);
    expect(broker.wsUrl).to.match(/^ws:\/\/127\.0\.0\.1:\d+$/);
    publisher = await mqtt.connectAsync(broker.target.url, { protocolVersion: 4 });
    await publish(topic('bench-1', 'agent'), presence('bench-1', 'idle'), true);
    await publish(topic('bench-2', 'agent'), presence('bench-2', 'busy', { job: { id: 'job-1', suites: ['boot-delay', 'csim-forced-check'], runId: 'run-7' } }), true);
    await publish(topic('bench-3', 'agent'), presence('bench-3', 'unhealthy', { problems: ['AT port /dev/ttyUSB2: no answer to AT'] }), true);
    holder = await benchProcess(broker.target.url, 'bench-4');
    const matrixDir = join(work, 'matrix');
    ({ child: dashboard, url } = await startDashboard(['--ws-url', broker.wsUrl!, '--matrix', matrixDir]));
    browser = await launchBrowser();
    await browser.context.route('**/*', (route) => {
      if (offMachine(route.request().url())) {
        blocked.push(route.request().url());
        return route.abort();
      }
      return route.continue();
    });
    page = await browser.context.newPage();
    page.on('websocket', (ws) => websockets.push(ws.url()));
    await page.goto(url);
  });
  after(async () => {
    holder?.kill('SIGKILL');
    await browser?.close();
    if (dashboard) await stop(dashboard);
    await publisher?.endAsync();
    await broker?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('shows the four benches from their retained presences: idle, busy, unhealthy with its problem', async () => {
    await page.waitForFunction(() => document.querySelectorAll('.bench').length === 4, undefined, WAIT);
    await waitFor(page, '#connection', new RegExp(`connected to ${broker.wsUrl}`));
    const states = await page.$$eval('.bench', (els) => els.map((e) => [(e as HTMLElement).dataset.bench, (e as HTMLElement).dataset.state]));
    expect(states).to.deep.equal([['lab-a/bench-1', 'idle'], ['lab-a/bench-2', 'busy'], ['lab-a/bench-3', 'unhealthy'], ['lab-a/bench-4', 'idle']]);
    expect(await page.textContent('[data-bench="lab-a/bench-3"]')).to.contain('AT port /dev/ttyUSB2: no answer to AT');
    expect(await page.textContent('[data-bench="lab-a/bench-1"]')).to.contain('Quectel BG95-M3 BG95M3LAR02A03');
  });

  it("changes a run's step and figures live as its events and the presence come", async () => {
    const bench2 = '[data-bench="lab-a/bench-2"]';
    await event('run.started', { lab: LAB, bench: 'bench-2', rig: { name: 'bg95', file: 'rigs/bg95.yaml', timeScale: 1, serial: '/dev/ttyUSB2', power: 'relay', module: 'quectel-bg95', faults: [] }, suites: [{ id: 'boot-delay', title: 'Boot delay', tags: [] }, { id: 'csim-forced-check', title: 'Forced check', tags: [] }], transcriptEvents: false });
    await event('suite.started', { suiteId: 'boot-delay', title: 'Boot delay' });
    await event('step', { suiteId: 'boot-delay', title: 'power on', status: 'passed', startedAt: 0, endedAt: 2000 });
    await waitFor(page, `${bench2} .step`, /✓ power on$/);
    expect(await page.textContent(`${bench2} .suite`)).to.equal('suite boot-delay (1 of 2)');

    await event('step', { suiteId: 'boot-delay', title: 'wait for the module to be ready', status: 'passed', startedAt: 2000, endedAt: 6000 });
    await waitFor(page, `${bench2} .step`, /✓ wait for the module to be ready$/);
    await event('measurement', { suiteId: 'boot-delay', name: 'boot_delay', description: 'first check', value: 92.5, unit: 's', min: 60, max: 120, uncertainty: 0.3, verdict: 'pass' });
    await waitFor(page, `${bench2} [data-figure="boot_delay"]`, /boot-delay boot_delay = 92\.5 ± 0\.3 s/);

    // An earlier event again (QoS 1 may deliver twice) and messages that fit no schema change nothing;
    // a presence does. The broker delivers one publisher's messages in order: once the presence shows,
    // the others were taken.
    await publish(topic('bench-2', 'runs/run-7/events'), sent[2]!);
    await publish(topic('bench-9', 'agent'), JSON.stringify({ v: 1, bench: 'bench-9', state: 'asleep' }));
    await publish(topic('bench-9', 'status'), '{not json');
    await publish(topic('bench-1', 'agent'), presence('bench-1', 'busy', { job: { id: 'job-2', suites: ['apn-hygiene'], step: 'waiting for the bench lock' } }), true);
    await waitFor(page, '[data-bench="lab-a/bench-1"] .step', /^waiting for the bench lock$/);
    expect(await page.getAttribute('[data-bench="lab-a/bench-1"]', 'data-state')).to.equal('busy');
    expect(await page.textContent(`${bench2} .step`)).to.equal('✓ wait for the module to be ready');
    expect(await page.textContent('#skipped')).to.equal('2 message(s) skipped: they fit no schema of this version');
    expect(await page.$$eval('.bench', (els) => els.length)).to.equal(4);
  });

  it('shows a bench offline by its Last Will when the process holding its connection dies', async () => {
    expect(await page.getAttribute('[data-bench="lab-a/bench-4"]', 'data-state')).to.equal('idle');
    holder!.kill('SIGKILL');
    await page.waitForSelector('[data-bench="lab-a/bench-4"][data-state="offline"]', WAIT);
    expect(await page.textContent('[data-bench="lab-a/bench-4"] .state')).to.equal('offline');
  });

  it('shows a real hil run live, then its cells in the last matrix', async () => {
    const reportDir = join(work, 'run');
    const run = await runHil(['run', '--suite', 'boot-delay', '--seed', '11', '--no-html', '--broker', broker.target.url, '--lab', LAB, '--bench', 'bench-5', '--report-dir', reportDir]);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    const bench5 = '[data-bench="lab-a/bench-5"]';
    await page.waitForSelector(`${bench5} [data-run="${summary.runId}"][data-status="passed"]`, WAIT);
    const delay = summary.tests[0]!.measurements.find((m) => m.name === 'boot_delay')!;
    expect(await page.textContent(`${bench5} [data-figure="boot_delay"]`)).to.contain(`boot_delay = ${delay.value} ± ${delay.uncertainty} s`);
    expect(await page.getAttribute(bench5, 'data-state')).to.equal('idle');

    const matrix = await runHil(['matrix', reportDir, '--out', join(work, 'matrix')]);
    expect(matrix.code, matrix.stderr).to.equal(0);
    await page.reload();
    const frame = await (await page.waitForSelector('#matrix', WAIT)).contentFrame();
    await frame!.waitForSelector('td[data-suite="boot-delay"][data-verdict="pass"]', WAIT);
    expect(await frame!.textContent('td[data-suite="boot-delay"]')).to.contain(`boot_delay ${delay.value} ± ${delay.uncertainty} s`);
  });

  it('writes the same page as static files that connect from file://', async () => {
    const out = join(work, 'static');
    const built = await runHil(['dashboard', '--ws-url', broker.wsUrl!, '--lab', LAB, '--out', out]);
    expect(built.code, built.stderr).to.equal(0);
    expect((await readdir(out)).sort()).to.deep.equal(['dashboard.js', 'index.html', 'mqtt.min.js']);
    const local = await browser.context.newPage();
    await local.goto(pathToFileURL(join(out, 'index.html')).href);
    await local.waitForSelector('[data-bench="lab-a/bench-4"][data-state="offline"]', WAIT);
    expect(await local.$$eval('.bench', (els) => els.length)).to.equal(5);
    await local.close();
  });

  it('made no request off 127.0.0.1, and its only WebSocket was the broker on loopback', () => {
    expect(blocked).to.deep.equal([]);
    expect(browser.requests.filter(offMachine)).to.deep.equal([]);
    expect(browser.requests.some((r) => r.endsWith('/mqtt.min.js'))).to.equal(true);
    expect(websockets.length).to.be.greaterThan(0);
    expect([...new Set(websockets.map((w) => new URL(w).host))]).to.deep.equal([new URL(broker.wsUrl!).host]);
  });

  it('refuses a broker URL the page cannot reach over WebSockets, naming the option', async () => {
    const run = await runHil(['dashboard', '--broker', 'mqtt://127.0.0.1:1']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("hil dashboard: the page needs the broker's WebSocket listener: give --ws-url ws://HOST:PORT (mqtt://127.0.0.1:1 is not one)");
    const bad = await runHil(['dashboard', '--ws-url', 'http://127.0.0.1:9001']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('hil dashboard: --ws-url: expected a ws:// or wss:// URL, got "http://127.0.0.1:9001"');
  });
});
