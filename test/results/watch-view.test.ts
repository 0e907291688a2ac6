// What `hil watch` prints: one line per event, each event once however often it arrives, the bench
// status only when it changes, and nothing from topics outside the layout.
import { expect } from 'chai';
import { makeEvent, type EventData, type EventType } from '../../harness/results/events.ts';
import { WatchView } from '../../harness/results/watch-view.ts';

const TOPIC = 'hil/lab-1/bench-7/runs/r1/events';
let seq = 0;
function event<T extends EventType>(type: T, data: EventData[T], rig = 1000): Buffer {
  return Buffer.from(JSON.stringify(makeEvent('r1', ++seq, type, data, { wall: Date.now(), rig })));
}

describe('hil watch view', () => {
  let lines: string[];
  let view: WatchView;
  beforeEach(() => {
    seq = 0;
    lines = [];
    view = new WatchView('hil', (line) => lines.push(line.replace(/^\d\d:\d\d:\d\d /, '')));
  });

  it('shows suites, steps, measurements, OTA sessions and the verdict, per bench', () => {
    const messages = [
      event('suite.started', { suiteId: 'boot-delay', title: 'First OTA check' }),
      event('ota.opened', { index: 0, apn: 'ota.super', cid: 2, requestedAt: 70_000, openedAt: 71_500, closedAt: null, exchangedData: false }),
      event('ota.closed', { index: 0, apn: 'ota.super', cid: 2, requestedAt: 70_000, openedAt: 71_500, closedAt: 73_000, exchangedData: true }),
      event('step', { suiteId: 'boot-delay', title: 'expect an OTA session', status: 'failed', error: 'too early', startedAt: 10_000, endedAt: 72_000 }),
      event('measurement', { suiteId: 'boot-delay', name: 'boot_delay', description: '', value: 61.5, unit: 's', min: 60, max: 120, uncertainty: 0.12, verdict: 'marginal' }),
      event('suite.ended', { suiteId: 'boot-delay', status: 'failed', error: 'too early', startedAt: 0, endedAt: 80_000, durationMs: 80_000 }),
      event('run.ended', { status: 'failed', totals: { passed: 2, failed: 1, broken: 0, skipped: 0 }, tests: [] }),
    ];
    for (const payload of messages) view.message(TOPIC, payload);
    expect(lines).to.deep.equal([
      '[lab-1/bench-7] ▶ boot-delay — First OTA check',
      '[lab-1/bench-7]   OTA session #0 opened on ota.super at 71.5 s rig',
      '[lab-1/bench-7]   OTA session #0 closed after 1.5 s (data exchanged)',
      '[lab-1/bench-7]   ✗ expect an OTA session (62.0 s rig) — too early',
      '[lab-1/bench-7]     boot_delay = 61.5 ± 0.12 s  [60–120 s]  MARGINAL',
      '[lab-1/bench-7] ✗ boot-delay: failed after 80.0 s rig — too early',
      '[lab-1/bench-7] run r1 failed: 2 passed, 1 failed',
    ]);
  });

  it('shows a resent event once, including the summary that repeats the last event', () => {
    const power = event('power', { on: true }, 2500);
    const ended = event('run.ended', { status: 'passed', totals: { passed: 1, failed: 0, broken: 0, skipped: 0 }, tests: [] });
    view.message(TOPIC, power);
    view.message(TOPIC, power);
    view.message(TOPIC, ended);
    view.message('hil/lab-1/bench-7/runs/r1/summary', ended);
    expect(lines).to.deep.equal(['[lab-1/bench-7]   power on at 2.5 s rig', '[lab-1/bench-7] run r1 passed: 1 passed, 0 failed']);
  });

  it('shows the bench status when it changes', () => {
    const status = (s: object) => Buffer.from(JSON.stringify({ v: 1, ...s }));
    view.message('hil/lab-1/bench-7/status', status({ state: 'running', runId: 'r1', suite: 'boot-delay' }));
    view.message('hil/lab-1/bench-7/status', status({ state: 'running', runId: 'r1', suite: 'boot-delay' }));
    view.message('hil/lab-1/bench-7/status', status({ state: 'offline' }));
    view.message('hil/lab-1/bench-7/status', Buffer.alloc(0));
    expect(lines).to.deep.equal([
      '[lab-1/bench-7] bench running run r1, suite boot-delay',
      '[lab-1/bench-7] bench offline (the harness went away without saying goodbye)',
    ]);
  });

  it('says what is wrong with an unreadable event and ignores foreign topics', () => {
    view.message(TOPIC, Buffer.from('{"v":2}'));
    view.message('elsewhere/lab/bench/status', Buffer.from('{}'));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^\[lab-1\/bench-7\] unreadable event on hil\/lab-1\/bench-7\/runs\/r1\/events: not a version 1 event/);
  });
});
