// matrix.html: the qualification matrix as one self-contained page (inline styles, no scripts,
// nothing loaded from anywhere); each cell links to its run's certificate.
import { relative, sep } from 'node:path';
import { escapeXml as esc } from '../report/markup.ts';
import { REPORT_FILES } from '../report/paths.ts';
import type { Matrix, MatrixCell } from './matrix.ts';

const STYLE = `
body { font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #263238; margin: 24px; background: #f4f6f7; }
h1 { font-size: 22px; margin: 0 0 4px; }
.sub, .small { color: #607d8b; font-size: 12.5px; }
table { border-collapse: collapse; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.12); margin-top: 16px; }
th, td { border: 1px solid #e0e6e8; padding: 8px 10px; vertical-align: top; text-align: left; }
th { font-weight: 600; color: #455a64; }
td.cell { min-width: 180px; }
.verdict { display: inline-block; border-radius: 999px; padding: 1px 10px; color: #fff; font-weight: 700; font-size: 12px; text-transform: uppercase; }
.pass { background: #2e7d32; } .marginal { background: #b26a00; } .fail { background: #c62828; } .not-run, .none { background: #b0bec5; }
.figures { margin: 6px 0 0; padding: 0; list-style: none; font-variant-numeric: tabular-nums; font-size: 12.5px; }
.t-fail { color: #c62828; } .t-marginal { color: #b26a00; }
.reason { color: #c62828; font-size: 12.5px; margin: 6px 0 0; max-width: 320px; }
.limited { color: #ef6c00; font-size: 12px; font-weight: 600; }
.trend { display: flex; gap: 3px; margin-top: 6px; align-items: center; }
.trend span { width: 12px; height: 12px; border-radius: 2px; display: inline-block; }
.trend .tonight { outline: 2px solid #263238; outline-offset: 1px; }
a { color: #1565c0; }
`;

function cls(verdict: string | null): string {
  return verdict === null ? 'none' : verdict.replace(' ', '-');
}

function figure(f: MatrixCell['figures'][number]): string {
  const value = `${f.value}${f.uncertainty !== undefined ? ` ± ${f.uncertainty}` : ''} ${f.unit}`;
  return `<li class="t-${esc(f.verdict)}" data-figure="${esc(f.name)}">${esc(f.name)}${f.statistic ? ` (${esc(f.statistic)})` : ''} ${esc(value)}</li>`;
}

function link(outDir: string | undefined, cell: MatrixCell): string {
  const target = `${cell.run.reportDir}${sep}${REPORT_FILES.certificateHtml}`;
  const href = outDir ? relative(outDir, target) : target;
  return `<a href="${esc(href.split(sep).map(encodeURIComponent).join('/'))}">certificate</a>`;
}

function cellHtml(cell: MatrixCell | undefined, outDir: string | undefined): string {
  if (!cell) return '<td class="small">not run</td>';
  const trend = cell.trend.map((t) => `<span class="${cls(t.verdict)}" title="${esc(`${t.night}: ${t.verdict ?? 'not run'}`)}"></span>`).join('');
  const run = cell.run;
  const where = [run.virtual ? 'virtual module' : run.rig, ...(run.faults.length ? [`fault ${run.faults.join(', ')}`] : [])].join(', ');
  return `<td class="cell" data-module="${esc(cell.module)}" data-suite="${esc(cell.suiteId)}" data-verdict="${esc(cell.verdict)}" data-evidence="${esc(cell.evidence)}">`
    + `<span class="verdict ${cls(cell.verdict)}">${esc(cell.verdict)}</span>`
    + (cell.evidence === 'limited' ? ` <span class="limited" title="${esc(cell.limitations.join('\n'))}">limited evidence</span>` : '')
    + (cell.figures.length ? `<ul class="figures">${cell.figures.map(figure).join('')}</ul>` : '')
    + (cell.reason ? `<p class="reason">${esc(cell.reason)}</p>` : '')
    + `<div class="trend" title="earlier nights, oldest first">${trend}<span class="${cls(cell.verdict)} tonight" title="${esc(`${run.night}: ${cell.verdict}`)}"></span></div>`
    + `<div class="small">${esc(`${run.runId} · ${where}`)} · ${link(outDir, cell)}</div></td>`;
}

/** `outDir`: where the page is written, for links to the certificates relative to it. */
export function renderMatrixHtml(matrix: Matrix, outDir?: string): string {
  const cells = new Map(matrix.cells.map((c) => [`${c.module}\n${c.suiteId}`, c]));
  const head = matrix.suites.map((s) => `<th title="${esc(s.title)}">${esc(s.id)}</th>`).join('');
  const rows = matrix.modules.map((m) => {
    const label = `<th data-module="${esc(m.key)}">${esc(`${m.manufacturer} ${m.model}`)}<div class="small">firmware ${esc(m.firmware)}</div><div class="small">profile ${esc(m.profiles.join(', '))}</div></th>`;
    return `<tr>${label}${matrix.suites.map((s) => cellHtml(cells.get(`${m.key}\n${s.id}`), outDir)).join('')}</tr>`;
  });
  const counted = (verdict: string) => matrix.cells.filter((c) => c.verdict === verdict).length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Qualification matrix — ${esc(matrix.night)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Qualification matrix</h1>
<p class="sub" id="night" data-night="${esc(matrix.night)}">Night of ${esc(matrix.night)} (UTC) · ${matrix.modules.length} module(s) × ${matrix.suites.length} suite(s) · ${counted('pass')} pass, ${counted('marginal')} marginal, ${counted('fail')} fail, ${counted('not run')} not run · ${matrix.runs} report folder(s) read · written ${esc(matrix.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</p>
<p class="small">Each cell is the night's last run of the suite on that module; the squares are the earlier nights${matrix.nights.length ? ` (${esc(matrix.nights[0]!)} to ${esc(matrix.nights.at(-1)!)})` : ''} and, outlined, this one. Grey: not run.</p>
<table id="matrix"><tr><th>module</th>${head}</tr>${rows.join('\n')}</table>
</body>
</html>
`;
}
