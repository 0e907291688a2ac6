// `hil`: the harness's command line.
import { DOCTOR_USAGE, doctorCommand } from './doctor.ts';
import { UsageError } from '../output/errors.ts';
import { processOutput, type CliOutput } from '../output/streams.ts';
import { PUBLISH_USAGE, publishCommand } from './publish.ts';
import { REPORT_USAGE, reportCommand } from './report.ts';
import { RUN_USAGE, runCommand } from './run.ts';
import { SIM_USAGE, simCommand } from './sim.ts';
import { stkCommand } from './stk.ts';
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
  stk      decode SIM toolkit messages: hil stk decode <hex>`;

const COMMANDS: Record<string, (args: string[], out: CliOutput) => Promise<number>> = {
  run: runCommand,
  report: reportCommand,
  doctor: doctorCommand,
  sim: simCommand,
  stk: stkCommand,
  watch: watchCommand,
  publish: publishCommand,
  updates: updatesCommand,
};

const HELP: Record<string, string> = { run: RUN_USAGE, report: REPORT_USAGE, doctor: DOCTOR_USAGE, sim: SIM_USAGE, watch: WATCH_USAGE, publish: PUBLISH_USAGE, updates: UPDATES_USAGE };

export async function main(argv: string[], out: CliOutput = processOutput): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command || name === '--help') {
    (command || name === '--help' ? out.stdout : out.stderr)(USAGE);
    return name === '--help' ? 0 : 2;
  }
  if (args.includes('--help') && HELP[name!]) {
    out.stdout(HELP[name!]!);
    return 0;
  }
  try {
    return await command(args, out);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      out.stderr((error as Error).message);
      return 2;
    }
    out.stderr(`hil ${name}: ${(error as Error).message}`);
    return 1;
  }
}
