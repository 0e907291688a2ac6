// Retention of report folders: `hil report prune` and pruneReports remove whole run folders beyond
// the newest N or older than an age, and never anything that is not a run's report folder.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NIGHTS_FILE } from '../../harness/report/history.ts';
import { pruneReports } from '../../harness/report/prune.ts';
import { runHil } from '../../support/hil-process.ts';
import { tempDirEach } from '../config/temp-dir.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T03:00:00Z');

describe('report retention', function () {
  this.timeout(30_000);
  const root = tempDirEach('hil-prune-');

  /** A run folder started `daysAgo` days before NOW, with a file in a subfolder. */
  async function runFolder(name: string, daysAgo: number): Promise<string> {
    const dir = join(root(), name);
    await mkdir(join(dir, 'timelines'), { recursive: true });
    await writeFile(join(dir, 'summary.json'), JSON.stringify({ runId: name, startedAt: new Date(NOW - daysAgo * DAY).toISOString(), tests: [] }));
    await writeFile(join(dir, 'timelines', 'boot-delay.svg'), '<svg/>');
    return dir;
  }

  /** Five nights, newest first by start (not by name), and the neighbours a reports folder has. */
  async function nights(): Promise<void> {
    for (const [name, days] of [['n-e', 0], ['n-a', 1], ['n-d', 10], ['n-b', 40], ['n-c', 50]] as const) await runFolder(name, days);
    await mkdir(join(root(), 'history'));
    await writeFile(join(root(), 'history', NIGHTS_FILE), '{}\n');
    // History kept in a run's own folder: it is the history, so it stays.
    const withHistory = await runFolder('h-run', 90);
    await writeFile(join(withHistory, NIGHTS_FILE), '{}\n');
    await mkdir(join(root(), 'in-progress'));
    await writeFile(join(root(), 'in-progress', 'events.jsonl'), '');
    await writeFile(join(root(), 'notes.txt'), 'keep me');
    // A run folder below another folder is not one of root's runs; a link to it is no run folder either.
    const outside = join(root(), 'in-progress', 'nested-run');
    await mkdir(outside);
    await writeFile(join(outside, 'summary.json'), JSON.stringify({ runId: 'nested', startedAt: new Date(NOW - 99 * DAY).toISOString() }));
    await symlink(outside, join(root(), 'link'));
  }

  it('keeps the newest N runs by their start and removes the others whole', async () => {
    await nights();
    const result = await pruneReports(root(), { keep: 2, now: NOW });
    expect(result.removed.map((r) => r.runId)).to.deep.equal(['n-d', 'n-b', 'n-c']);
    expect(result.kept.map((r) => r.runId)).to.deep.equal(['n-e', 'n-a']);
    expect((await readdir(root())).sort()).to.deep.equal(['h-run', 'history', 'in-progress', 'link', 'n-a', 'n-e', 'notes.txt']);
    const why = Object.fromEntries(result.ignored.map((i) => [i.path.split('/').at(-1), i.why]));
    expect(why).to.deep.equal({ 'h-run': 'a history folder', history: 'a history folder', 'in-progress': 'no summary.json', link: 'a symbolic link', 'notes.txt': 'not a folder' });
    expect(existsSync(join(root(), 'in-progress', 'nested-run', 'summary.json')), 'the folder a link points to stays').to.equal(true);
  });

  it('with an age too, removes only the runs beyond N that are older; with an age alone, every older one', async () => {
    await nights();
    const both = await pruneReports(root(), { keep: 2, olderThan: 30 * DAY, now: NOW });
    expect(both.removed.map((r) => r.runId)).to.deep.equal(['n-b', 'n-c']);
    expect(existsSync(join(root(), 'n-d'))).to.equal(true);
    const age = await pruneReports(root(), { olderThan: 0.5 * DAY, now: NOW });
    expect(age.removed.map((r) => r.runId)).to.deep.equal(['n-a', 'n-d']);
    expect(age.kept.map((r) => r.runId)).to.deep.equal(['n-e']);
  });

  it('refuses a run folder given as the folder of runs', async () => {
    const run = await runFolder('one', 0);
    let error: Error | undefined;
    await pruneReports(run, { keep: 0 }).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(`${run} is a run's report folder, not a folder of them`);
    expect(existsSync(join(run, 'summary.json'))).to.equal(true);
  });

  it('hil report prune --dry-run says what would go and removes nothing; --json gives the same', async () => {
    await nights();
    const dry = await runHil(['report', 'prune', root(), '--keep', '3', '--older-than', '30 d', '--dry-run']);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.match(/would remove .*n-b \(run n-b, started 2026-10-28T03:00:00\.000Z\)/);
    expect(dry.stdout).to.include('would remove 2 run folder(s), kept 3; left alone 5 other entries');
    expect(existsSync(join(root(), 'n-c'))).to.equal(true);

    const run = await runHil(['report', 'prune', root(), '--keep', '4', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout) as { root: string; dryRun: boolean; removed: { runId: string }[]; kept: unknown[]; ignored: unknown[] };
    expect(result.dryRun).to.equal(false);
    expect(result.removed.map((r) => r.runId)).to.deep.equal(['n-c']);
    expect(result.kept).to.have.length(4);
    expect(existsSync(join(root(), 'n-c'))).to.equal(false);
  });

  it('hil report prune refuses a missing or bad --keep and --older-than, exit 2', async () => {
    const none = await runHil(['report', 'prune', root()]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.include('hil report prune: give --keep N, --older-than DUR or both');
    const bad = await runHil(['report', 'prune', root(), '--keep=-1']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('hil report prune: --keep: takes a whole number of runs, got "-1"');
    const age = await runHil(['report', 'prune', root(), '--older-than', 'a month']);
    expect(age.code).to.equal(2);
    expect(age.stderr).to.include('hil report prune: --older-than: expected a duration like "90 s" or "2 min", got "a month"');
  });
});
