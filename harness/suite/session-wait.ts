// Waiting, in rig time, for the OTA observer to report a session.
import type { OtaObserver, OtaSession } from '../ota/observer.ts';
import type { Clock } from '../time/clock.ts';

export type SessionPredicate = (session: OtaSession) => boolean;

/** Called about once a second of wall time during a long wait, with rig ms waited so far. */
export type WaitProgress = (waitedMs: number) => void;

const PROGRESS_WALL_MS = 1000;

/** Events after which a session may first satisfy a predicate: its APN can come after its opening. */
const SESSION_SEEN = ['opened', 'refused', 'identified'] as const;

/**
 * Resolves with the first session (already seen or yet to come) that satisfies `predicate` and has
 * opened or been refused, or with undefined once rig time reaches `deadline`.
 */
export function waitForSession(
  observer: OtaObserver,
  clock: Clock,
  predicate: SessionPredicate,
  deadline: number,
  progress?: WaitProgress,
): Promise<OtaSession | undefined> {
  const seen = observer.sessions.find(predicate);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const started = clock.now();
    const finish = (session: OtaSession | undefined) => {
      timer.cancel();
      clearInterval(ticker);
      for (const event of SESSION_SEEN) observer.off(event, onSession);
      resolve(session);
    };
    const onSession = (session: OtaSession) => {
      if (predicate(session)) finish(session);
    };
    for (const event of SESSION_SEEN) observer.on(event, onSession);
    const timer = clock.setTimer(() => finish(undefined), deadline - clock.now());
    const ticker = setInterval(() => progress?.(clock.now() - started), PROGRESS_WALL_MS);
  });
}

/** Resolves when `session` has closed, or with false once rig time reaches `deadline`. */
export function waitForClose(observer: OtaObserver, clock: Clock, session: OtaSession, deadline: number): Promise<boolean> {
  if (session.state !== 'open') return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (closed: boolean) => {
      timer.cancel();
      observer.off('closed', onClosed);
      resolve(closed);
    };
    const onClosed = (closed: OtaSession) => {
      if (closed === session) finish(true);
    };
    observer.on('closed', onClosed);
    const timer = clock.setTimer(() => finish(false), deadline - clock.now());
  });
}
