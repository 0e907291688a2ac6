import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, loadYamlFile, MAX_CONFIG_FILE_BYTES, parseYamlText } from '../../harness/config/index.ts';
import { configProblems } from './problems.ts';
import { tempDirEach } from './temp-dir.ts';

const schema = z.strictObject({
  name: z.string(),
  power: z.strictObject({
    type: z.enum(['virtual', 'gpio']),
    gpio: z.strictObject({ line: z.int().nonnegative(), activeLow: z.boolean().default(true) }).optional(),
  }),
  tags: z.array(z.string()).default([]),
});

describe('config loader', () => {
  it('returns the typed value with defaults applied', () => {
    const value = parseYamlText('name: bench\npower:\n  type: gpio\n  gpio: { line: 17 }\n', 'a.yaml', schema);
    expect(value).to.deep.equal({ name: 'bench', power: { type: 'gpio', gpio: { line: 17, activeLow: true } }, tags: [] });
  });

  it('reports YAML syntax errors with line and column', async () => {
    expect(await configProblems(() => parseYamlText('name: a\nname: b\n', 'dup.yaml', schema))).to.deep.equal([
      'dup.yaml:2:1: YAML syntax error: Map keys must be unique',
    ]);
    expect(await configProblems(() => parseYamlText('name: x\npower:\n\ttype: gpio\n', 'tab.yaml', schema))).to.deep.equal([
      'tab.yaml:3:1: YAML syntax error: Tabs are not allowed as indentation',
    ]);
    expect(await configProblems(() => parseYamlText('name: a\n---\nname: b\n', 'two.yaml', schema))).to.deep.equal([
      'two.yaml:2:1: YAML syntax error: expected one YAML document, got several (separated by ---)',
    ]);
  });

  it('points a wrong type at the value and says what was expected and found', async () => {
    const text = 'name: bench\npower:\n  type: gpio\n  gpio:\n    line: seventeen\n';
    expect(await configProblems(() => parseYamlText(text, 'rig.yaml', schema))).to.deep.equal([
      'rig.yaml:5:11: power.gpio.line: expected a number, got "seventeen"',
    ]);
    expect(await configProblems(() => parseYamlText(text.replace('seventeen', '1.5'), 'rig.yaml', schema))).to.deep.equal([
      'rig.yaml:5:11: power.gpio.line: expected a whole number, got 1.5',
    ]);
  });

  it('hints at quoting when text was expected but YAML read a number', async () => {
    expect(await configProblems(() => parseYamlText('name: 42\npower: {type: virtual}\n', 'n.yaml', schema))).to.deep.equal([
      'n.yaml:1:7: name: expected text, got 42; put it in quotes to make it text',
    ]);
  });

  it('points a missing key at the map that should hold it', async () => {
    const text = 'name: bench\npower:\n  gpio: { line: 3 }\n';
    expect(await configProblems(() => parseYamlText(text, 'rig.yaml', schema))).to.deep.equal([
      'rig.yaml:3:3: power.type: required key is missing (expected one of "virtual", "gpio")',
    ]);
  });

  it('rejects unknown keys at the key, with a hint when one is close', async () => {
    const text = 'name: bench\npower:\n  type: gpio\n  gpio: { line: 3, activelow: false }\ncolour: blue\n';
    expect(await configProblems(() => parseYamlText(text, 'rig.yaml', schema))).to.deep.equal([
      'rig.yaml:4:20: power.gpio.activelow: unknown key; did you mean "activeLow"?',
      'rig.yaml:5:1: colour: unknown key',
    ]);
  });

  it('suggests the closest allowed value of an enum', async () => {
    expect(await configProblems(() => parseYamlText('name: x\npower: {type: gpoi}\n', 'e.yaml', schema))).to.deep.equal([
      'e.yaml:2:15: power.type: expected one of "virtual", "gpio", got "gpoi"; did you mean "gpio"?',
    ]);
  });

  it('lists every problem in file order, with structured problems', async () => {
    const text = 'tags: [a, 3]\npower:\n  type: 1\n';
    try {
      parseYamlText(text, 'many.yaml', schema);
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      expect((e as ConfigError).problems).to.deep.equal([
        { file: 'many.yaml', line: 1, col: 1, path: 'name', message: 'required key is missing (expected text)' },
        { file: 'many.yaml', line: 1, col: 11, path: 'tags[1]', message: 'expected text, got 3; put it in quotes to make it text' },
        { file: 'many.yaml', line: 3, col: 9, path: 'power.type', message: 'expected one of "virtual", "gpio", got 1' },
      ]);
    }
  });

  it('reports an empty file as a missing map', async () => {
    expect(await configProblems(() => parseYamlText('', 'empty.yaml', schema))).to.deep.equal([
      'empty.yaml:1:1: expected a map, got an empty value',
    ]);
  });

  describe('aliases', () => {
    const rig = 'name: x\npower: {type: virtual}\n';

    it('refuses an alias bomb at the alias past which the aliases repeat too much, before making data of it', async () => {
      // Each line repeats the one before nine times: a billion "lol"s by the ninth.
      const lines = ['lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i <= 9; i++) lines.push(`lol${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
      expect(await configProblems(() => parseYamlText(`${rig}${lines.join('\n')}\n`, 'bomb.yaml', schema))).to.deep.equal([
        // Line 7 (lol4) is the first whose aliases take the count past 10 000.
        'bomb.yaml:7:12: expected aliases that repeat at most 10000 values in all, got more by this one (an alias bomb?)',
      ]);
    });

    it('accepts aliases a config may well use, even more of them than the yaml package allows by default (100)', () => {
      const tags = Array(300).fill('*t').join(', ');
      expect(parseYamlText(`${rig}tags: [&t bench, ${tags}]\n`, 'a.yaml', schema).tags).to.have.length(301);
    });
  });

  describe('files', () => {
    const dir = tempDirEach('config-');

    it('refuses a folder given as a config file', async () => {
      const folder = join(dir(), 'x.yaml');
      await mkdir(folder);
      expect(await configProblems(() => loadYamlFile(folder, schema))).to.deep.equal([`${folder}:1:1: expected a YAML file, got a folder`]);
    });

    it('refuses a file over 1 MiB unread, and loads one of exactly 1 MiB', async () => {
      const file = join(dir(), 'big.yaml');
      const text = 'name: x\npower: {type: virtual}\n#';
      await writeFile(file, text.padEnd(MAX_CONFIG_FILE_BYTES, '#'));
      expect((await loadYamlFile(file, schema)).name).to.equal('x');
      await writeFile(file, text.padEnd(MAX_CONFIG_FILE_BYTES + 1, '#'));
      expect(await configProblems(() => loadYamlFile(file, schema))).to.deep.equal([
        `${file}:1:1: expected a config file of at most 1 MiB (1048576 bytes), got 1048577 bytes`,
      ]);
    });

    it('loads files and names them as given', async () => {
      const file = join(dir(), 'x.yaml');
      await writeFile(file, 'name: x\npower: {type: virtual, extra: 1}\n');
      expect(await configProblems(() => loadYamlFile(file, schema))).to.deep.equal([`${file}:2:24: power.extra: unknown key`]);
      await writeFile(file, 'name: x\npower: {type: virtual}\n');
      expect(await loadYamlFile(file, schema)).to.deep.equal({ name: 'x', power: { type: 'virtual' }, tags: [] });
    });
  });
});
