// The timeline picture: what the trace gathers from a rig during a test, and what the SVG shows.
import { expect } from 'chai';
import type { TranscriptEntry } from '../../harness/at/index.ts';
import { parseYamlText } from '../../harness/config/index.ts';
import type { OtaSession } from '../../harness/ota/observer.ts';
import { TimelineTrace, type TraceableRig } from '../../harness/report/timeline-trace.ts';
import { renderTimeline, type TimelineData } from '../../harness/report/timeline-svg.ts';
import { suiteSchema } from '../../harness/suite/suite-file.ts';
import { measured } from './fixtures.ts';

const SUITE = parseYamlText(
  `
id: power-cycle-reset
title: A power cycle restarts the timer
requirement: { source: docs, text: the timer restarts }
measurements:
  - { name: reset_delay, description: d, unit: s, min: 60, max: 120 }
steps:
  - power: on
  - expectNoSession: { for: 55 s }
  - mark: halfway
  - expectSession: { from: power-on, within: { min: 60 s, max: 120 s }, grace: 30 s, measure: reset_delay }
`,
  'suite.yaml',
  suiteSchema,
);

function session(index: number, apn: string, openedAt: number, closedAt: number): OtaSession {
  return { index, apn, cid: 2, requestedAt: undefined, openedAt, closedAt, state: 'closed', exchangedData: true, seen: ['pdn-event'], timingUncertainty: 0, stampLateBy: 0, evidence: [] };
}

function entry(rig: number, dir: 'tx' | 'rx'): TranscriptEntry {
  return { mono: rig, wall: rig, rig, dir, kind: dir === 'tx' ? 'command' : 'final', text: dir === 'tx' ? 'AT' : 'OK' };
}

/** A rig whose clock the test moves, with the marks, sessions and transcript the test gives it. */
function fakeRig() {
  let now = 0;
  const rig = {
    marks: new Map<string, number>(),
    clock: { now: () => now },
    observer: { sessions: [] as OtaSession[] },
    at: { transcript: { entries: () => transcript } },
    config: { sim: { otaApn: 'ota.super' } },
  } satisfies TraceableRig;
  const transcript: TranscriptEntry[] = [];
  return { rig, transcript, at: (t: number) => (now = t) };
}

describe('timeline', () => {
  describe('the trace of a test', () => {
    it('keeps the windows the steps judge, the marks they set, and the delays from their anchors', () => {
      const { rig, transcript, at } = fakeRig();
      rig.marks.set('power-off', 500);
      rig.observer.sessions.push(session(0, 'ota.super', 100, 200)); // before the test: not its session
      transcript.push(entry(50, 'tx'));
      at(1_000);
      const trace = new TimelineTrace(rig);
      const [powerOn, noSession, mark, expectSession] = SUITE.steps;

      trace.stepStarting(powerOn!);
      at(1_200);
      rig.marks.set('power-on', 1_200);
      rig.marks.set('port-open', 1_300); // the rig's own bookkeeping: not drawn
      trace.stepEnded();
      trace.stepStarting(noSession!);
      at(56_200);
      trace.stepEnded();
      trace.stepStarting(mark!);
      rig.marks.set('halfway', 56_200);
      trace.stepEnded();
      trace.stepStarting(expectSession!);
      transcript.push(entry(80_000, 'tx'), entry(80_010, 'rx'));
      rig.observer.sessions.push(session(1, 'ota.super', 82_200, 90_000));
      at(90_000);
      trace.stepEnded();

      const data = trace.finish({ suiteId: SUITE.id, title: SUITE.title, status: 'passed', steps: [], measurements: [measured('reset_delay', 81)] });
      expect(data.start).to.equal(1_000);
      expect(data.end).to.equal(90_000);
      expect(data.powerAtStart).to.equal(false);
      expect(data.marks).to.deep.equal([
        { name: 'power-on', at: 1_200 },
        { name: 'halfway', at: 56_200 },
      ]);
      expect(data.windows).to.deep.equal([
        { kind: 'forbidden', apn: 'ota.super', from: 1_200, to: 56_200, label: 'no ota.super session expected' },
        { kind: 'expected', apn: 'ota.super', from: 61_200, to: 121_200, graceTo: 151_200, label: 'ota.super expected 1 min–2 min after power-on' },
      ]);
      expect(data.delays).to.deep.equal([{ label: 'reset_delay = 81 s from power-on', from: 1_200, to: 82_200, verdict: 'pass' }]);
      expect(data.sessions).to.deep.equal([{ apn: 'ota.super', openedAt: 82_200, closedAt: 90_000, state: 'closed' }]);
      expect(data.at).to.deep.equal([
        { at: 80_000, dir: 'tx' },
        { at: 80_010, dir: 'rx' },
      ]);
    });
  });

  describe('the picture', () => {
    const base: TimelineData = {
      suiteId: 'power-cycle-reset',
      title: 'A power cycle restarts the <timer> & more',
      status: 'failed',
      error: 'an ota.super session opened 6.8 s into a 55.0 s window where none was expected',
      start: 0,
      end: 100_000,
      otaApn: 'ota.super',
      steps: [
        { title: 'power on', status: 'passed', startedAt: 0, endedAt: 2_000 },
        { title: 'expect no OTA session on ota.super for 55 s', status: 'failed', startedAt: 2_000, endedAt: 20_000 },
      ],
      powerAtStart: false,
      marks: [
        { name: 'power-on', at: 2_000 },
        { name: 'ready', at: 6_000 },
      ],
      at: [{ at: 3_000, dir: 'tx' }],
      sessions: [
        { apn: 'ota.super', openedAt: 12_000, closedAt: 18_000, state: 'closed' },
        { apn: 'super', openedAt: 30_000, closedAt: 40_000, state: 'closed' },
      ],
      windows: [{ kind: 'forbidden', apn: 'ota.super', from: 6_000, to: 61_000, label: 'no ota.super session expected' }],
      delays: [],
    };

    it('outlines in red, and says so, a session inside a window that forbids it; one on another APN is left alone', () => {
      const svg = renderTimeline(base);
      expect(svg).to.match(/<rect [^>]*fill="#ef6c00" stroke="#c62828"[^>]*><title>ota\.super: opened at 12 s/);
      expect(svg).to.include('>ota.super — not expected here</text>');
      expect(svg).to.match(/<rect [^>]*fill="#5c6bc0"><title>super: opened at 30 s/);
      expect(svg).to.include('>FAILED</text>');
      expect(svg).to.include('>an ota.super session opened 6.8 s into a 55.0 s window where none was expected</text>');
    });

    it('draws a measured delay from its anchor to the session it timed', () => {
      const svg = renderTimeline({
        ...base,
        status: 'passed',
        windows: [{ kind: 'expected', apn: 'ota.super', from: 62_000, to: 122_000, label: 'ota.super expected 1 min–2 min after power-on' }],
        sessions: [{ apn: 'ota.super', openedAt: 83_000, closedAt: 90_000, state: 'closed' }],
        delays: [{ label: 'boot_delay = 81 s from power-on', from: 2_000, to: 83_000, verdict: 'pass' }],
      });
      const bar = /<rect x="([\d.]+)"[^>]*><title>ota\.super: opened/.exec(svg);
      const arrowhead = /<path d="M([\d.]+),[\d.]+ l-7,-3\.5 v7 z" fill="#2e7d32"\/>/.exec(svg);
      expect(Number(arrowhead![1])).to.be.closeTo(Number(bar![1]), 0.1);
      expect(svg).to.include('>boot_delay = 81 s from power-on — pass</text>');
      expect(svg).to.not.include('not expected here');
    });

    it('runs the axis to the end of an expected window that outlasts the test, and marks where the test ended', () => {
      const windowed = renderTimeline({ ...base, windows: [{ kind: 'expected', apn: 'ota.super', from: 60_000, to: 180_000, label: 'expected' }] });
      expect(windowed).to.include('>test ended</text>');
      expect(windowed).to.include('>3 min</text>');
      expect(renderTimeline(base)).to.not.include('test ended');
    });

    it('escapes what the suite and the module wrote', () => {
      const svg = renderTimeline(base);
      expect(svg).to.include('A power cycle restarts the &lt;timer&gt; &amp; more');
      expect(svg).to.not.include('<timer>');
    });
  });
});
