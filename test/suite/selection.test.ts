// Which suites a run takes: ids, suite file paths and tags; broken suite files skipped, and marked
// when the run would have run them.
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../harness/output/errors.ts';
import { selectSuites } from '../../harness/suite/selection.ts';
import { tempDirEach } from '../config/temp-dir.ts';

const suiteText = (id: string, tags: string[]) => `id: ${id}\ntitle: T\ntags: [${tags.join(', ')}]\nrequirement: {source: S, text: R}\nsteps:\n  - wait: 1 s\n`;

async function usageError(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError, but the suites were selected');
}

describe('suite selection', () => {
  const dir = tempDirEach('suite-selection-');
  const file = (name: string) => join(dir(), name);

  beforeEach(async () => {
    await writeFile(file('boot-delay.yaml'), suiteText('boot-delay', ['standard']));
    await writeFile(file('weekly.yml'), suiteText('weekly', ['nightly']));
    // A broken suite that declares the standard tag: the steps are missing.
    await writeFile(file('broken.yaml'), 'id: apn-hygiene\ntitle: T\ntags: [standard]\nrequirement: {source: S, text: R}\n');
  });

  it('runs the other suites past a broken one, and marks it selected when its tags would have chosen it', async () => {
    const selection = await selectSuites(dir(), [], []);
    expect(selection.suites.map((s) => s.id)).to.deep.equal(['boot-delay']);
    expect(selection.skipped).to.deep.equal([
      { file: file('broken.yaml'), problems: [`${file('broken.yaml')}:1:1: steps: required key is missing (expected a list)`], selected: true },
    ]);
  });

  it('skips a broken file unselected when the run asks for other suites by id or tag', async () => {
    expect((await selectSuites(dir(), ['boot-delay'], [])).skipped.map((s) => s.selected)).to.deep.equal([false]);
    const byTag = await selectSuites(dir(), [], ['nightly']);
    expect(byTag.suites.map((s) => s.id)).to.deep.equal(['weekly']);
    expect(byTag.skipped.map((s) => s.selected)).to.deep.equal([false]);
  });

  it('marks a broken file selected when its id is asked for, or when its id and tags cannot be read', async () => {
    expect((await selectSuites(dir(), ['boot-delay', 'apn-hygiene'], [])).skipped.map((s) => s.selected)).to.deep.equal([true]);
    await writeFile(file('broken.yaml'), 'id: [unclosed\n');
    expect((await selectSuites(dir(), ['boot-delay'], [])).skipped.map((s) => s.selected)).to.deep.equal([true]);
  });

  it('takes a path to a suite file as --suite, inside the folder or outside it', async () => {
    expect((await selectSuites(dir(), [file('weekly.yml')], [])).suites.map((s) => s.id)).to.deep.equal(['weekly']);
    await writeFile(join(dir(), '..', 'outside-suite.yaml'), suiteText('outside', []));
    const outside = join(dir(), '..', 'outside-suite.yaml');
    expect((await selectSuites(dir(), [outside, 'boot-delay'], [])).suites.map((s) => s.id)).to.deep.equal(['boot-delay', 'outside']);
    const broken = await usageError(() => selectSuites(dir(), [file('broken.yaml')], []));
    expect(broken).to.contain(`skipped, broken: ${file('broken.yaml')}`);
    expect(await usageError(() => selectSuites(dir(), [file('absent.yaml')], []))).to.equal(`hil run: --suite ${file('absent.yaml')}: no such suite file`);
  });

  it('names the known suites and tags when nothing is selected, and the unknown id with a hint', async () => {
    expect(await usageError(() => selectSuites(dir(), [], ['weekly']))).to.equal([
      'hil run: no suite selected',
      '  known suites: boot-delay, weekly',
      '  known tags: nightly, standard',
      `  skipped, broken: ${file('broken.yaml')}`,
      `    ${file('broken.yaml')}:1:1: steps: required key is missing (expected a list)`,
    ].join('\n'));
    expect(await usageError(() => selectSuites(dir(), ['boot-dealy'], []))).to.equal('hil run: no suite "boot-dealy"; known: boot-delay, weekly; did you mean "boot-delay"?');
  });
});
