// The console view of `hil run`: a wait's progress as the one live line where the output can redraw
// it, else as a line only when the wait's subject changes or every 30 s of wall time; colour only
// when asked for.
import { expect } from 'chai';
import { ConsoleView, PROGRESS_EVERY_MS } from '../../harness/suite/console.ts';
import { withColour, type CliOutput } from '../../harness/output/streams.ts';

const ESCAPE = /\x1b/;
const waiting = (s: number) => `waiting for an ota.super session: ${s} s after power-on (window ends at 2 min 30 s)`;

describe('the console view', () => {
  let lines: string[];
  let live: string[];
  let now: number;
  beforeEach(() => {
    lines = [];
    live = [];
    now = 0;
  });
  const piped = (colour = false) => new ConsoleView({ stdout: (text) => lines.push(text) }, colour, () => now);

  it('on a terminal: every progress call redraws the live line, and lines stay lines', () => {
    const view = new ConsoleView({ stdout: (text) => lines.push(text), live: (text) => live.push(text) }, false, () => now);
    for (let s = 1; s <= 3; s++) view.progress(waiting(s));
    view.step('expect an OTA session', true, 81_300);
    expect(live).to.deep.equal([1, 2, 3].map((s) => `      … ${waiting(s)}`));
    expect(lines).to.deep.equal(['    ✓ expect an OTA session (81.3 s rig)']);
  });

  describe('where no live line can be shown', () => {
    it('prints a wait once, then again only after 30 s of wall time', () => {
      const view = piped();
      view.progress(waiting(1));
      for (let s = 2; s < 60; s++, now += 500) view.progress(waiting(s));
      expect(lines, 'within 30 s').to.deep.equal([`      … ${waiting(1)}`]);
      now = PROGRESS_EVERY_MS;
      view.progress(waiting(61.5));
      view.progress(waiting(62));
      expect(lines.slice(1)).to.deep.equal([`      … ${waiting(61.5)}`]);
    });

    it('prints a change of what is waited for at once, but not a duration changing its units', () => {
      const view = piped();
      view.progress('watching for unwanted ota.super sessions: 59.9 s of 5 min');
      view.progress('watching for unwanted ota.super sessions: 1 min of 5 min');
      view.progress('watching for unwanted ota.super sessions: 1 min 0.5 s of 5 min');
      view.progress('waiting for follow-on ota.super session 2 of 3: 1.5 s since session 1 closed');
      view.progress('waiting for follow-on ota.super session 3 of 3: 2 s since session 2 closed');
      view.progress('waiting for the API to report the update successful or failed: pending after 5 s (limit 2 min)');
      view.progress('waiting for the API to report the update successful or failed: in-progress after 10 s (limit 2 min)');
      expect(lines).to.deep.equal([
        '      … watching for unwanted ota.super sessions: 59.9 s of 5 min',
        '      … waiting for follow-on ota.super session 2 of 3: 1.5 s since session 1 closed',
        '      … waiting for follow-on ota.super session 3 of 3: 2 s since session 2 closed',
        '      … waiting for the API to report the update successful or failed: pending after 5 s (limit 2 min)',
        '      … waiting for the API to report the update successful or failed: in-progress after 10 s (limit 2 min)',
      ]);
    });

    it('prints the first progress of the next wait, after a step line', () => {
      const view = piped();
      view.progress(waiting(1));
      view.step('expect an OTA session', true, 1000);
      view.progress(waiting(2));
      expect(lines).to.deep.equal([`      … ${waiting(1)}`, '    ✓ expect an OTA session (1.0 s rig)', `      … ${waiting(2)}`]);
    });
  });

  it('colours the marks and verdicts only when asked to', () => {
    const measurement = { name: 'boot_delay', description: '', value: 81.4, unit: 's', min: 60, max: 120, verdict: 'pass' } as const;
    const plain = piped(false);
    plain.step('power on', false, 3500);
    plain.measurement(measurement);
    expect(lines.join('\n')).not.to.match(ESCAPE);
    expect(lines).to.deep.equal(['    ✗ power on (3.5 s rig)', '      boot_delay = 81.4 s  [60–120 s]  PASS']);
    lines = [];
    const coloured = piped(true);
    coloured.step('power on', false, 3500);
    expect(lines).to.deep.equal(['    \x1b[31m✗\x1b[0m power on \x1b[2m(3.5 s rig)\x1b[0m']);
  });
});

describe('--color', () => {
  const terminal: CliOutput = { stdout: () => {}, stderr: () => {}, live: () => {}, colour: true };
  const pipe: CliOutput = { stdout: () => {}, stderr: () => {} };

  it('auto (or no flag) keeps what the output says; always and never override it', () => {
    expect(withColour(terminal, undefined).colour).to.equal(true);
    expect(withColour(pipe, 'auto').colour).to.not.equal(true);
    expect(withColour(terminal, 'never').colour).to.equal(false);
    expect(withColour(pipe, 'always').colour).to.equal(true);
    expect(withColour(terminal, 'never').live, 'the live line stays').to.be.a('function');
    expect(withColour(pipe, 'always').live, 'no live line where there was none').to.equal(undefined);
  });

  it('refuses another value, naming the ones it takes', () => {
    expect(() => withColour(terminal, 'yes')).to.throw('hil run: --color takes auto, always, never, got "yes"');
  });
});
