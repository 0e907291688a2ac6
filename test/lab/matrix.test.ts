// hil matrix on real report folders: runs of two module profiles on the virtual rig, one with a fault
// that fails a suite, and earlier nights (copies of real runs dated back) for the trends; and the
// errors for a folder that is no finished run's report folder.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunSummary } from '../../harness/record/index.ts';
import type { Matrix, MatrixCell } from '../../harness/matrix/index.ts';
import { runHil } from '../../support/hil-process.ts';

const VIRTUAL_RIG = new URL('../../rigs/virtual.yaml', import.meta.url);
const GENERIC = 'SimOTA|VM-27007|VM27007R01A01';
const BG95 = 'Quectel|BG95-M3|BG95M3LAR02A03';

async function readSummary(dir: string): Promise<RunSummary> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
}

/** The night (YYYY-MM-DD) `days` before `night`. */
function nightBefore(night: string, days: number): string {
  return new Date(Date.parse(`${night}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** A copy of a real run's report folder, its start moved to `night` (an earlier night's run). */
async function datedCopy(from: string, to: string, night: string): Promise<void> {
  await cp(from, to, { recursive: true });
  const summary = await readSummary(to);
  summary.startedAt = `${night}${summary.startedAt.slice(10)}`;
  await writeFile(join(to, 'summary.json'), JSON.stringify(summary, null, 2));
}

function cell(matrix: Matrix, module: string, suiteId: string): MatrixCell {
  const found = matrix.cells.find((c) => c.module === module && c.suiteId === suiteId);
  expect(found, `${module} ${suiteId}`).to.exist;
  return found!;
}

async function matrixJson(args: string[]): Promise<Matrix> {
  const run = await runHil(['matrix', ...args, '--json']);
  expect(run.code, run.stderr).to.equal(0);
  return JSON.parse(run.stdout) as Matrix;
}

describe('hil matrix', function () {
  this.timeout(120_000);
  let root: string;
  let work: string;
  let tonight: string;
  /** The matrix of every folder under the root, tonight's. */
  let latest: Matrix;
  const dirs = {} as Record<'generic' | 'bg95' | 'early' | 'earlier', string>;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hil-matrix-'));
    work = await mkdtemp(join(tmpdir(), 'hil-matrix-runs-'));
    const bg95Rig = join(work, 'bg95.yaml');
    await writeFile(bg95Rig, (await readFile(VIRTUAL_RIG, 'utf8')).replace(/^module: .*$/m, 'module: quectel-bg95'));
    dirs.generic = join(root, 'tonight', 'generic');
    dirs.bg95 = join(root, 'tonight', 'bg95');
    const early = join(work, 'early');
    const base = ['run', '--seed', '11', '--no-html', '--no-broker', '--suite', 'boot-delay'];
    const runs = await Promise.all([
      runHil([...base, '--suite', 'csim-forced-check', '--report-dir', dirs.generic]),
      runHil([...base, '--suite', 'csim-forced-check', '--rig', bg95Rig, '--fault', 'trigger-ignored', '--report-dir', dirs.bg95]),
      runHil([...base, '--rig', bg95Rig, '--fault', 'early-check', '--report-dir', early]),
    ]);
    expect(runs.map((r) => r.code), runs.map((r) => r.stdout + r.stderr).join('\n')).to.deep.equal([0, 1, 1]);
    tonight = (await readSummary(dirs.generic)).startedAt.slice(0, 10);
    // Two nights ago the bg95 failed boot-delay (the early-check fault); last night the generic module passed it.
    dirs.early = join(root, 'two-nights-ago', 'bg95');
    dirs.earlier = join(root, 'last-night', 'generic');
    await datedCopy(early, dirs.early, nightBefore(tonight, 2));
    await datedCopy(dirs.generic, dirs.earlier, nightBefore(tonight, 1));
    latest = await matrixJson(['--reports', root]);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('gives one row per module and firmware, one cell per suite, with the verdicts, figures and evidence level of tonight', async () => {
    const matrix = latest;
    expect(matrix.night).to.equal(tonight);
    expect(matrix.runs).to.equal(4);
    expect(matrix.modules.map((m) => [m.key, m.profiles])).to.deep.equal([[BG95, ['quectel-bg95']], [GENERIC, ['generic-27007']]]);
    expect(matrix.suites.map((s) => s.id)).to.deep.equal(['boot-delay', 'csim-forced-check']);
    expect(matrix.cells).to.have.length(4);

    const generic = await readSummary(dirs.generic);
    const measured = (suiteId: string, name: string) => generic.tests.find((t) => t.suiteId === suiteId)!.measurements.find((m) => m.name === name)!;
    const boot = cell(matrix, GENERIC, 'boot-delay');
    expect(boot).to.include({ verdict: 'pass', evidence: 'complete' });
    expect(boot.reason).to.equal(undefined);
    const bootDelay = boot.figures.find((f) => f.name === 'boot_delay')!;
    expect([bootDelay.value, bootDelay.uncertainty, bootDelay.unit]).to.deep.equal([measured('boot-delay', 'boot_delay').value, measured('boot-delay', 'boot_delay').uncertainty, 's']);
    expect(bootDelay.value).to.be.within(60, 120);

    const csim = cell(matrix, GENERIC, 'csim-forced-check');
    expect(csim).to.include({ verdict: 'pass', evidence: 'limited' });
    expect(csim.limitations.join('\n')).to.match(/data exchange with the OTA server is not observable on generic-27007/);
    for (const name of ['trigger_to_open', 'update_window', 'stay_awake_timer']) {
      expect(csim.figures.find((f) => f.name === name)?.value, name).to.equal(measured('csim-forced-check', name).value);
    }
    expect(csim.run).to.include({ runId: generic.runId, profile: 'generic-27007', virtual: true, status: 'passed' });
  });

  it('names why a failing cell failed, and keeps the other suites of that run apart', async () => {
    const matrix = latest;
    const failed = cell(matrix, BG95, 'csim-forced-check');
    expect(failed.verdict).to.equal('fail');
    expect(failed.reason).to.match(/^no ota\.super session within 30 s of force-check: the forced check did not deliver the whole update/);
    expect(failed.run.faults).to.deep.equal(['trigger-ignored']);
    expect(cell(matrix, BG95, 'boot-delay').verdict).to.equal('pass');

    const text = await runHil(['matrix', '--reports', root]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/Quectel BG95-M3 BG95M3LAR02A03 {2}csim-forced-check: FAIL\n {4}no ota\.super session within 30 s of force-check/);
  });

  it("shows each cell's earlier nights, oldest first, not run where the cell did not run", async () => {
    const matrix = latest;
    const [twoAgo, lastNight] = [nightBefore(tonight, 2), nightBefore(tonight, 1)];
    expect(matrix.nights).to.deep.equal([twoAgo, lastNight]);
    const early = await readSummary(dirs.early);
    const earlier = await readSummary(dirs.earlier);
    expect(cell(matrix, BG95, 'boot-delay').trend).to.deep.equal([{ night: twoAgo, verdict: 'fail', runId: early.runId }, { night: lastNight, verdict: null }]);
    expect(cell(matrix, GENERIC, 'boot-delay').trend).to.deep.equal([{ night: twoAgo, verdict: null }, { night: lastNight, verdict: 'pass', runId: earlier.runId }]);
    expect(cell(matrix, GENERIC, 'csim-forced-check').trend.map((t) => t.verdict)).to.deep.equal([null, 'pass']);

    const past = await matrixJson(['--reports', root, '--night', twoAgo]);
    expect(past.nights).to.deep.equal([]);
    expect(past.cells.map((c) => [c.module, c.suiteId, c.verdict])).to.deep.equal([[BG95, 'boot-delay', 'fail']]);
    expect(past.cells[0]!.reason).to.match(/opened 1\d\.\d s after power-on, before the 1 min lower limit/);
  });

  it('builds the same cells from report folders named one by one', async () => {
    const matrix = await matrixJson([dirs.generic, dirs.bg95]);
    expect(matrix.nights).to.deep.equal([]);
    expect(matrix.cells.map((c) => [c.module, c.suiteId, c.verdict])).to.deep.equal([
      [BG95, 'boot-delay', 'pass'], [BG95, 'csim-forced-check', 'fail'], [GENERIC, 'boot-delay', 'pass'], [GENERIC, 'csim-forced-check', 'pass'],
    ]);
    expect(matrix.cells.map((c) => c.run.reportDir)).to.include(resolve(dirs.bg95));
  });

  it('writes matrix.html, offline, with a cell per suite linking to its certificate, and matrix.json', async () => {
    const out = join(work, 'out');
    const run = await runHil(['matrix', '--reports', root, '--out', out]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`matrix: ${join(out, 'matrix.html')}`);
    const json = JSON.parse(await readFile(join(out, 'matrix.json'), 'utf8')) as Matrix;
    expect(json.cells.map((c) => c.verdict)).to.deep.equal(['pass', 'fail', 'pass', 'pass']);
    const html = await readFile(join(out, 'matrix.html'), 'utf8');
    expect(html).not.to.match(/<script|<link|(src|href)="(https?:)?\/\//i);
    const failed = new RegExp(`<td class="cell" data-module="${BG95.replaceAll('|', '\\|')}" data-suite="csim-forced-check" data-verdict="fail"[^>]*>(.*?)</td>`).exec(html);
    expect(failed, 'the failing cell').to.exist;
    expect(failed![1]).to.contain('no ota.super session within 30 s of force-check');
    expect(failed![1]).to.match(/title="[\d-]+: fail"/);
    const links = [...html.matchAll(/href="([^"]+)">certificate</g)].map((m) => decodeURIComponent(m[1]!));
    expect(links).to.have.length(4);
    for (const link of links) expect(existsSync(resolve(out, link)), link).to.equal(true);
    expect(html).to.match(/<li class="t-pass" data-figure="boot_delay">boot_delay \d+(\.\d+)? ± \d+(\.\d+)? s<\/li>/);
  });

  describe('bad input', () => {
    let bad: string;
    beforeEach(async () => {
      bad = await mkdtemp(join(work, 'bad-'));
    });

    it('names the missing summary.json of a folder that is no report folder', async () => {
      const run = await runHil(['matrix', bad]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain(`hil matrix: ${join(bad, 'summary.json')}: no such file: ${bad} is not the report folder of a finished run`);
    });

    it('names the file, line and column of a corrupt summary.json, and the field of a wrong one', async () => {
      await cp(dirs.generic, bad, { recursive: true });
      const text = await readFile(join(dirs.generic, 'summary.json'), 'utf8');
      await writeFile(join(bad, 'summary.json'), text.slice(0, 200));
      const truncated = await runHil(['matrix', bad]);
      expect(truncated.code).to.equal(2);
      expect(truncated.stderr).to.match(new RegExp(`^${join(bad, 'summary.json')}:\\d+:\\d+: expected JSON: `));

      await writeFile(join(bad, 'summary.json'), text.replace('"status": "passed"', '"status": 42'));
      const wrong = await runHil(['matrix', bad]);
      expect(wrong.code).to.equal(2);
      expect(wrong.stderr).to.match(new RegExp(`^${join(bad, 'summary.json')}:\\d+:\\d+: status: expected one of "passed", "failed", "aborted", "incomplete", got 42`));
    });

    it("names a missing certificate.json, and one of another run", async () => {
      await cp(dirs.generic, bad, { recursive: true });
      await rm(join(bad, 'certificate.json'));
      const missing = await runHil(['matrix', bad]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.contain(`${join(bad, 'certificate.json')}: no such file`);

      await cp(join(dirs.bg95, 'certificate.json'), join(bad, 'certificate.json'));
      const other = await runHil(['matrix', bad]);
      expect(other.code).to.equal(2);
      expect(other.stderr).to.match(/certificate\.json: it is the certificate of run \S+, but summary\.json is of run \S+/);
    });

    it('passes over a run under way under a root, and names the nights there are when --night has none', async () => {
      await cp(dirs.generic, join(bad, 'done'), { recursive: true });
      await mkdir(join(bad, 'running'));
      await writeFile(join(bad, 'running', 'events.jsonl'), '');
      const run = await runHil(['matrix', '--reports', bad, '--night', '2020-01-01']);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain(`hil matrix: passed over ${join(bad, 'running')}: events but no summary.json (a run under way or cut short)`);
      expect(run.stderr).to.contain(`hil matrix: no run started on the night of 2020-01-01; nights with runs: ${tonight}`);
      const empty = await runHil(['matrix', '--reports', join(bad, 'running')]);
      expect(empty.stderr).to.contain(`--reports ${join(bad, 'running')}: no report folder (a folder with summary.json) under it`);
    });
  });
});
