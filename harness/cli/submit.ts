// `hil submit`: queues suites for the lab's benches (lab/queue.ts) and prints the job ids.
import { parseArgs } from 'node:util';
import { connectRedis, checkQueueUrl, LabStore, matchingBenches } from '../lab/queue.ts';
import { describeSelector, parseSelector } from '../lab/selector.ts';
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import { resultsSettings } from '../results/run-options.ts';
import { parseDuration } from '../time/duration.ts';
import { flagValue, positiveNumber } from './flags.ts';

export const SUBMIT_USAGE = `usage: hil submit --queue redis://HOST:PORT --suite ID [options]

Queues a job that runs the suites on one bench whose agent matches every --where; prints its id.
  --queue URL        the lab's Redis (redis://host:port)
  --suite ID         a suite to run (repeatable; in this order)
  --where KEY=VALUE  which benches may run it (repeatable, all must match): module=PROFILE, maker=,
                     model=, firmware= (as the module answers), bench=NAME, tag=TAG (the rig file's tags)
  --each             one job for every matching bench present now (its agent registered)
  --nightly CRON     a repeatable job on this cron schedule ("0 2 * * *"; six fields for seconds); prints its id
  --priority N       1 is the highest; jobs without one come first
  --attempts N       runs a job may take when the bench fails, not the device (default 3)
  --backoff DUR      wait before the first retry, doubling after each (default 10 s)
  --lab NAME         the lab (default HIL_LAB, the lab file, or "default")
  --lab-file FILE    lab file`;

const OPTIONS = {
  queue: { type: 'string' },
  suite: { type: 'string', multiple: true, default: [] as string[] },
  where: { type: 'string', multiple: true, default: [] as string[] },
  each: { type: 'boolean', default: false },
  nightly: { type: 'string' },
  priority: { type: 'string' },
  attempts: { type: 'string' },
  backoff: { type: 'string' },
  lab: { type: 'string' },
  'lab-file': { type: 'string' },
} as const;

const whole = (text: string) => {
  const n = positiveNumber(text);
  if (!Number.isInteger(n)) throw new Error(`takes a whole number, got "${text}"`);
  return n;
};

export async function submitCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS });
  if (!values.queue || values.suite.length === 0) throw new UsageError(`hil submit: --queue URL and at least one --suite are required\n${SUBMIT_USAGE}`);
  const flag = <T>(name: string, text: string | undefined, parse: (text: string) => T) => flagValue('hil submit', name, text, parse);
  const queueUrl = flag('--queue', values.queue, checkQueueUrl)!;
  let selector;
  try {
    selector = parseSelector(values.where);
  } catch (error) {
    throw new UsageError(`hil submit: --where: ${(error as Error).message}`);
  }
  const nightly = values.nightly;
  if (nightly && values.each) throw new UsageError('hil submit: --nightly and --each exclude each other (a schedule is not tied to the benches present now)');
  const priority = flag('--priority', values.priority, whole);
  const attempts = flag('--attempts', values.attempts, whole) ?? 3;
  const backoff = flag('--backoff', values.backoff, parseDuration) ?? 10_000;
  const options = { attempts, backoff: { type: 'exponential', delay: backoff }, ...(priority ? { priority } : {}) };
  const settings = await resultsSettings('hil submit', { lab: values.lab, labFile: values['lab-file'] });
  const redis = connectRedis(queueUrl, false);
  const store = new LabStore(redis, settings.lab);
  try {
    if (nightly) {
      const id = await store.schedule(values.suite, selector, nightly, options).catch((error: Error) => {
        throw new UsageError(`hil submit: --nightly "${nightly}": ${error.message}`);
      });
      out.stdout(id);
      return 0;
    }
    const selectors = values.each ? (await matchingBenches(store, selector)).map((b) => ({ ...selector, bench: b.bench })) : [selector];
    if (selectors.length === 0) throw new UsageError(`hil submit: --each: no bench present matches ${describeSelector(selector)}`);
    for (const s of selectors) out.stdout(await store.submit(values.suite, s, options));
    return 0;
  } finally {
    await store.close();
    redis.disconnect();
  }
}
