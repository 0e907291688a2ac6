// `hil run --color`: escape codes only where asked for, none on a pipe by default, a clear refusal of anything else.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHil } from '../../support/hil-process.ts';

const ESC = '\u001b[';

describe('hil run --color', function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-color-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const run = (name: string, ...flags: string[]) =>
    runHil(['run', '--suite', 'boot-delay', '--no-broker', '--no-html', '--report-dir', join(dir, name), ...flags]);

  it('colours the step marks with --color always, even on a pipe', async () => {
    const always = await run('always', '--color', 'always');
    expect(always.code, always.stderr).to.equal(0);
    expect(always.stdout).to.include(`${ESC}`);
  });

  it('writes no escape code on a pipe by default or with --color never', async () => {
    for (const [name, flags] of [['auto', []], ['never', ['--color', 'never']]] as const) {
      const plain = await run(name, ...flags);
      expect(plain.code, plain.stderr).to.equal(0);
      expect(plain.stdout, name).to.include('✓ boot-delay: passed');
      expect(plain.stdout, name).to.not.include(ESC);
    }
  });

  it('refuses another value, naming the choices', async () => {
    const bad = await run('bad', '--color', 'yes');
    expect(bad.code).to.equal(2);
    expect(bad.stderr.trim()).to.equal('hil run: --color takes auto, always, never, got "yes"');
  });
});
