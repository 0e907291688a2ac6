import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProblem, parseYamlText } from '../../harness/config/index.ts';
import { loadSuiteFile, loadSuites, suiteSchema, type SuiteFolder } from '../../harness/suite/suite-file.ts';
import { configProblems } from '../config/problems.ts';
import { tempDirEach } from '../config/temp-dir.ts';

const HEAD = 'id: s\ntitle: T\nrequirement: {source: S, text: R}\n';
const parse = (text: string) => parseYamlText(text, 'suite.yaml', suiteSchema);
const problems = (text: string) => configProblems(() => parse(text));
/** A suite whose steps (and optionally measurements) are the given YAML; its line 4 is `steps:`. */
const withSteps = (steps: string, measurements = '') => `${HEAD}steps:\n${steps}${measurements}`;

const MEASUREMENTS = `measurements:
  - {name: boot_delay, description: D, unit: s, min: 60, max: 120}
  - {name: sessions, description: D, unit: count, min: 1}
`;

describe('suite files', () => {
  it('turns every step into a typed step with defaults applied', () => {
    const suite = parse(
      withSteps(
        `  - power: cycle
  - ready: {}
  - at: {send: AT+CGDCONT?, match: '\\+CGDCONT: 1,"IP","super"'}
  - forceCheck: {}
  - mark: before_trigger
  - expectSession: {from: before_trigger, within: {max: 2 min}, count: 3, followOnWithin: 5 s, measureCount: sessions}
  - expectNoSession: {for: 60 s}
  - wait: 1.5
`,
        MEASUREMENTS,
      ),
    );
    expect(suite.tags).to.deep.equal([]);
    expect(suite.steps).to.deep.equal([
      { kind: 'power', action: 'cycle' },
      { kind: 'ready' },
      { kind: 'at', send: 'AT+CGDCONT?', expect: 'OK', match: /\+CGDCONT: 1,"IP","super"/ },
      { kind: 'forceCheck', expectStatus: ['9000', '91xx'] },
      { kind: 'mark', name: 'before_trigger' },
      {
        kind: 'expectSession',
        from: 'before_trigger',
        within: { max: 120_000 },
        grace: 0,
        count: 3,
        followOnWithin: 5000,
        measureCount: 'sessions',
        stayAwakeMargin: 30_000,
        requireData: false,
      },
      { kind: 'expectNoSession', for: 60_000 },
      { kind: 'wait', duration: 1500 },
    ]);
  });

  it('requires one step name per list entry', async () => {
    expect(await problems(withSteps('  - {}\n  - wait: 1 s\n    power: on\n  - wait\n'))).to.deep.equal([
      'suite.yaml:5:5: steps[0]: expected one step name (power, ready, registered, at, stageUpdate, expectUpdate, forceCheck, expectSession, expectNoSession, monitor, energy, wait, mark), got an empty map',
      'suite.yaml:6:5: steps[1]: expected one step name per list entry, got wait, power; give each step its own "-"',
      'suite.yaml:8:5: steps[2]: expected a step: a map with one key naming it, like "wait: 5 s", got "wait"',
    ]);
  });

  it('rejects unknown steps and step options with a hint', async () => {
    expect(await problems(withSteps('  - forcecheck: {}\n  - at: {send: AT, timout: 5 s}\n'))).to.deep.equal([
      'suite.yaml:5:5: steps[0].forcecheck: unknown key; did you mean "forceCheck"?',
      'suite.yaml:6:20: steps[1].at.timout: unknown key; did you mean "timeout"?',
    ]);
  });

  it('checks step option values', async () => {
    expect(await problems(withSteps("  - power: of\n  - forceCheck: {expectStatus: ['9000', '91XY']}\n  - wait: soon\n"))).to.deep.equal([
      'suite.yaml:5:12: steps[0].power: expected one of "off", "on", "cycle", got "of"; did you mean "off"?',
      'suite.yaml:6:41: steps[1].forceCheck.expectStatus[1]: expected a status word like "9000" or "91xx", got "91XY"',
      'suite.yaml:7:11: steps[2].wait: expected a duration like "90 s" or "2 min", got "soon"',
    ]);
  });

  it('names the problem of a regex that does not compile', async () => {
    expect(await problems(withSteps("  - at: {send: AT+CGDCONT?, match: '\\+CGDCONT: (1'}\n"))).to.deep.equal([
      'suite.yaml:5:36: steps[0].at.match: expected a regular expression, got "\\\\+CGDCONT: (1": Invalid regular expression: /\\+CGDCONT: (1/: Unterminated group',
    ]);
  });

  it('requires within.max and a sensible window', async () => {
    expect(
      await problems(withSteps('  - expectSession: {from: power-on, within: {min: 1 min}}\n  - expectSession: {from: power-on, within: {min: 3 min, max: 2 min}}\n')),
    ).to.deep.equal([
      'suite.yaml:5:45: steps[0].expectSession.within.max: required key is missing (expected a duration like "90 s" or "2 min")',
      'suite.yaml:6:51: steps[1].expectSession.within.min: expected a duration no longer than within.max (2 min), got 3 min',
    ]);
  });

  it('checks measurement declarations', async () => {
    const measurements = `measurements:
  - {name: boot_delay, description: D, unit: s}
  - {name: gap, description: D, unit: s, min: 10, max: 5}
  - {name: window, description: D, unit: s, min: 0, max: 10, marginal: 5}
  - {name: Window, description: D, unit: s, max: 1}
`;
    expect(await problems(`${HEAD}${measurements}steps:\n  - wait: 1 s\n`)).to.deep.equal([
      'suite.yaml:5:5: measurements[0]: expected at least one limit, "min" or "max", got neither',
      'suite.yaml:6:56: measurements[1].max: expected a number >= min (10), got 5',
      'suite.yaml:7:72: measurements[2].marginal: expected less than half the span between min and max (5), got 5',
      'suite.yaml:8:12: measurements[3].name: expected a snake_case name like "boot_delay", got "Window"',
    ]);
  });

  it('requires every measure to name a declared measurement of a fitting unit', async () => {
    const steps = `  - expectSession: {from: power-on, within: {max: 2 min}, measure: boot_dly}
  - expectSession: {from: power-on, within: {max: 2 min}, measureWindow: sessions, measureCount: boot_delay}
`;
    expect(await problems(withSteps(steps, MEASUREMENTS))).to.deep.equal([
      'suite.yaml:5:68: steps[0].expectSession.measure: expected a declared measurement (boot_delay, sessions), got "boot_dly"; did you mean "boot_delay"?',
      'suite.yaml:6:74: steps[1].expectSession.measureWindow: expected a measurement with unit "d", "h", "min", "s", "ms", got "sessions" (its unit is "count")',
      'suite.yaml:6:98: steps[1].expectSession.measureCount: expected a measurement with unit "count", got "boot_delay" (its unit is "s")',
    ]);
  });

  it('rejects a duplicate measurement name', async () => {
    const measurements = `measurements:
  - {name: boot_delay, description: D, unit: s, max: 1}
  - {name: boot_delay, description: D, unit: s, max: 2}
`;
    expect(await problems(`${HEAD}${measurements}steps:\n  - wait: 1 s\n`)).to.deep.equal([
      'suite.yaml:6:12: measurements[1].name: expected a name not declared before, got "boot_delay"',
    ]);
  });

  it('accepts only built-in anchors and earlier marks in from:', async () => {
    const steps = `  - expectSession: {from: before_trigger, within: {max: 1 min}}
  - mark: before_trigger
  - expectSession: {from: powr-on, within: {max: 1 min}}
  - expectSession: {from: before_triger, within: {max: 1 min}}
  - mark: before_trigger
`;
    expect(await problems(withSteps(steps))).to.deep.equal([
      'suite.yaml:5:27: steps[0].expectSession.from: expected power-on, ready, force-check, last-close or a mark set by an earlier step, got "before_trigger", which is only set later, by steps[1]',
      'suite.yaml:7:27: steps[2].expectSession.from: expected power-on, ready, force-check, last-close or a mark set by an earlier step (before_trigger), got "powr-on"; did you mean "power-on"?',
      'suite.yaml:8:27: steps[3].expectSession.from: expected power-on, ready, force-check, last-close or a mark set by an earlier step (before_trigger), got "before_triger"; did you mean "before_trigger"?',
      'suite.yaml:9:11: steps[4].mark: expected a new name (steps[1] set this mark), got "before_trigger"',
    ]);
  });

  it('accepts only built-in anchors and earlier marks in expectNoSession from:', async () => {
    expect(await problems(withSteps('  - expectNoSession: {from: powr-on, for: 1 min}\n  - expectNoSession: {from: power-on, for: 1 min}\n'))).to.deep.equal([
      'suite.yaml:5:29: steps[0].expectNoSession.from: expected power-on, ready, force-check, last-close or a mark set by an earlier step, got "powr-on"; did you mean "power-on"?',
    ]);
  });

  it('keeps mark names apart from the built-in anchors', async () => {
    expect(await problems(withSteps('  - mark: ready\n'))).to.deep.equal([
      'suite.yaml:5:11: steps[0].mark: expected a name that is not a built-in anchor, got "ready"',
    ]);
  });

  it('checks cross-references only once the rest of the file is valid', async () => {
    // An unknown key leaves that step undefined; the cross-reference rules must not trip over it.
    expect(await problems(withSteps('  - wiat: 1 s\n  - expectSession: {from: nowhere, within: {max: 1 min}}\n'))).to.deep.equal([
      'suite.yaml:5:5: steps[0].wiat: unknown key; did you mean "wait"?',
    ]);
  });

  it('refuses durations beyond 400 days where they are written', async () => {
    expect(await problems(withSteps('  - wait: 30 d\n  - wait: 401 d\n  - expectNoSession: {for: 3000 d}\n  - wait: 1e999\n'))).to.deep.equal([
      'suite.yaml:6:11: steps[1].wait: expected a duration of at most 400 d, got "401 d"',
      'suite.yaml:7:28: steps[2].expectNoSession.for: expected a duration of at most 400 d, got "3000 d"',
      'suite.yaml:8:11: steps[3].wait: expected a duration like "90 s" or "2 min", got Infinity',
    ]);
  });

  it('refuses an AT command with CR, LF or another control character where it is written', async () => {
    const expected = 'expected an AT command on one line, without CR, LF or other control characters';
    const refused: [written: string, shown: string][] = [
      ['"AT\\r"', '"AT\\r"'],
      ['"AT+CFUN=1\\nATD112;"', '"AT+CFUN=1\\nATD112;"'],
      ['"AT\\tI"', '"AT\\tI"'],
      ['"AT\\x00"', '"AT\\u0000"'],
      ['"AT\\x1a"', '"AT\\u001a"'],
      ['"  "', '"  "'],
      ["''", '""'],
    ];
    for (const [written, shown] of refused) {
      expect(await problems(withSteps(`  - at: {send: ${written}}\n`)), written).to.deep.equal([`suite.yaml:5:16: steps[0].at.send: ${expected}, got ${shown}`]);
    }
    expect(parse(withSteps('  - at: {send: \'AT+CGDCONT=1,"IP","super"\'}\n')).steps[0]).to.deep.include({ send: 'AT+CGDCONT=1,"IP","super"' });
  });

  describe('loading folders', () => {
    const dir = tempDirEach('suites-');

    const suiteText = (id: string) => `# a suite\nid: ${id}\ntitle: T\nrequirement: {source: S, text: R}\nsteps:\n  - wait: 1 s\n`;

    const brokenFiles = (folder: SuiteFolder) => folder.broken.map((b) => ({ ...b, problems: b.problems.map(formatProblem) }));

    it('loads every .yaml and .yml file, sorted by name', async () => {
      await writeFile(join(dir(), 'b.yaml'), suiteText('second'));
      await writeFile(join(dir(), 'a.yaml'), suiteText('first'));
      await writeFile(join(dir(), 'c.yml'), suiteText('third'));
      await writeFile(join(dir(), 'notes.txt'), 'not a suite');
      const folder = await loadSuites(dir());
      expect(folder.suites.map((s) => [s.id, s.file])).to.deep.equal([
        ['first', join(dir(), 'a.yaml')],
        ['second', join(dir(), 'b.yaml')],
        ['third', join(dir(), 'c.yml')],
      ]);
      expect(folder.broken).to.deep.equal([]);
    });

    it('skips a duplicate id, naming both files, and keeps the first', async () => {
      await writeFile(join(dir(), 'a.yaml'), suiteText('boot-delay'));
      await writeFile(join(dir(), 'b.yaml'), suiteText('boot-delay'));
      const folder = await loadSuites(dir());
      expect(folder.suites.map((s) => s.file)).to.deep.equal([join(dir(), 'a.yaml')]);
      expect(brokenFiles(folder)).to.deep.equal([{
        file: join(dir(), 'b.yaml'),
        problems: [`${join(dir(), 'b.yaml')}:2:5: id: expected an id no other suite uses (${join(dir(), 'a.yaml')} has it), got "boot-delay"`],
        id: 'boot-delay',
        tags: [],
      }]);
    });

    it('skips a folder named like a suite, and refuses a folder given as the suite file', async () => {
      await writeFile(join(dir(), 'a.yaml'), suiteText('first'));
      await mkdir(join(dir(), 'x.yaml'));
      const problem = `${join(dir(), 'x.yaml')}:1:1: expected a YAML file, got a folder`;
      const folder = await loadSuites(dir());
      expect(folder.suites.map((s) => s.id)).to.deep.equal(['first']);
      expect(brokenFiles(folder)).to.deep.equal([{ file: join(dir(), 'x.yaml'), problems: [problem] }]);
      expect(await configProblems(() => loadSuiteFile(join(dir(), 'x.yaml')))).to.deep.equal([problem]);
    });

    it('skips each broken file with its problems, keeping the id and tags it still declares, and loads the rest', async () => {
      await writeFile(join(dir(), 'a.yaml'), suiteText('Bad_Id').replace('title: T', 'title: T\ntags: [standard, nightly]'));
      await writeFile(join(dir(), 'b.yaml'), suiteText('fine').replace('wait: 1 s', 'wiat: 1 s'));
      await writeFile(join(dir(), 'c.yml'), 'id: [unclosed\n');
      await writeFile(join(dir(), 'd.yaml'), suiteText('good'));
      const folder = await loadSuites(dir());
      expect(folder.suites.map((s) => s.id)).to.deep.equal(['good']);
      expect(brokenFiles(folder)).to.deep.equal([
        {
          file: join(dir(), 'a.yaml'),
          problems: [`${join(dir(), 'a.yaml')}:2:5: id: expected a kebab-case id like "boot-delay", got "Bad_Id"`],
          id: 'Bad_Id',
          tags: ['standard', 'nightly'],
        },
        { file: join(dir(), 'b.yaml'), problems: [`${join(dir(), 'b.yaml')}:6:5: steps[0].wiat: unknown key; did you mean "wait"?`], id: 'fine' },
        { file: join(dir(), 'c.yml'), problems: [`${join(dir(), 'c.yml')}:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`] },
      ]);
    });
  });

  describe('shipped suites', () => {
    it('all load', async () => {
      const folder = await loadSuites('suites');
      expect(folder.broken.map((b) => b.problems.map(formatProblem))).to.deep.equal([]);
      expect(folder.suites.map((s) => s.id)).to.include('boot-delay');
    });

    it('boot-delay measures power-on to the first ota.super session against 60–120 s', async () => {
      const suite = await loadSuiteFile('suites/boot-delay.yaml');
      expect(suite.measurements).to.deep.include({ name: 'boot_delay', description: 'power-on to the first ota.super channel open', unit: 's', min: 60, max: 120, marginal: 5 });
      expect(suite.steps.slice(0, 2)).to.deep.equal([
        { kind: 'power', action: 'off' },
        { kind: 'power', action: 'on' },
      ]);
      const session = suite.steps.find((s) => s.kind === 'expectSession');
      expect(session).to.deep.include({ apn: 'ota.super', from: 'power-on', within: { min: 60_000, max: 120_000 }, measure: 'boot_delay' });
      expect(session?.kind === 'expectSession' && session.grace).to.be.greaterThan(0);
    });
  });
});
