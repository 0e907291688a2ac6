// certificate.html: the certification summary as one self-contained page (inline styles, no
// scripts, nothing loaded from anywhere), readable on screen and on paper.
import { describeLimits } from '../suite/measurements.ts';
import type { Certificate, CertifiedFigure, RequirementResult } from './certificate.ts';
import { figureLabel } from './figures.ts';
import type { Night } from './history.ts';
import { escapeXml as esc } from './markup.ts';
import { packagesText } from '../vendor/records.ts';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; color: #263238; margin: 0; background: #f4f6f7; }
main { max-width: 1040px; margin: 24px auto; background: #fff; padding: 32px 40px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #e0e6e8; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 22px 0 6px; display: flex; gap: 10px; align-items: center; }
.sub { color: #607d8b; margin: 0; }
.head { display: flex; justify-content: space-between; align-items: flex-start; gap: 24px; }
.verdict { display: inline-block; border-radius: 999px; padding: 2px 12px; color: #fff; font-weight: 700; letter-spacing: .04em; text-transform: uppercase; font-size: 12px; white-space: nowrap; }
.verdict.big { font-size: 20px; padding: 6px 22px; }
.pass { background: #2e7d32; } .marginal { background: #b26a00; } .fail { background: #c62828; } .incomplete, .not-run { background: #78909c; }
.t-pass { color: #2e7d32; } .t-marginal { color: #b26a00; } .t-fail { color: #c62828; }
.banner { background: #fff8e1; border: 1px solid #ffe082; padding: 10px 14px; margin: 16px 0 0; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eceff1; vertical-align: top; }
th { font-weight: 600; color: #455a64; font-size: 12.5px; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 0 32px; }
.facts th { width: 38%; }
blockquote { margin: 6px 0 10px; padding: 8px 14px; border-left: 4px solid #b0bec5; background: #f7f9fa; }
blockquote cite { display: block; color: #607d8b; font-size: 12.5px; margin-top: 4px; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.error { color: #c62828; margin: 4px 0; }
.limited { border-left: 3px solid #ef6c00; padding: 2px 10px; margin: 8px 0; }
code, .hash { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.small { font-size: 12.5px; color: #607d8b; }
@media print { body { background: #fff; } main { box-shadow: none; margin: 0; max-width: none; } }
`;

const VERDICT_TEXT: Record<string, string> = { pass: 'pass', marginal: 'marginal pass', fail: 'fail', incomplete: 'incomplete', 'not run': 'not run' };

function badge(verdict: string, big = false): string {
  return `<span class="verdict ${verdict.replace(' ', '-')}${big ? ' big' : ''}">${esc(VERDICT_TEXT[verdict] ?? verdict)}</span>`;
}

function row(label: string, value: string | undefined): string {
  return `<tr><th>${esc(label)}</th><td>${value === undefined || value === '' ? '<span class="small">not reported</span>' : esc(value)}</td></tr>`;
}

function date(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

function measured(f: CertifiedFigure): string {
  const uncertainty = f.uncertainty !== undefined ? ` ± ${f.uncertainty}` : '';
  const spread = f.cycles ? `<div class="small">${f.statistic} of ${f.cycles.count} cycles; min ${f.cycles.min}, median ${f.cycles.median}, p95 ${f.cycles.p95}, max ${f.cycles.max}</div>` : '';
  return `<span class="num">${esc(`${f.value}${uncertainty} ${f.unit}`)}</span>${spread}`;
}

function limits(f: CertifiedFigure): string {
  const band = f.marginal !== undefined ? `<div class="small">marginal within ${esc(`${f.marginal} ${f.unit}`)} of a limit</div>` : '';
  return `<span class="num">${esc(describeLimits(f))}</span>${band}`;
}

function requirement(r: RequirementResult): string {
  const text = r.requirement
    ? `<blockquote>${esc(r.requirement.text)}<cite>${esc(r.requirement.source)}</cite></blockquote>`
    : `<p class="small">The suite file ${esc(r.file)} could not be read when this summary was written: its requirement text is missing.</p>`;
  const name = (n: string, description: string | undefined) => `<td><code>${esc(n)}</code><div class="small">${esc(description ?? '')}</div></td>`;
  const rows = [
    ...r.figures.map((f) => `<tr>${name(f.name, f.description)}<td>${measured(f)}</td><td>${limits(f)}</td><td>${badge(f.verdict)}</td></tr>`),
    ...r.unmeasured.map((m) => `<tr>${name(m.name, m.description)}<td class="small">not measured</td><td class="num">${esc(describeLimits(m))}</td><td>${badge('not run')}</td></tr>`),
  ];
  const figures = rows.length
    ? `<table><tr><th>measurement</th><th>measured</th><th>limits</th><th>verdict</th></tr>${rows.join('')}</table>`
    : '<p class="small">This requirement is checked by its steps; it declares no measured figure.</p>';
  const failures = r.tests.filter((t) => t.error).map((t) => `<p class="error">${r.tests.length > 1 ? `${esc(t.title)}: ` : ''}${esc(t.error!)}</p>`);
  const cycles = r.tests.length > 1 ? `<p class="small">${r.tests.length} tests: ${r.tests.filter((t) => t.status === 'passed').length} passed.</p>` : '';
  const limited = r.limitations.length
    ? `<div class="limited"><p><strong>Limited evidence</strong>: the verdict rests on what the module shows; not judged:</p><ul>${r.limitations.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></div>`
    : '';
  return `<section class="requirement" id="${esc(r.suiteId)}" data-suite="${esc(r.suiteId)}" data-verdict="${esc(r.verdict)}" data-evidence="${esc(r.evidence)}"><h3><span>${esc(r.suiteId)} — ${esc(r.title)}</span>${badge(r.verdict)}</h3>${text}${figures}${limited}${failures.join('')}${cycles}</section>`;
}

function nightsTable(nights: Night[]): string {
  const keys = [...new Map(nights.flatMap((n) => n.figures.map((f) => [f.key, f] as const))).values()];
  const head = nights.map((n) => `<th class="num">${esc(date(n.date).slice(0, 16))}<div class="small">${esc(n.status)}</div></th>`).join('');
  const rows = keys.map((k) => {
    const cells = nights.map((n) => {
      const f = n.figures.find((x) => x.key === k.key);
      return f ? `<td class="num t-${f.verdict}" title="${esc(f.verdict)}">${esc(String(f.value))}</td>` : '<td class="small">—</td>';
    });
    return `<tr><th>${esc(figureLabel(k))} <span class="small">(${esc(k.unit)})</span></th>${cells.join('')}</tr>`;
  });
  return `<h2>Recent nights</h2><p class="small">The figures of the last ${nights.length} run(s) in the history, oldest first; the colour is each figure's verdict.</p><div style="overflow-x:auto"><table class="nights"><tr><th>figure</th>${head}</tr>${rows.join('')}</table></div>`;
}

function ended(c: Certificate): string {
  if (c.status !== 'aborted' && c.status !== 'incomplete') return '';
  return `<p class="banner" id="run-ended" data-status="${esc(c.status)}">The run ${c.status === 'aborted' ? 'was aborted' : 'ended early'}: <strong>${esc(c.abortReason ?? 'no reason recorded')}</strong>. What it had done is reported; what it never reached is not run.</p>`;
}

function inputs(c: Certificate): string {
  if (!c.inputs) return '<h2>Inputs</h2><p class="small">This report folder kept no copies of the rig and suite files it ran (an older harness wrote it).</p>';
  const rows = [{ what: 'rig file', ...c.inputs.rig }, ...c.inputs.suites.map((s) => ({ what: `suite ${s.suiteId}`, ...s }))]
    .map((f) => `<tr><td>${esc(f.what)}</td><td><code>${esc(f.copy)}</code><div class="small">copy of ${esc(f.original)}</div></td><td class="hash">${f.sha256 ?? 'not hashed'}</td></tr>`)
    .join('');
  return `<h2>Inputs</h2>
<p>The rig and suite files as the run read them, copied into the report folder; their hashes are part of the evidence digest.</p>
<table id="inputs"><tr><th>input</th><th>copy</th><th>sha256</th></tr>${rows}</table>`;
}

function evidence(c: Certificate): string {
  const files = c.evidence.files.map((f) => `<tr><td><code>${esc(f.path)}</code></td><td class="num">${f.bytes}</td><td class="hash">${f.sha256}</td></tr>`).join('');
  return `<h2>Evidence</h2>
<p>SHA-256 of the ${c.evidence.files.length} evidence files in the report folder, and one digest over that list (as <code>sha256sum</code> prints it). <code>hil report &lt;report-dir&gt; --verify</code> checks the folder against this summary; in a folder signed with <code>hil report --sign</code>, <code>--verify --pubkey &lt;public-key.pem&gt;</code> also checks the signature over every file, this page included.</p>
<table><tr><th>digest</th><td class="hash" id="evidence-digest">${c.evidence.digest}</td></tr></table>
<details><summary class="small">the ${c.evidence.files.length} files</summary><table><tr><th>file</th><th>bytes</th><th>sha256</th></tr>${files}</table></details>`;
}

export function renderCertificateHtml(c: Certificate): string {
  const model = [c.module.manufacturer, c.module.model].filter(Boolean).join(' ');
  const virtual = c.rig.virtual || c.rig.faults.length > 0;
  const banner = virtual
    ? `<p class="banner">This run used ${c.rig.virtual ? 'the built-in virtual module, a simulation' : `the rig "${esc(c.rig.name)}"`}${c.rig.faults.length ? ` with the injected fault(s) ${esc(c.rig.faults.join(', '))}` : ''}. It shows what the harness measures; it certifies no device.</p>`
    : '';
  const imsiAfter = c.sim.imsiAfter && c.sim.imsiAfter !== c.sim.imsiBefore ? `${c.sim.imsiAfter} (changed during the run)` : c.sim.imsiAfter;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Certification summary — ${esc(model || 'module')} ${esc(c.module.firmware ?? '')} — ${esc(VERDICT_TEXT[c.verdict]!)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="head">
<div><h1>SIM OTA certification summary</h1><p class="sub">${esc(model || 'module')}${c.module.firmware ? `, firmware ${esc(c.module.firmware)}` : ''} · run ${esc(c.runId)} · ${esc(date(c.date))}</p></div>
<div id="overall-verdict" data-verdict="${esc(c.verdict)}">${badge(c.verdict, true)}</div>
</div>
${banner}
${ended(c)}
<h2>What was tested</h2>
<div class="facts">
<table>
${row('Module', model)}
${row('Firmware', c.module.firmware)}
${row('IMEI', c.module.imei)}
${row('SIM ICCID', c.sim.iccid)}
${row('IMSI at the start', c.sim.imsiBefore)}
${row('IMSI at the end', imsiAfter)}
${c.sim.packagesBefore ? row('SIM settings packages at the start', packagesText(c.sim.packagesBefore)) : ''}
${c.sim.packagesAfter ? row('SIM settings packages at the end', packagesText(c.sim.packagesAfter)) : ''}
</table>
<table>
${row('Rig', c.rig.name)}
${row('AT port', c.rig.serial)}
${row('Power switch', c.rig.power)}
${row('Module profile', c.rig.module)}
${row('SIM toolkit', c.rig.toolkit === undefined ? undefined : c.rig.toolkit === 'active' ? 'handled by the harness (host-side toolkit): the device was not tested as it runs in the field' : 'handled by the module; the harness only watched')}
${row('OTA evidence', c.rig.evidence)}
${row('Pending update known from', c.rig.updates)}
${row('Time scale', c.rig.timeScale === 1 ? '1 (real time)' : `${c.rig.timeScale} (figures are rig time)`)}
${row('Harness', `${c.harness.name} ${c.harness.version}, commit ${c.harness.commit}`)}
${row('Run', `${date(c.startedAt)} to ${date(c.date)}`)}
</table>
</div>
<h2>Requirements</h2>
<table class="overview">${c.requirements.map((r) => `<tr><td><a href="#${esc(r.suiteId)}">${esc(r.suiteId)}</a></td><td>${esc(r.title)}</td><td>${badge(r.verdict)}${r.evidence === 'limited' ? ' <span class="small">limited evidence</span>' : ''}</td></tr>`).join('')}</table>
${c.requirements.map(requirement).join('\n')}
${c.recentNights?.length ? nightsTable(c.recentNights) : ''}
${inputs(c)}
${evidence(c)}
</main>
</body>
</html>
`;
}
