// The allure HTML report as one file that opens from disk: the allure 3 generator (its "awesome"
// report in single-file mode), with the analytics tag it embeds taken out so the page loads nothing
// from the network.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLURE_HISTORY_LIMIT } from './history.ts';

export interface AllureHtmlOptions {
  resultsDir: string;
  /** The HTML file to write. */
  output: string;
  reportName: string;
  /** Shown at the top of the report: module, firmware, rig. */
  variables: Record<string, string>;
  /** allure's history file, kept across runs for its trends; `append: false` reads it without adding this report. */
  history?: { path: string; append: boolean };
}

/** A script or stylesheet the page would fetch from the network (data: URLs and inline code are fine). */
const REMOTE_RESOURCE = /<(script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/i;
const REMOTE_SCRIPT = /<script\b[^>]*\bsrc\s*=\s*["'](?:https?:)?\/\/[^"']*["'][^>]*>\s*<\/script>/gi;
/** The inline script that configures the analytics tag. */
const ANALYTICS_SCRIPT = /<script>(?:(?!<\/script>)[\s\S])*?\bgtag\((?:(?!<\/script>)[\s\S])*<\/script>/g;

/** The page without what the generator embeds for analytics; throws if anything else would still load from the network. */
export function offlineHtml(html: string): string {
  const stripped = html.replace(REMOTE_SCRIPT, '').replace(ANALYTICS_SCRIPT, '');
  const remote = REMOTE_RESOURCE.exec(stripped);
  if (remote) throw new Error(`the generated report would load ${remote[2]} (a <${remote[1]}>) from the network`);
  return stripped;
}

function allureCli(): string {
  return fileURLToPath(import.meta.resolve('allure'));
}

function run(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [allureCli(), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`allure generate exited with ${code}: ${output.trim()}`))));
  });
}

export async function generateAllureHtml(options: AllureHtmlOptions): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'hil-allure-'));
  try {
    const config = {
      name: options.reportName,
      output: join(work, 'out'),
      ...(options.history ? { historyPath: options.history.path, appendHistory: options.history.append, historyLimit: ALLURE_HISTORY_LIMIT } : {}),
      variables: options.variables,
      plugins: { awesome: { options: { singleFile: true, reportName: options.reportName, groupBy: ['suite'] } } },
    };
    await writeFile(join(work, 'allurerc.json'), JSON.stringify(config));
    await run(['generate', '--config', join(work, 'allurerc.json'), '--cwd', work, options.resultsDir], work);
    const html = await readFile(join(work, 'out', 'index.html'), 'utf8');
    await writeFile(options.output, offlineHtml(html));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
