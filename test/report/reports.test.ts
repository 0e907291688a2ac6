// The reports of a real run on the virtual rig (one suite passes, one fails against a fault), opened in
// headless Chromium the way a person opens them from disk: each page must show the suites and their
// verdicts and make no request off the machine.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import type { Certificate } from '../../harness/report/certificate.ts';
import { runHil } from '../../support/hil-process.ts';
import { launchBrowser, offMachine, type Browser } from '../../support/browser.ts';

const PASSING = 'boot-delay';
const FAILING = 'power-cycle-reset';
const FAILING_TITLE = "A power cycle restarts the SIM applet's OTA check timer";
/** With the check deadline kept across power cycles, the deadline boot-delay used up never comes back. */
const FAULT = 'timer-survives-power-cycle';
const FAILURE = /no ota\.super session within 2 min \(\+30 s grace\) of power-on/;

describe('the reports of a run, as a person sees them', function () {
  this.timeout(60_000);
  let dir: string;
  let reportDir: string;
  let history: string;
  let screenshots: string;
  let browser: Browser | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-reports-'));
    reportDir = join(dir, 'run');
    history = join(dir, 'history');
    // HIL_SCREENSHOTS keeps the screenshots somewhere to look at; by default they go with the temp folder.
    screenshots = process.env.HIL_SCREENSHOTS ?? join(dir, 'screenshots');
    await mkdir(screenshots, { recursive: true });
    // Seed 4 draws a boot check about 100 s after boot-delay's power-on, so boot-delay passes under
    // the fault whatever the load makes of the time its identity read takes before it.
    const run = await runHil(['run', '--no-broker', '--seed', '4', '--report-dir', reportDir, '--suite', PASSING, '--suite', FAILING, '--fault', FAULT], 50_000);
    expect(run.code, run.stdout + run.stderr).to.equal(1);
    const report = await runHil(['report', reportDir, '--history', history], 50_000);
    expect(report.code, report.stdout + report.stderr).to.equal(0);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Opens a file of the report folder; resolves with the page and the requests it makes from now on. */
  async function open(file: string): Promise<{ page: Page; requests: string[] }> {
    const from = browser!.requests.length;
    const page = await browser!.context.newPage();
    await page.goto(pathToFileURL(join(reportDir, file)).href);
    return { page, requests: browser!.requests.slice(from) };
  }

  async function screenshot(page: Page | Locator, name: string): Promise<void> {
    const path = join(screenshots, `${name}.png`);
    // A locator (an SVG document's root) is shot as the element; a page, whole.
    const png = 'goto' in page ? await page.screenshot({ path, fullPage: true }) : await page.screenshot({ path });
    expect(png.subarray(1, 4).toString()).to.equal('PNG');
  }

  function madeNoRequestOffTheMachine(requests: string[], url: string): void {
    expect(requests, 'the page was loaded').to.include(url);
    expect(requests.filter(offMachine), 'requests off the machine').to.deep.equal([]);
  }

  it('leaves allure results, one timeline per test, JUnit XML, the certificate and one HTML file', async () => {
    expect((await readdir(join(reportDir, 'allure-results'))).filter((f) => f.endsWith('-result.json'))).to.have.length(2);
    expect((await readdir(join(reportDir, 'timelines'))).sort()).to.deep.equal([`${PASSING}.svg`, `${FAILING}.svg`]);
    const junit = await readFile(join(reportDir, 'junit.xml'), 'utf8');
    expect([...junit.matchAll(/<testcase /g)]).to.have.length(2);
    expect(junit).to.match(new RegExp(`<failure message="${FAILURE.source}`));
    expect(existsSync(join(reportDir, 'certificate.json'))).to.equal(true);
    expect(existsSync(join(history, 'allure-history.jsonl'))).to.equal(true);
    const html = await readFile(join(reportDir, 'report.html'), 'utf8');
    expect(html).to.not.match(/googletagmanager|gtag\(/);
  });

  it('the HTML report shows each suite with its verdict, and the failure with its timeline', async () => {
    const { page, requests } = await open('report.html');
    const section = (id: string) => page.getByTestId('tree-section').filter({ has: page.getByTestId('tree-section-title').getByText(id, { exact: true }) });
    // The bar beside a suite counts its tests by status, coloured as the status.
    expect(await section(PASSING).locator('[class*="passed"]').innerText()).to.equal('1');
    expect(await section(FAILING).locator('[class*="failed"]').innerText()).to.equal('1');
    expect(await section(PASSING).locator('[class*="failed"]').count()).to.equal(0);
    await screenshot(page, 'report-overview');

    const leaf = page.getByTestId('tree-leaf').filter({ hasText: FAILING_TITLE });
    if (!(await leaf.isVisible())) await section(FAILING).getByTestId('tree-section-title').click();
    await leaf.click();
    await page.getByTestId('test-result-status-failed').first().waitFor();
    expect(await page.getByTestId('test-result-error-message').first().innerText()).to.match(FAILURE);
    await page.getByTestId('test-result-attachment-header').filter({ hasText: 'timeline' }).click();
    const timeline = page.getByTestId('test-result-attachment').filter({ hasText: 'timeline' }).locator('img');
    await timeline.waitFor();
    expect(await timeline.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).to.equal(1200);
    await timeline.scrollIntoViewIfNeeded();
    await screenshot(page, 'report-failed-test');
    madeNoRequestOffTheMachine(requests, pathToFileURL(join(reportDir, 'report.html')).href);
    await page.close();
  });

  it('the certificate shows the overall verdict, each requirement with its verdict and figures, and the evidence digest', async () => {
    const certificate = JSON.parse(await readFile(join(reportDir, 'certificate.json'), 'utf8')) as Certificate;
    const { page, requests } = await open('certificate.html');
    expect(await page.locator('#overall-verdict').innerText()).to.equal('FAIL');
    const verdictOf = (id: string) => page.locator(`section[data-suite="${id}"] h3 .verdict`).innerText();
    expect(await verdictOf(PASSING)).to.equal('PASS');
    expect(await verdictOf(FAILING)).to.equal('FAIL');
    const passing = page.locator(`section[data-suite="${PASSING}"]`);
    expect(await passing.locator('blockquote').innerText()).to.match(/The SIM's applet pulls its updates/);
    const bootDelay = certificate.requirements.find((r) => r.suiteId === PASSING)!.figures[0]!;
    expect(await passing.locator('tr', { hasText: 'boot_delay' }).innerText()).to.include(`${bootDelay.value} ± ${bootDelay.uncertainty} s`);
    expect(await page.locator(`section[data-suite="${FAILING}"] .error`).innerText()).to.match(FAILURE);
    expect(await page.locator('#evidence-digest').innerText()).to.equal(certificate.evidence.digest);
    expect(await page.locator('body').innerText()).to.include('Recent nights');
    await screenshot(page, 'certificate');
    madeNoRequestOffTheMachine(requests, pathToFileURL(join(reportDir, 'certificate.html')).href);
    await page.close();
  });

  it("the failed test's timeline shows its verdict, its failure and the window no session came in", async () => {
    const { page, requests } = await open(`timelines/${FAILING}.svg`);
    expect(await page.evaluate(() => document.documentElement.tagName)).to.equal('svg');
    const text = await page.locator('svg').evaluate((svg) => [...svg.querySelectorAll('text')].map((t) => t.textContent).join('\n'));
    expect(text).to.include('FAILED');
    expect(text).to.match(FAILURE);
    expect(text).to.include('ota.super expected 1 min–2 min after power-on');
    expect(text).to.include('no OTA session seen');
    await screenshot(page.locator('svg'), 'timeline-failed');
    madeNoRequestOffTheMachine(requests, pathToFileURL(join(reportDir, `timelines/${FAILING}.svg`)).href);
    await page.close();
  });

  it('reporting the run again adds nothing to the history', async () => {
    const again = await runHil(['report', reportDir, '--history', history], 50_000);
    expect(again.code, again.stdout + again.stderr).to.equal(0);
    for (const file of ['allure-history.jsonl', 'nights.jsonl']) {
      expect((await readFile(join(history, file), 'utf8')).trim().split('\n'), file).to.have.length(1);
    }
  });

  it('hil report --verify accepts the folder as certified, and names a verdict edited and a file changed since', async () => {
    const intact = await runHil(['report', reportDir, '--verify']);
    expect(intact.code, intact.stderr).to.equal(0);
    const certificatePath = join(reportDir, 'certificate.json');
    const certified = await readFile(certificatePath, 'utf8');
    await writeFile(certificatePath, certified.replace(/^  "verdict": "fail",$/m, '  "verdict": "pass",'));
    const passed = await runHil(['report', reportDir, '--verify']);
    expect(passed.code).to.equal(1);
    expect(passed.stderr).to.contain('hil report: certificate.json: verdict is "pass", but summary.json gives "fail"\n');
    await writeFile(certificatePath, certified);
    await appendFile(join(reportDir, 'transcript.log'), 'edited afterwards\n');
    const edited = await runHil(['report', reportDir, '--verify']);
    expect(edited.code).to.equal(1);
    expect(edited.stderr).to.match(/transcript\.log: changed/);
  });
});
