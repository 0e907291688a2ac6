// The benches part of the dashboard page, as HTML from the dashboard's state: one card per bench with
// its state, module, tags and problems, and its run under way (suite, step, figures) or its last run.
import { escapeXml as esc } from '../report/markup.ts';
import { benchState, type BenchView, type DashboardState, type RunView } from './state.ts';

function figures(run: RunView): string {
  if (run.figures.length === 0) return '';
  const items = run.figures.map((f) => `<li class="t-${esc(f.verdict)}" data-figure="${esc(f.name)}">${esc(`${f.suiteId} ${f.name} = ${f.value}${f.uncertainty ? ` ± ${f.uncertainty}` : ''} ${f.unit}`)} <span class="small">${esc(f.verdict)}</span></li>`);
  return `<ul class="figures">${items.join('')}</ul>`;
}

function run(view: BenchView): string {
  const r = view.run;
  const job = view.presence?.job;
  if (!r) return job ? `<div class="run" data-run="${esc(job.runId ?? '')}"><div>job ${esc(job.id)}: ${esc(job.suites.join(', '))}</div><div class="step">${esc(job.step ?? '')}</div></div>` : '<div class="small">no run heard of</div>';
  const status = r.ended ? r.ended.status : 'running';
  const step = r.step ? `${r.step.status === 'passed' ? '✓' : r.step.status === 'skipped' ? '–' : '✗'} ${r.step.title}` : job?.runId === r.runId ? job.step : undefined;
  const ended = r.ended ? `<div class="small">${r.ended.totals.passed} passed, ${r.ended.totals.failed} failed${r.ended.abortReason ? ` — ${esc(r.ended.abortReason)}` : ''}</div>` : '';
  return `<div class="run" data-run="${esc(r.runId)}" data-status="${esc(status)}">`
    + `<div>${r.ended ? 'last run' : 'run'} <code>${esc(r.runId)}</code> <span class="verdict ${esc(status)}">${esc(status)}</span></div>`
    + (r.module ? `<div class="small">${esc(r.module)}</div>` : '')
    + (r.suite && !r.ended ? `<div class="suite">suite ${esc(r.suite)}${r.suites.length ? ` (${r.suites.indexOf(r.suite) + 1} of ${r.suites.length})` : ''}</div>` : '')
    + (step && !r.ended ? `<div class="step">${esc(step)}</div>` : '')
    + (r.step?.error && !r.ended ? `<div class="error">${esc(r.step.error)}</div>` : '')
    + figures(r) + ended + '</div>';
}

function bench(view: BenchView): string {
  const state = benchState(view);
  const p = view.presence;
  const module = p?.module ? [p.module.maker, p.module.model, p.module.firmware].filter(Boolean).join(' ') || p.module.profile : undefined;
  const facts = [view.lab, module, p?.tags.length ? `tags ${p.tags.join(', ')}` : undefined].filter(Boolean).join(' · ');
  const problems = p?.problems?.length ? `<ul class="problems">${p.problems.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '';
  return `<article class="bench" data-bench="${esc(`${view.lab}/${view.bench}`)}" data-state="${state}">`
    + `<h3>${esc(view.bench)} <span class="state ${state}">${state === 'idle' ? 'online · idle' : state}</span></h3>`
    + `<div class="small">${esc(facts)}</div>${problems}${run(view)}</article>`;
}

export function renderBenches(state: DashboardState): string {
  const benches = [...state.benches.values()].sort((a, b) => `${a.lab}/${a.bench}`.localeCompare(`${b.lab}/${b.bench}`));
  const skipped = state.skipped ? `<p class="small" id="skipped">${state.skipped} message(s) skipped: they fit no schema of this version</p>` : '';
  return (benches.length ? benches.map(bench).join('') : '<p class="small">No bench heard of yet.</p>') + skipped;
}
