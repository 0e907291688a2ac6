// The monitor: kinds of the rig file: the example rigs load, and a bad value is named with its file,
// line and what was expected.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRigFile } from '../../harness/rig/rig-file.ts';

describe('monitor kinds in the rig file', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'hil-monitor-config-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the example rigs of each kind', async () => {
    expect((await loadRigFile('rigs/example-pi-ina226.yaml')).monitor).to.deep.equal({ driver: 'ina2xx', path: '/sys/class/hwmon/hwmon2', supplyVoltage: 3.8, pollInterval: 10 });
    expect((await loadRigFile('rigs/example-command-monitor.yaml')).monitor).to.deep.equal({ driver: 'command', command: ['/opt/bench/otii-samples.sh', '--channel', 'main'], format: 'csv', supplyVoltage: 3.8 });
    expect((await loadRigFile('rigs/example-ppk2-aligned.yaml')).monitor).to.include({ driver: 'ppk2' }).and.to.have.deep.property('align', { gpio: { chip: 'pinctrl-rp1', line: 22 }, input: 'D0', activeLow: false });
  });

  for (const [example, from, to, message] of [
    ['example-ppk2-aligned', 'input: D0', 'input: D9', ':51:12: monitor.align.input: expected a PPK2 digital input, D0 to D7, got "D9"'],
    ['example-pi-ina226', 'pollInterval: 10 ', 'pollInterval: 0 ', ':54:17: monitor.pollInterval: expected a poll interval of at least 1 ms, got 0'],
    ['example-command-monitor', 'format: csv', 'format: tsv', ':47:11: monitor.format: expected one of "csv", "jsonl", got "tsv"; did you mean "csv"?'],
  ] as const) {
    it(`names a bad ${to.split(':')[0]} with its line`, async () => {
      const file = join(dir, `${example}.yaml`);
      writeFileSync(file, readFileSync(`rigs/${example}.yaml`, 'utf8').replace(from, to));
      const error = await loadRigFile(file).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.equal(`${file}${message}`);
    });
  }
});
