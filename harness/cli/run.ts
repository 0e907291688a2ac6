// `hil run`: its flags, read into a run request (run/start.ts takes it from there).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../output/errors.ts';
import { COLOUR_USAGE, withColour, type CliOutput } from '../output/streams.ts';
import { defined, flagValue, positiveNumber } from './flags.ts';
import { RUN_RESULTS_OPTIONS, RUN_RESULTS_USAGE } from '../results/run-options.ts';
import { parseUpdateDeclaration } from '../rig/update-source.ts';
import { STANDARD_TAG, startRun } from '../run/index.ts';
import { parseDuration } from '../time/duration.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const RUN_USAGE = `usage: hil run [options]

Runs suites on a rig (default: the built-in virtual rig) and writes reports/<run-id>/.
  --rig FILE          rig file (default rigs/virtual.yaml)
  --suite ID|FILE     run this suite, by id or suite file (repeatable); default: every suite tagged "${STANDARD_TAG}"
  --tag TAG           run the suites with this tag (repeatable)
  --suites-dir DIR    where suite files are (default suites/)
  --time-scale N      override the rig's time scale
  --fault NAME        virtual rig only: inject a simulator fault (repeatable)
  --seed N            virtual rig only: seed for the simulator's drawn delays
  --update-pending blocks=N[,imsi=DIGITS]
                      an OTA update is staged for this SIM (in N blocks, switching the IMSI): the suites
                      judge its delivery; on the virtual rig nothing is staged by the suites then
  --no-update-pending no OTA update is staged for this SIM: the parts of suites that need one are skipped
  --report-dir DIR    report folder (default reports/<run-id>)
  --no-html           skip report.html (the allure report as one offline file)
  --history DIR       keep allure's history and each run's figures in DIR (the same DIR every night) for trends
  --wait-lock DUR     if another run holds the bench, wait for it up to DUR of wall time ("10 min") instead of refusing
  --grep REGEX        only the selected suites whose id or title matches REGEX
  --exclude-tag TAG   leave out the suites with this tag (repeatable)
  --rerun-failed DIR  run the suites that failed or broke in the report folder DIR (its summary.json)
  --bail              stop after the first test that fails or breaks; the rest are reported as not run
  --retries N         run a test that broke on a bench error (power switch, port) up to N more times,
                      the power off first; a pass after a retry is marked flaky. A module's failure is never retried
  --max-time DUR      end the run cleanly after DUR of wall time ("2h"): bench safe, report written, exit 4
  --keep N            after a run that ended, remove all but the newest N run report folders from the
                      folder that holds this run's (reports/ by default)
${COLOUR_USAGE}
${RUN_RESULTS_USAGE}`;

const OPTIONS = {
  rig: { type: 'string', default: join(PROJECT_ROOT, 'rigs', 'virtual.yaml') },
  suite: { type: 'string', multiple: true, default: [] as string[] },
  tag: { type: 'string', multiple: true, default: [] as string[] },
  'suites-dir': { type: 'string', default: join(PROJECT_ROOT, 'suites') },
  'time-scale': { type: 'string' },
  fault: { type: 'string', multiple: true, default: [] as string[] },
  seed: { type: 'string' },
  'update-pending': { type: 'string' },
  'no-update-pending': { type: 'boolean', default: false },
  'report-dir': { type: 'string' },
  'no-html': { type: 'boolean', default: false },
  history: { type: 'string' },
  'wait-lock': { type: 'string' },
  grep: { type: 'string' },
  'exclude-tag': { type: 'string', multiple: true, default: [] as string[] },
  'rerun-failed': { type: 'string' },
  bail: { type: 'boolean', default: false },
  retries: { type: 'string' },
  'max-time': { type: 'string' },
  keep: { type: 'string' },
  color: { type: 'string' },
  ...RUN_RESULTS_OPTIONS,
} as const;

/** A whole number of at least `min`. */
const count = (min: number) => (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`takes a whole number of ${min} or more, got "${text}"`);
  return value;
};

export async function runCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS });
  const flag = <T>(name: string, text: string | undefined, parse: (text: string) => T) => flagValue('hil run', name, text, parse);
  const timeScale = flag('--time-scale', values['time-scale'], positiveNumber);
  const seed = flag('--seed', values.seed, positiveNumber);
  const updatePending = values['no-update-pending'] ? false : flag('--update-pending', values['update-pending'], parseUpdateDeclaration);
  if (values['update-pending'] !== undefined && values['no-update-pending']) {
    throw new UsageError('hil run: --update-pending and --no-update-pending contradict each other; give one');
  }
  if (values['rerun-failed'] !== undefined && (values.suite.length > 0 || values.tag.length > 0)) {
    throw new UsageError('hil run: --rerun-failed selects the suites itself; give it without --suite or --tag');
  }
  const maxTime = values['max-time'];
  const maxTimeMs = flag('--max-time', maxTime, parseDuration);
  return startRun({
    rigFile: values.rig,
    suitesDir: values['suites-dir'],
    suiteIds: values.suite,
    tags: values.tag,
    rig: { faults: values.fault, ...defined({ timeScale, seed, updatePending }) },
    reportDir: values['report-dir'],
    html: !values['no-html'],
    history: values.history,
    waitLockMs: flag('--wait-lock', values['wait-lock'], parseDuration) ?? 0,
    results: values,
    transcriptEvents: values['transcript-events'],
    filters: { ...defined({ grep: flag('--grep', values.grep, (text) => new RegExp(text)) }), excludeTags: values['exclude-tag'] },
    rerunFailed: values['rerun-failed'],
    control: { bail: values.bail, retries: flag('--retries', values.retries, count(0)) ?? 0 },
    maxTime: maxTimeMs === undefined ? undefined : { ms: maxTimeMs, text: maxTime! },
    keep: flag('--keep', values.keep, count(1)),
  }, withColour(out, values.color));
}
