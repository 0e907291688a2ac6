// `hil`: the harness's command line. Exit codes (output/errors.ts, README "Exit codes"): 0 every
// requirement met, 1 a requirement failed, 2 usage or configuration, 3 bench or infrastructure,
// 4 incomplete, 130/143 interrupted.
import { readFileSync } from 'node:fs';
import { ConfigError, didYouMean } from '../config/index.ts';
import { BenchError, EXIT, UsageError } from '../output/errors.ts';
import { processOutput, type CliOutput } from '../output/streams.ts';
import { LIST_USAGE, listCommand } from './list.ts';
import { CHECK_USAGE, checkCommand } from './check.ts';
import { COMPARE_USAGE, compareCommand } from './compare.ts';
import { AGENT_USAGE, agentCommand } from './agent.ts';
import { SUBMIT_USAGE, submitCommand } from './submit.ts';
import { LAB_USAGE, labCommand } from './lab.ts';
import { MATRIX_USAGE, matrixCommand } from './matrix.ts';
import { DASHBOARD_USAGE, dashboardCommand } from './dashboard.ts';
import { DOCTOR_USAGE, doctorCommand } from './doctor.ts';
import { PUBLISH_USAGE, publishCommand } from './publish.ts';
import { REPORT_USAGE, reportCommand } from './report.ts';
import { RUN_USAGE, runCommand } from './run.ts';
import { SIM_USAGE, simCommand } from './sim.ts';
import { STK_USAGE, stkCommand } from './stk.ts';
import { UPDATES_USAGE, updatesCommand } from './updates.ts';
import { WATCH_USAGE, watchCommand } from './watch.ts';

const USAGE = `usage: hil <command> [options]

commands:
  run      run suites on a rig (hil run --help)
  report   write a run's HTML report, JUnit XML and certificate from its folder (hil report --help)
  doctor   check a bench and print what to fix (hil doctor --help)
  watch    show the live progress of runs from an MQTT broker (hil watch --help)
  publish  send a run's events the broker never acknowledged (hil publish --help)
  sim      run the virtual module on a pseudo-terminal (hil sim --help)
  updates  the SIM's settings updates as the SIM vendor's API shows them (hil updates --help)
  stk      decode SIM toolkit messages: hil stk decode <hex>
  list     what a run can be given: suites, faults, module profiles, rigs (hil list --help)
  check    check rig and suite files as a run would, without touching the bench (hil check --help)
  compare  two report folders side by side: verdicts and figures, what got worse (hil compare --help)
  agent    run one bench's share of a lab's job queue (hil agent --help)
  submit   queue suites for the lab's benches, once, on each bench or nightly (hil submit --help)
  lab      the lab's benches, jobs and schedules; cancel a job (hil lab --help)
  matrix   the qualification matrix of a night (module × firmware × suite), as HTML and JSON (hil matrix --help)
  dashboard  the lab live in a browser: benches, runs under way, the last matrix (hil dashboard --help)
  help     this text, or a command's: hil help <command>

  -h, --help     this text      --version      the harness's version

exit codes:
  0  every requirement met         3  bench or infrastructure problem (power switch, port, lock,
  1  a requirement failed (device)    doctor, report folder, broker at the start)
  2  usage or configuration error  4  incomplete (aborted by an error outside the tests)
                                   130/143 interrupted (SIGINT/SIGTERM)`;

interface Command {
  run(args: string[], out: CliOutput): Promise<number>;
  usage: string;
}

const COMMANDS: Record<string, Command> = {
  run: { run: runCommand, usage: RUN_USAGE },
  report: { run: reportCommand, usage: REPORT_USAGE },
  doctor: { run: doctorCommand, usage: DOCTOR_USAGE },
  watch: { run: watchCommand, usage: WATCH_USAGE },
  publish: { run: publishCommand, usage: PUBLISH_USAGE },
  sim: { run: simCommand, usage: SIM_USAGE },
  updates: { run: updatesCommand, usage: UPDATES_USAGE },
  stk: { run: stkCommand, usage: STK_USAGE },
  list: { run: listCommand, usage: LIST_USAGE },
  check: { run: checkCommand, usage: CHECK_USAGE },
  compare: { run: compareCommand, usage: COMPARE_USAGE },
  agent: { run: agentCommand, usage: AGENT_USAGE },
  submit: { run: submitCommand, usage: SUBMIT_USAGE },
  lab: { run: labCommand, usage: LAB_USAGE },
  matrix: { run: matrixCommand, usage: MATRIX_USAGE },
  dashboard: { run: dashboardCommand, usage: DASHBOARD_USAGE },
};

const HELP_FLAGS = ['-h', '--help'];

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${manifest.name} ${manifest.version}`;
}

export async function main(argv: string[], out: CliOutput = processOutput): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || HELP_FLAGS.includes(name)) {
    (name === undefined ? out.stderr : out.stdout)(USAGE);
    return name === undefined ? EXIT.usage : EXIT.passed;
  }
  if (name === '--version') {
    out.stdout(version());
    return EXIT.passed;
  }
  if (name === 'help') return help(args[0], out);
  const command = COMMANDS[name];
  if (!command) {
    out.stderr(`hil: unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (args.some((arg) => HELP_FLAGS.includes(arg))) {
    out.stdout(command.usage);
    return EXIT.passed;
  }
  try {
    return await command.run(args, out);
  } catch (error) {
    return failed(name, error, command.usage, out);
  }
}

function help(topic: string | undefined, out: CliOutput): number {
  if (topic === undefined) {
    out.stdout(USAGE);
    return EXIT.passed;
  }
  const command = COMMANDS[topic];
  if (!command) {
    out.stderr(`hil help: no command "${topic}"${didYouMean(topic, Object.keys(COMMANDS))}`);
    return EXIT.usage;
  }
  out.stdout(command.usage);
  return EXIT.passed;
}

/** The error a command ended with, said once, and its exit code. */
function failed(name: string, error: unknown, usage: string, out: CliOutput): number {
  const { message, code } = error as NodeJS.ErrnoException;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-[^']*)'/.exec(message)?.[1];
    const known = [...usage.matchAll(/(?<=\s)--[a-z][a-z-]*/g)].map((m) => m[0]);
    out.stderr(`hil ${name}: unknown option ${given ?? ''}${given ? didYouMean(given.split('=')[0]!, known) : ''} (hil ${name} --help)`);
    return EXIT.usage;
  }
  if (error instanceof UsageError || error instanceof ConfigError || code?.startsWith('ERR_PARSE_ARGS')) {
    out.stderr(message);
    return EXIT.usage;
  }
  out.stderr(error instanceof BenchError ? message : `hil ${name}: ${message}`);
  return EXIT.bench;
}
