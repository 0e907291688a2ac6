// Runs in one long-lived process, as a bench agent makes them: each run gives back the process
// listeners it took (its guard's, the suite runner's), so that none pile up from run to run.
import { expect } from 'chai';
import { join } from 'node:path';
import { startRun } from '../../harness/run/index.ts';
import { tempDirEach } from '../config/temp-dir.ts';

const EVENTS = ['uncaughtException', 'unhandledRejection', 'SIGINT', 'SIGTERM'] as const;
const counts = () => EVENTS.map((event) => `${event} ${process.listenerCount(event)}`);

describe('runs in one process', function () {
  this.timeout(120_000);
  const dir = tempDirEach('hil-listeners-');

  it('leave the process listeners as they found them', async () => {
    const before = counts();
    const quiet = { stdout: () => {}, stderr: () => {} };
    for (const name of ['first', 'second', 'third']) {
      const code = await startRun({
        rigFile: 'rigs/virtual.yaml',
        suitesDir: 'suites',
        suiteIds: ['boot-delay'],
        tags: [],
        rig: { timeScale: 600, seed: 7 },
        reportDir: join(dir(), name),
        html: false,
        history: undefined,
        waitLockMs: 0,
        results: { 'no-broker': true },
        transcriptEvents: false,
      }, quiet);
      expect(code, `${name} run's exit code`).to.equal(0);
      expect(counts(), `after the ${name} run`).to.deep.equal(before);
    }
  });
});
