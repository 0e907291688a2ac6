// The results of one `hil run`: every event into events.jsonl, then to the broker (a configured one,
// or an embedded one on loopback), the bench status kept up to date, and earlier runs' events that
// the same broker never acknowledged sent again. Once open, nothing here stops the run: broker
// problems are reported and wait out.
import { dirname, join } from 'node:path';
import type { RigController } from '../rig/controller.ts';
import { AckCursor } from './ack-cursor.ts';
import type { BrokerTarget } from './broker.ts';
import { BrokerConnection } from './connection.ts';
import { startEmbeddedBroker, EMBEDDED_PORT, type EmbeddedBroker } from './embedded-broker.ts';
import { EVENTS_FILE, EventLog } from './event-log.ts';
import type { EventData } from './events.ts';
import { Publisher } from './publisher.ts';
import { RunRecorder } from './recorder.ts';
import { offlineWill, statusAfter, StatusReporter } from './status.ts';
import { findUnsentRuns, resend } from './stored-run.ts';
import type { RunSummary } from '../record/index.ts';
import { runTopics, statusTopic, type BenchScope } from './topics.ts';

/** How long the end of a run waits for the broker to acknowledge what is left. */
export const DRAIN_MS = 10_000;
/** The same after a signal: whoever pressed Ctrl-C wants the harness gone soon. */
export const ABORT_DRAIN_MS = 2_000;

export interface RunStreamOptions {
  reportDir: string;
  runId: string;
  rig: RigController;
  scope: BenchScope;
  /** A configured broker, 'embedded' to start one, or 'none' for events.jsonl only. */
  broker: BrokerTarget | 'embedded' | 'none';
  transcriptEvents: boolean;
  /** What a person running the harness should know (where to watch). */
  say(text: string): void;
  /** Problems with the broker: they never stop the run. */
  warn(text: string): void;
}

interface Publishing {
  connection: BrokerConnection;
  publishers: Publisher[];
  cursors: AckCursor[];
  embedded: EmbeddedBroker | undefined;
}

export class RunStream {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly recorder: RunRecorder,
    private readonly log: EventLog,
    private readonly publishing: Publishing | undefined,
    private readonly options: RunStreamOptions,
  ) {}

  static async open(options: RunStreamOptions): Promise<RunStream> {
    const { reportDir, runId, rig, scope, broker } = options;
    const log = await EventLog.create(reportDir, runId);
    const recorder = new RunRecorder(log, rig, options.transcriptEvents);
    if (broker === 'none') {
      options.say(`results: ${join(reportDir, EVENTS_FILE)} only (no broker)`);
      return new RunStream(recorder, log, undefined, options);
    }
    const warn = (text: string) => options.warn(`results: ${text}`);
    const embedded = broker === 'embedded' ? await startEmbeddedBroker() : undefined;
    const target = broker === 'embedded' ? embedded!.target : broker;
    const connection = new BrokerConnection({ target, clientId: `hil-${scope.bench}-${runId}`, will: offlineWill(statusTopic(scope)), report: warn });
    // An embedded broker keeps nothing after the run: its acknowledgements are not worth recording.
    const cursor = embedded ? undefined : await AckCursor.load(reportDir, target.url);
    await cursor?.save(); // names this broker as the run's destination, for a later resend
    const publisher = new Publisher(connection, runTopics(scope, runId), cursor, warn);
    const status = new StatusReporter(connection, statusTopic(scope));
    log.subscribe((event) => {
      publisher.add(event);
      const next = statusAfter(event);
      if (next) status.set(next);
    });
    const publishing: Publishing = { connection, publishers: [publisher], cursors: cursor ? [cursor] : [], embedded };
    if (!embedded) {
      const earlier = await findUnsentRuns(dirname(reportDir), target.url, reportDir, warn);
      for (const run of earlier) {
        publishing.publishers.push(resend(run, connection, scope.prefix, warn));
        publishing.cursors.push(run.cursor);
      }
      const count = earlier.reduce((n, run) => n + run.unacked.length, 0);
      if (count > 0) options.say(`results: sending ${count} event(s) of ${earlier.length} earlier run(s) that ${target.url} never acknowledged`);
    }
    connection.start();
    const watch = embedded && target.url.endsWith(`:${EMBEDDED_PORT}`) ? 'npx hil watch' : `npx hil watch --broker ${target.url}`;
    options.say(
      embedded
        ? `results: live on ${target.url} (embedded broker, for the length of this run); watch with: ${watch}`
        : `results: publishing to ${target.url} under ${scope.prefix}/${scope.lab}/${scope.bench}; watch with: ${watch}`,
    );
    return new RunStream(recorder, log, publishing, options);
  }

  started(data: Omit<EventData['run.started'], 'lab' | 'bench' | 'transcriptEvents'>): void {
    this.recorder.started({ lab: this.options.scope.lab, bench: this.options.scope.bench, transcriptEvents: this.options.transcriptEvents, ...data });
  }

  /** Records the end of the run, gives the broker up to `drainMs` to acknowledge the rest, and closes. */
  close(summary: RunSummary, drainMs = DRAIN_MS): Promise<void> {
    this.closing ??= this.finish(summary, drainMs);
    return this.closing;
  }

  private async finish(summary: RunSummary, drainMs: number): Promise<void> {
    this.recorder.ended(summary);
    await this.log.close();
    const publishing = this.publishing;
    if (!publishing) return;
    const { connection, publishers, cursors, embedded } = publishing;
    // Waited out in full even while the broker is away: it may be back within the bound.
    await Promise.all(publishers.map((p) => p.drain(drainMs)));
    // Earlier runs left unsent are picked up again by the next run; this one is named.
    const left = publishers[0]!.pending;
    if (left > 0 && !embedded) {
      this.options.warn(`results: ${left} event(s) not acknowledged by ${connection.url}; kept in ${join(this.options.reportDir, EVENTS_FILE)}: npx hil publish ${this.options.reportDir} sends them`);
    }
    for (const cursor of cursors) await cursor.save().catch((error: Error) => this.options.warn(`results: ${error.message}`));
    await connection.stop();
    await embedded?.close();
  }
}
