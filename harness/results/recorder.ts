// Turns what happens during a run (rig power edges and notes, OTA sessions, AT lines, suite progress)
// into events in the run's event log.
import type { TranscriptEntry } from '../at/index.ts';
import type { OtaSession } from '../ota/observer.ts';
import type { ModuleIdentity, RunListener, RunSummary } from '../record/index.ts';
import type { RigController } from '../rig/controller.ts';
import type { EventLog } from './event-log.ts';
import { rigMs, type EventData, type OtaSessionData, type Stamp } from './events.ts';

function sessionData(session: OtaSession): OtaSessionData {
  return {
    index: session.index,
    apn: session.apn ?? null,
    cid: session.cid ?? null,
    requestedAt: session.requestedAt === undefined ? null : rigMs(session.requestedAt),
    openedAt: rigMs(session.openedAt),
    closedAt: session.closedAt === undefined ? null : rigMs(session.closedAt),
    exchangedData: session.exchangedData,
    seen: [...session.seen],
  };
}

export class RunRecorder {
  private readonly detachers: (() => void)[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly rig: RigController,
    private readonly transcriptEvents: boolean,
  ) {}

  private now(): Stamp {
    return { wall: this.rig.clock.wallNow(), rig: this.rig.clock.now() };
  }

  /** Records run.started and from then on everything the rig reports. */
  started(data: EventData['run.started']): void {
    this.log.append('run.started', data, this.now());
    const { rig, log } = this;
    const onPower = (on: boolean, at: number) => log.append('power', { on }, { wall: rig.clock.wallNow(), rig: at });
    const onNote = (text: string, at: number) => log.append('note', { text }, { wall: rig.clock.wallNow(), rig: at });
    const onOpened = (session: OtaSession) => log.append('ota.opened', sessionData(session), this.now());
    const onClosed = (session: OtaSession) => log.append('ota.closed', sessionData(session), this.now());
    const onRefused = (session: OtaSession) => log.append('ota.refused', sessionData(session), this.now());
    rig.on('power', onPower).on('note', onNote);
    rig.observer.on('opened', onOpened).on('closed', onClosed).on('refused', onRefused);
    this.detachers.push(() => {
      rig.off('power', onPower).off('note', onNote);
      rig.observer.off('opened', onOpened).off('closed', onClosed).off('refused', onRefused);
    });
    if (this.transcriptEvents) {
      this.detachers.push(
        rig.at.transcript.subscribe((entry: TranscriptEntry) =>
          log.append('at', { dir: entry.dir, kind: entry.kind, text: entry.text, ...(entry.note ? { note: entry.note } : {}) }, entry),
        ),
      );
    }
  }

  identified(identity: ModuleIdentity): void {
    this.log.append('module.identified', identity, this.now());
  }

  /** For runSuites: suite progress as events. */
  readonly listener: RunListener = {
    testStarted: (suite) => this.log.append('suite.started', { suiteId: suite.id, title: suite.title }, this.now()),
    stepEnded: (suite, step) =>
      this.log.append(
        'step',
        { suiteId: suite.id, ...step, startedAt: rigMs(step.startedAt), endedAt: rigMs(step.endedAt) },
        { wall: this.rig.clock.wallNow(), rig: step.endedAt },
      ),
    measured: (suite, m) => this.log.append('measurement', { suiteId: suite.id, ...m }, this.now()),
    testEnded: (suite, result) =>
      this.log.append(
        'suite.ended',
        {
          suiteId: suite.id,
          status: result.status,
          ...(result.error ? { error: result.error } : {}),
          startedAt: rigMs(result.startedAt),
          endedAt: rigMs(result.endedAt),
          durationMs: rigMs(result.endedAt - result.startedAt),
        },
        this.now(),
      ),
  };

  /** Records run.ended and stops listening to the rig. */
  ended(summary: RunSummary): void {
    this.detach();
    this.log.append(
      'run.ended',
      {
        status: summary.status,
        ...(summary.abortReason ? { abortReason: summary.abortReason } : {}),
        totals: summary.totals,
        tests: summary.tests.map((t) => ({ suiteId: t.suiteId, status: t.status, ...(t.error ? { error: t.error } : {}) })),
      },
      this.now(),
    );
  }

  private detach(): void {
    for (const detach of this.detachers.splice(0)) detach();
  }
}
