// `hil compare <dirA> <dirB>`: two runs' report folders side by side: verdicts that changed and
// each figure in both, and an exit code that says whether anything got worse.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import { compareReports, type ComparedRun, type ComparedValue, type RunComparison } from '../report/compare.ts';

export const COMPARE_USAGE = `usage: hil compare <dirA> <dirB> [--json]

Compares two runs' report folders (hil run wrote them), <dirA> the earlier, <dirB> the later: each
suite's verdict in both (pass → fail, fail → pass, new, gone) with the requirement and why it failed,
and each figure summary.json records (boot delay, trigger to open, a repeated suite's p95, ...) in both,
with its verdict and the difference.
  --json    print the comparison as one JSON object:
            {"a": run, "b": run, "tests": [test], "figures": [figure], "worse": N}
            run: {"dir","runId","status","startedAt","module": {"model","firmware"}}
            test: {"suiteId","title","requirement"?,"before"?,"after"?,"change","error"?}
            figure: {"key","suiteId","name","unit","before"?,"after"?,"delta"?,"change"}
              with before/after {"value","verdict","uncertainty"?}
            change: same, better, worse, new (in <dirB> only) or gone (in <dirA> only)

A verdict is worse when a suite that passed in <dirA> is skipped, failed or broken in <dirB>, a
figure's verdict drops (pass → marginal → fail), or a suite new in <dirB> does not pass.

exit codes: 0 nothing got worse, 1 something got worse, 2 usage (a folder without summary.json)`;

const ARROW = '→';

function describeRun(label: string, run: ComparedRun): string {
  const module = [run.module.model, run.module.firmware].filter(Boolean).join(' ');
  return `${label}: ${run.dir}: run ${run.runId}, ${run.status}, started ${run.startedAt}${module ? `, ${module}` : ''}`;
}

function describeValue(v: ComparedValue | undefined, unit: string): string {
  if (!v) return '-';
  return `${v.value}${v.uncertainty !== undefined ? ` ± ${v.uncertainty}` : ''} ${unit} (${v.verdict})`;
}

const signed = (n: number) => `${n >= 0 ? '+' : ''}${Number(n.toPrecision(6))}`;

function print(c: RunComparison, out: CliOutput): void {
  out.stdout(describeRun('A', c.a));
  out.stdout(describeRun('B', c.b));
  out.stdout('verdicts:');
  for (const t of c.tests) {
    const mark = t.change === 'same' ? '' : `  ${t.change.toUpperCase()}`;
    out.stdout(`  ${t.suiteId}: ${t.before ?? '-'} ${ARROW} ${t.after ?? '-'}${mark}`);
    if (t.change === 'worse') {
      if (t.requirement) out.stdout(`      requirement: ${t.requirement}`);
      if (t.error) out.stdout(`      ${t.error.split('\n')[0]}`);
    }
  }
  out.stdout('figures:');
  for (const f of c.figures) {
    const mark = f.change === 'same' ? '' : `  ${f.change.toUpperCase()}`;
    const delta = f.delta === undefined ? '' : `  (${signed(f.delta)} ${f.unit})`;
    out.stdout(`  ${f.key}: ${describeValue(f.before, f.unit)} ${ARROW} ${describeValue(f.after, f.unit)}${delta}${mark}`);
  }
  const better = [...c.tests, ...c.figures].filter((row) => row.change === 'better').length;
  out.stdout(`${c.worse} worse, ${better} better`);
}

export async function compareCommand(args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length !== 2) throw new UsageError(`hil compare: expected two report folders, got ${positionals.length}\n${COMPARE_USAGE}`);
  const comparison = await compareReports(resolve(positionals[0]!), resolve(positionals[1]!)).catch((error: Error) => {
    throw new UsageError(`hil compare: ${error.message}`);
  });
  if (values.json) out.stdout(JSON.stringify(comparison, null, 2));
  else print(comparison, out);
  return comparison.worse > 0 ? EXIT.failed : EXIT.passed;
}
