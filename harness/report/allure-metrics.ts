// The run's figures as allure metrics (a `*-perf.json` file among the results): the HTML report's
// Metrics page lists them and, with a history, shows each one's trend over the nights.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../record/index.ts';
import { figureLabel, figuresOf, type Figure } from './figures.ts';

const METRICS_FILE = 'figures-perf.json';

/** Lower is better for a figure with only an upper limit, higher for one with only a lower limit. */
function better(f: Figure): 'lower' | 'higher' | undefined {
  if (f.max !== undefined && f.min === undefined) return 'lower';
  if (f.min !== undefined && f.max === undefined) return 'higher';
  return undefined;
}

export async function writeAllureMetrics(resultsDir: string, summary: RunSummary): Promise<void> {
  const at = Date.parse(summary.endedAt);
  const metrics = figuresOf(summary).map((f) => ({
    id: `${summary.runId}:${f.key}`,
    key: f.key,
    value: f.value,
    start: at,
    stop: at,
    title: figureLabel(f),
    unit: f.unit,
    group: f.suiteId,
    ...(better(f) ? { better: better(f) } : {}),
  }));
  if (metrics.length > 0) await writeFile(join(resultsDir, METRICS_FILE), `${JSON.stringify(metrics, null, 2)}\n`);
}
