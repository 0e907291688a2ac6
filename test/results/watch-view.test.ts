// What `hil watch` prints: one line per event, each event once however often it arrives, the bench
// status only when it changes, nothing from topics outside the layout, messages that are no
// sim-ota-hil event skipped and counted, and no escape sequence from the broker.
import { expect } from 'chai';
import { printable } from '../../harness/output/printable.ts';
import { makeEvent, type EventData, type EventType } from '../../harness/results/events.ts';
import { SKIPPED_EVERY_MS, WatchView } from '../../harness/results/watch-view.ts';

const TOPIC = 'hil/lab-1/bench-7/runs/r1/events';
let seq = 0;
function event<T extends EventType>(type: T, data: EventData[T], rig = 1000): Buffer {
  return Buffer.from(JSON.stringify(makeEvent('r1', ++seq, type, data, { wall: Date.now(), rig })));
}

const raw = (value: unknown) => Buffer.from(JSON.stringify(value));
/** An event envelope that is right, around `data` that may not be. */
const withData = (type: EventType, data: unknown) => raw({ ...JSON.parse(event('power', { on: true }).toString()), type, data });

describe('hil watch view', () => {
  let lines: string[];
  let view: WatchView;
  let now: number;
  beforeEach(() => {
    seq = 0;
    lines = [];
    now = 0;
    view = new WatchView('hil', (line) => lines.push(line.replace(/^\d\d:\d\d:\d\d /, '')), () => now);
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

  it('shows every kind of event the harness writes', () => {
    const session = { index: 1, apn: null, cid: null, requestedAt: null, openedAt: 5_000, closedAt: null, exchangedData: false };
    const rig = { name: 'bench-7', file: '/rigs/bench-7.yaml', timeScale: 1, serial: '/dev/ttyUSB2', power: 'gpio relay', module: 'quectel-bg95', faults: [] };
    const messages = [
      event('run.started', { lab: 'lab-1', bench: 'bench-7', rig, suites: [{ id: 'boot-delay', title: 'First OTA check', tags: ['standard'] }], transcriptEvents: true }),
      event('module.identified', { manufacturer: 'Quectel', model: 'BG95-M3', imei: '866000000000001' }),
      event('ota.refused', session),
      event('note', { text: 'port reopened' }),
      event('at', { dir: 'tx', kind: 'command', text: 'AT+CGEREP=2,1' }),
      event('run.ended', { status: 'aborted', abortReason: 'interrupted (SIGINT)', totals: { passed: 1, failed: 0, broken: 1, skipped: 2 }, tests: [{ suiteId: 'boot-delay', status: 'broken', error: 'gone' }] }),
    ];
    for (const payload of messages) view.message(TOPIC, payload);
    expect(lines).to.deep.equal([
      '[lab-1/bench-7] run r1 started on rig "bench-7" (/dev/ttyUSB2, time scale 1): boot-delay',
      '[lab-1/bench-7] module: Quectel BG95-M3; IMEI 866000000000001, ICCID ?, IMSI ?',
      '[lab-1/bench-7]   OTA session on an unknown APN refused by the module at 5.0 s rig',
      '[lab-1/bench-7]   note: port reopened',
      '[lab-1/bench-7]   AT tx AT+CGEREP=2,1',
      '[lab-1/bench-7] run r1 aborted (interrupted (SIGINT)): 1 passed, 1 failed, 2 skipped',
    ]);
  });

  it('ignores foreign topics', () => {
    view.message('elsewhere/lab/bench/status', Buffer.from('{}'));
    view.message('hil/lab-1/bench-7/runs/r1/other', event('power', { on: true }));
    expect(lines).to.deep.equal([]);
  });

  describe('a message that is no sim-ota-hil event', () => {
    const SUMMARY = 'hil/lab-1/bench-7/runs/r1/summary';

    it('is skipped, counted and said once in a while: a retained run.ended without totals no longer stops the watch', () => {
      const noTotals = withData('run.ended', { status: 'passed', tests: [] });
      view.message(SUMMARY, noTotals);
      expect(lines).to.deep.equal([`skipped 1 message that is not a sim-ota-hil event (the last on ${SUMMARY}: not a version 1 run.ended event: data.totals: Invalid input: expected object, received undefined)`]);
      view.message(SUMMARY, noTotals);
      view.message('hil/lab-1/bench-7/status', Buffer.from('{"v":1,"state":"idle","wall":"yesterday"}'));
      view.message(TOPIC, event('power', { on: true }, 2_500));
      now += SKIPPED_EVERY_MS - 1;
      view.message(TOPIC, Buffer.from('not json'));
      expect(lines.slice(1), 'the events that fit still show; no second count within the minute').to.deep.equal(['[lab-1/bench-7]   power on at 2.5 s rig']);
      now += 1;
      view.message(TOPIC, raw({ v: 2 }));
      expect(lines.slice(2)).to.deep.equal([`skipped 5 messages that are not sim-ota-hil events (the last on ${TOPIC}: not a version 1 event: v: Invalid input: expected 1)`]);
    });

    const misfits: [string, Buffer, RegExp][] = [
      ['a step without its times', withData('step', { suiteId: 's', title: 't', status: 'passed' }), /step event: data\.startedAt: /],
      ['a measurement whose value is text', withData('measurement', { suiteId: 's', name: 'n', description: '', value: '61', unit: 's', verdict: 'pass' }), /data\.value: .*expected number/],
      ['an OTA session with a closedAt that is text', withData('ota.closed', { index: 0, apn: 'ota.super', cid: 2, requestedAt: null, openedAt: 1, closedAt: 'later', exchangedData: true }), /data\.closedAt: /],
      ['a power edge of "yes"', withData('power', { on: 'yes' }), /data\.on: .*expected boolean/],
      ['an AT line without text', withData('at', { dir: 'rx', kind: 'info' }), /data\.text: /],
      ['a run.started whose rig is empty', withData('run.started', { lab: 'l', bench: 'b', rig: {}, suites: [], transcriptEvents: false }), /data\.rig\.name: /],
      ['a module identity with a numeric IMEI', withData('module.identified', { imei: 866000000000001 }), /data\.imei: .*expected string/],
      ['a note that is no object', withData('note', 'hello'), /not a version 1 event: data: /],
      ['a status with no state', raw({ v: 1, runId: 'r1' }), /not a version 1 bench status: state: expected a string/],
      ['a status of another version', raw({ v: 2, state: 'idle' }), /not a version 1 bench status: v: /],
    ];
    for (const [what, payload, reason] of misfits) {
      it(`${what} is skipped, saying why`, () => {
        const topic = reason.source.includes('status') ? 'hil/lab-1/bench-7/status' : TOPIC;
        expect(() => view.message(topic, payload)).not.to.throw();
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(/^skipped 1 message that is not a sim-ota-hil event \(the last on hil\/lab-1\/bench-7\//);
        expect(lines[0]).to.match(reason);
      });
    }
  });

  describe('escape sequences and control characters from the broker', () => {
    it('are stripped from every line: event text, topic levels and the reason a message was skipped', () => {
      const hostile = '\u001b]0;owned\u0007\u001b[2J\u001b[31mred\u001b[0m\r\nline 2\u0007\u009b1;1H\u001bPq#0\u001b\\end';
      view.message(TOPIC, event('note', { text: hostile }));
      view.message('hil/lab\u001b[8m-1/bench-7/runs/r1/events', event('step', { suiteId: 's', title: 'step \u001b[1A', status: 'failed', error: 'bad\u0000\u007f\u0085', startedAt: 0, endedAt: 1_000 }));
      view.message('hil/lab-1/bench-7/status', Buffer.from(JSON.stringify({ v: 1, state: 'running', runId: 'r\u001b[5m1', suite: 'boot\u001b]8;;http://x\u0007-delay' })));
      view.message(TOPIC, withData('note', { text: 7, '\u001b[2J': 1 }));
      expect(lines.slice(0, 3)).to.deep.equal([
        '[lab-1/bench-7]   note: red line 2end',
        '[lab-1/bench-7]   ✗ step  (1.0 s rig) — bad',
        '[lab-1/bench-7] bench running run r1, suite boot-delay',
      ]);
      expect(lines[3]).to.match(/^skipped 1 message that is not a sim-ota-hil event \(the last on .*data\.text: /);
      expect(lines.join('\n')).not.to.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    });

    const cases: [string, string, string][] = [
      ['CSI with parameters', 'a\u001b[1;31mb', 'ab'],
      ['CSI with intermediate bytes', 'a\u001b[1 qb', 'ab'],
      ['8-bit CSI', 'a\u009b2Jb', 'ab'],
      ['OSC ended by BEL', 'a\u001b]2;title\u0007b', 'ab'],
      ['OSC ended by ESC \\', 'a\u001b]2;title\u001b\\b', 'ab'],
      ['DCS', 'a\u001bP1$r\u001b\\b', 'ab'],
      ['a lone ESC and a two-byte sequence', 'a\u001bcb\u001b', 'ab'],
      ['tabs and line breaks become one space', 'a\t\r\nb', 'a b'],
      ['other C0, DEL and C1 controls', 'a\u0000\u0008\u007f\u0090b', 'ab'],
      ['printable text is left as it is', 'boot_delay = 61.5 ± 0.12 s ✓ ▶ —', 'boot_delay = 61.5 ± 0.12 s ✓ ▶ —'],
    ];
    for (const [what, input, output] of cases) {
      it(`printable: ${what}`, () => expect(printable(input)).to.equal(output));
    }
  });
});
