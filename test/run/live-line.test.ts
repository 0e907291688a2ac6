// A long wait at a terminal: `hil run` on a pseudo-terminal shows what it waits for as one line,
// redrawn in place (carriage return, erase to the end of the line), not a new line each update;
// the step's result then takes that line's place.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTerminal } from './terminal.ts';

const REDRAW = '\r\x1b[K';

describe('hil run at a terminal', function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-live-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('redraws one progress line during the wait for the boot check', async () => {
    // At scale 10 the minute-long wait takes about 6 s of wall time: several updates of the line.
    const terminal = onTerminal(['run', '--suite', 'boot-delay', '--time-scale', '10', '--no-broker', '--report-dir', join(dir, 'report')]);
    expect(await terminal.exited, terminal.output).to.equal(0);
    const { output } = terminal;
    const waitStarts = output.indexOf('wait for the module to be ready');
    const waitEnds = output.indexOf('expect an OTA session on ota.super');
    expect(waitStarts, output).to.be.greaterThan(0);
    const wait = output.slice(output.indexOf('\r\n', waitStarts) + 2, waitEnds);
    const redraws = wait.split(REDRAW);
    // Nothing before the first redraw; after the last, the step's result, in the live line's place.
    expect(redraws.shift(), JSON.stringify(wait)).to.equal('');
    expect(redraws.pop(), JSON.stringify(wait)).to.match(/^ {4}(\x1b\[32m)?✓/);
    expect(redraws.length, JSON.stringify(wait)).to.be.at.least(2);
    for (const line of redraws) expect(line, 'each redraw one line, no newline').to.match(/^ {6}… waiting for an ota\.super session: [\d.]+ s after power-on \(window ends at 2 min 30 s\)$/);
    // The seconds go up from one redraw to the next.
    const seconds = redraws.map((line) => Number(/: ([\d.]+) s after/.exec(line)![1]));
    expect(seconds).to.deep.equal([...seconds].sort((a, b) => a - b));
  });
});
