// hil dashboard in headless Chromium watching four real `hil agent` processes on virtual benches,
// through this file's own Redis and embedded broker (with its WebSocket listener): the four benches
// idle, a submitted job's step changing live on its bench, a bench offline once its agent is killed;
// and no request leaving 127.0.0.1.
import { expect } from 'chai';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../harness/results/embedded-broker.ts';
import { launchBrowser, offMachine, type Browser } from '../../support/browser.ts';
import { runHil } from '../../support/hil-process.ts';
import { HilProcess } from '../results/hil.ts';
import { RedisServer, startAgent, writeRig, type BenchSpec } from './lab-fixtures.ts';

const BENCHES: BenchSpec[] = [
  { name: 'b1', module: 'generic-27007', tags: ['night'] },
  { name: 'b2', module: 'generic-27007', tags: ['night'] },
  { name: 'b3', module: 'ublox-sara-r5', tags: ['day'] },
  { name: 'b4', module: 'ublox-sara-r5', tags: ['day'] },
];
// The bench that runs the job: slow enough (power-cycle-reset waits minutes, simulated: some seconds of
// wall) that the page shows several of its steps; the others stay fast.
const JOB_BENCH = 'b1';
const JOB_TIME_SCALE = 30;
const KILLED = 'b4';
const WAIT = { timeout: 60_000 };
const card = (bench: string) => `[data-bench="default/${bench}"]`;

describe('hil dashboard watching real hil agent processes', function () {
  this.timeout(150_000);
  let dir: string;
  let redis: RedisServer;
  let broker: EmbeddedBroker;
  let dashboard: HilProcess;
  let browser: Browser;
  let page: Page;
  const agents = new Map<string, HilProcess>();
  const blocked: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-dashboard-agents-'));
    await mkdir(join(dir, 'redis'));
    redis = await RedisServer.start(join(dir, 'redis'));
    broker = await startEmbeddedBroker(0, 0);
    await Promise.all(BENCHES.map(async (spec) => {
      const rig = await writeRig(dir, spec);
      const timeScale = spec.name === JOB_BENCH ? JOB_TIME_SCALE : undefined;
      agents.set(spec.name, await startAgent({ rig, queue: redis.url, broker: broker.target.url, reports: join(dir, 'reports', spec.name), ...(timeScale ? { timeScale } : {}) }));
    }));
    dashboard = new HilProcess(['dashboard', '--ws-url', broker.wsUrl!, '--lab', 'default']);
    const [, url] = await dashboard.waitFor(/^dashboard: (http:\/\/127\.0\.0\.1:\d+\/) /m, 60_000);
    browser = await launchBrowser();
    await browser.context.route('**/*', (route) => {
      if (!offMachine(route.request().url())) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    page = await browser.context.newPage();
    await page.goto(url!);
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [bench, agent] of agents) console.log(`--- agent ${bench}:\n${agent.output.split('\n').slice(-15).join('\n')}`);
  });

  after(async () => {
    await Promise.all([...agents.values()].map((a) => a.kill('SIGKILL')));
    await browser?.close();
    await dashboard?.kill('SIGTERM');
    await broker?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("shows four benches idle, a job's step changing live, a bench offline once its agent is killed, and nothing off 127.0.0.1", async () => {
    await page.waitForFunction((n) => document.querySelectorAll('.bench[data-state="idle"]').length === n, BENCHES.length, WAIT);
    const states = await page.$$eval('.bench', (els) => els.map((e) => [(e as HTMLElement).dataset.bench, (e as HTMLElement).dataset.state]));
    expect(states).to.deep.equal(BENCHES.map((b) => [`default/${b.name}`, 'idle']));

    // Every text the job bench's step line takes, in order, as the page redraws (no named function
    // inside: the test's compiler would wrap it in a helper the page does not have).
    await page.evaluate((selector) => {
      const seen: string[] = [];
      (window as unknown as { steps: string[] }).steps = seen;
      new MutationObserver(() => {
        const text = document.querySelector(`${selector} .step`)?.textContent ?? '';
        if (text && text !== seen.at(-1)) seen.push(text);
      }).observe(document.getElementById('benches')!, { childList: true, subtree: true });
    }, card(JOB_BENCH));
    const submitted = await runHil(['submit', '--queue', redis.url, '--suite', 'power-cycle-reset', '--where', `bench=${JOB_BENCH}`]);
    expect(submitted.code, submitted.stdout + submitted.stderr).to.equal(0);
    await page.waitForSelector(`${card(JOB_BENCH)}[data-state="busy"] .run[data-status="running"]`, WAIT);
    await page.waitForSelector(`${card(JOB_BENCH)} .run[data-status="passed"]`, WAIT);
    const steps = await page.evaluate(() => (window as unknown as { steps: string[] }).steps);
    // The step line changed at least twice while the run was under way, through the suite's steps.
    expect(steps.length, JSON.stringify(steps)).to.be.at.least(3);
    expect(steps.filter((s) => s.startsWith('✓ ')).length, JSON.stringify(steps)).to.be.at.least(2);
    await page.waitForSelector(`${card(JOB_BENCH)}[data-state="idle"]`, WAIT);

    await agents.get(KILLED)!.kill('SIGKILL');
    await page.waitForSelector(`${card(KILLED)}[data-state="offline"]`, { timeout: 10_000 });
    expect(await page.textContent(`${card(KILLED)} .state`)).to.equal('offline');
    const others = await page.$$eval('.bench:not([data-state="offline"])', (els) => els.map((e) => (e as HTMLElement).dataset.bench));
    expect(others).to.deep.equal(BENCHES.filter((b) => b.name !== KILLED).map((b) => `default/${b.name}`));

    expect(blocked).to.deep.equal([]);
    expect(browser.requests.filter(offMachine)).to.deep.equal([]);
    expect(browser.requests.some((r) => r.endsWith('/mqtt.min.js'))).to.equal(true);
  });
});
