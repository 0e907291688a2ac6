// `npm run pictures`: the README's pictures of a run's reports, taken from a real run of the standard
// suites on the virtual rig, as Chromium shows them: the certificate, the allure report and a
// test's timeline. Writes docs/images/*.png.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser } from './browser.ts';
import { runHil } from './hil-process.ts';

const IMAGES = resolve(import.meta.dirname, '..', 'docs', 'images');

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hil-pictures-'));
  const browser = await launchBrowser();
  try {
    const report = join(dir, 'report');
    const run = await runHil(['run', '--no-broker', '--seed', '7', '--report-dir', report], 180_000);
    if (run.code !== 0) throw new Error(`hil run exited ${run.code}:\n${run.stdout}${run.stderr}`);
    await mkdir(IMAGES, { recursive: true });
    const timeline = (await readdir(join(report, 'timelines'))).find((name) => name.startsWith('power-cycle-reset'))!;
    // What each picture waits for before it is taken, and what it shows: the page, or an SVG's root.
    const pictures: [file: string, page: string, shown: string][] = [
      ['certificate.png', join(report, 'certificate.html'), 'body'],
      ['report.png', join(report, 'report.html'), '[data-testid="tree-section"]'],
      ['timeline.png', join(report, 'timelines', timeline), 'svg'],
    ];
    for (const [file, page, shown] of pictures) {
      const tab = await browser.context.newPage();
      await tab.goto(pathToFileURL(page).href);
      await tab.locator(shown).first().waitFor();
      const path = join(IMAGES, file);
      if (shown === 'svg') await tab.locator('svg').first().screenshot({ path });
      else await tab.screenshot({ path });
      await tab.close();
      console.log(`${path}: ${page}`);
    }
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
