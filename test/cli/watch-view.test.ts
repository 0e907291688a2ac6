// What hil watch adds for a night nobody watches: a run joined mid-way named from the retained
// status, a power switch on one line, and the wait line while a run is quiet.
import { expect } from 'chai';
import { makeEvent, type EventData, type EventType } from '../../harness/results/events.ts';
import { QUIET_MS, WatchView } from '../../harness/results/watch-view.ts';
import { PROGRESS_EVERY_MS } from '../../harness/suite/console.ts';

const TOPIC = 'hil/lab-1/bench-7/runs/r1/events';
const STATUS = 'hil/lab-1/bench-7/status';

describe('hil watch view, joined and waiting', () => {
  let lines: string[];
  let live: string[];
  let now: number;
  let seq: number;
  const event = <T extends EventType>(type: T, data: EventData[T], rig = 1000) => Buffer.from(JSON.stringify(makeEvent('r1', ++seq, type, data, { wall: now, rig })));
  const status = (s: object) => Buffer.from(JSON.stringify({ v: 1, ...s }));
  const view = (terminal: boolean) => new WatchView('hil', (line) => lines.push(line.replace(/^\d\d:\d\d:\d\d /, '')), () => now, terminal ? (text) => live.push(text) : undefined);
  beforeEach(() => {
    lines = [];
    live = [];
    now = 1_000_000;
    seq = 0;
  });

  it('names a run already under way from the retained status, and a fresh status as before', () => {
    const watch = view(false);
    watch.message(STATUS, status({ state: 'running', runId: 'r0', suite: 'boot-delay' }), true);
    watch.message(STATUS, status({ state: 'running', runId: 'r1' }), false);
    expect(lines).to.deep.equal([
      '[lab-1/bench-7] joined run r0 in suite boot-delay (it started before this watch; its earlier events are not shown)',
      '[lab-1/bench-7] bench running run r1',
    ]);
  });

  it('shows a power switch on one line with its command, and a switch that failed as it was', () => {
    const watch = view(false);
    watch.message(TOPIC, event('note', { text: 'power.off (off.sh): exit 0 after 12 ms wall time; output 3 lines, sha256 d9d56ff55311' }));
    watch.message(TOPIC, event('note', { text: 'power.status (status.sh): exit 1 after 3 ms wall time' }));
    watch.message(TOPIC, event('power', { on: false }, 2_500));
    watch.message(TOPIC, event('note', { text: 'power.on (on.sh): exit 5 after 4 ms wall time; output 1 line, sha256 aa' }));
    watch.message(TOPIC, event('step', { suiteId: 's', title: 'power on', status: 'broken', error: 'relay', startedAt: 0, endedAt: 1_000 }));
    expect(lines).to.deep.equal([
      '[lab-1/bench-7]   power off at 2.5 s rig (off.sh: exit 0 after 12 ms wall time; status.sh: exit 1 after 3 ms wall time)',
      '[lab-1/bench-7]   switch: on.sh: exit 5 after 4 ms wall time',
      '[lab-1/bench-7]   ✗ power on (1.0 s rig) — relay',
    ]);
  });

  it('on a pipe, a wait line once a run is quiet, then only when it changes or every 30 s', () => {
    const watch = view(false);
    watch.message(TOPIC, event('suite.started', { suiteId: 'boot-delay', title: 'First OTA check' }));
    now += QUIET_MS - 1;
    watch.tick();
    expect(lines, 'not yet quiet').to.have.length(1);
    now += 1;
    watch.tick();
    expect(lines[1]).to.equal('      … [lab-1/bench-7] boot-delay (run r1): waiting, 5 s since the last event: ▶ boot-delay — First OTA check');
    now += PROGRESS_EVERY_MS - 1;
    watch.tick();
    expect(lines, 'same wait within 30 s').to.have.length(2);
    now += 1;
    watch.tick();
    expect(lines[2]).to.match(/waiting, 35 s since the last event/);
    watch.message(TOPIC, event('run.ended', { status: 'passed', totals: { passed: 1, failed: 0, broken: 0, skipped: 0 }, tests: [] }));
    now += QUIET_MS * 10;
    watch.tick();
    expect(lines, 'nothing to wait for once the run ended').to.have.length(4);
  });

  it('on a terminal, the wait line is the live line, redrawn at each tick', () => {
    const watch = view(true);
    watch.message(STATUS, status({ state: 'running', runId: 'r0', suite: 'csim-forced-check' }), true);
    for (let i = 0; i < 3; i++) {
      now += QUIET_MS;
      watch.tick();
    }
    expect(lines).to.have.length(1);
    expect(live).to.deep.equal([5, 10, 15].map((s) => `      … [lab-1/bench-7] csim-forced-check (run r0): waiting, ${s} s since the last event: joined run r0 in suite csim-forced-check (it started before this watch; its earlier events are not shown)`));
  });
});
