// `hil check`: the rig and suite files a run would read, checked as the run checks them before it
// touches the bench, with no port opened and no power switched.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import { rigKind } from '../rig/fault-request.ts';
import { checkRunInputs, formatInputProblem, type InputsCheck } from '../suite/run-check.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const CHECK_USAGE = `usage: hil check [--rig FILE] [--suite ID|FILE]... [options]

Checks a rig file and suite files as hil run does before it touches the bench, without opening a
port or switching power, and prints every problem as file:line:col: what was expected (unknown
module profiles, fault names, suite ids and keys included). Without --suite or --tag every suite
file in the suites folder is checked.
  --rig FILE          rig file to check (none: the suite files only)
  --suite ID|FILE     a suite a run would be given, by id or file (repeatable)
  --tag TAG           a tag a run would be given (repeatable)
  --fault NAME        a simulator fault a run would be given (repeatable; virtual rig only)
  --suites-dir DIR    where suite files are (default suites/)
  --json              print the result as one JSON object:
                      {"ok": bool, "rig": {"file","name","kind","module"} | null,
                       "suites": [{"id","file"}],   (the valid suites selected)
                       "problems": [{"file","line","col","path","message","text"}],
                       "unselected": [...]}          (broken suite files the selection leaves out)
                      a problem in a flag's value has the flag as "file" and line 0

exit codes: 0 nothing wrong, 2 any problem`;

function asJson(check: InputsCheck) {
  const withText = (p: InputsCheck['problems'][number]) => ({ ...p, text: formatInputProblem(p) });
  return {
    ok: check.problems.length === 0,
    rig: check.rig ? { file: check.rig.file, name: check.rig.name, kind: rigKind(check.rig), module: check.rig.module } : null,
    suites: check.suites.map((s) => ({ id: s.id, file: s.file })),
    problems: check.problems.map(withText),
    unselected: check.unselected.map(withText),
  };
}

export async function checkCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rig: { type: 'string' },
      suite: { type: 'string', multiple: true, default: [] },
      tag: { type: 'string', multiple: true, default: [] },
      fault: { type: 'string', multiple: true, default: [] },
      'suites-dir': { type: 'string', default: join(PROJECT_ROOT, 'suites') },
      json: { type: 'boolean', default: false },
    },
  });
  const check = await checkRunInputs({
    ...(values.rig !== undefined ? { rigFile: values.rig } : {}),
    suitesDir: values['suites-dir'],
    suites: values.suite,
    tags: values.tag,
    faults: values.fault,
  });
  const code = check.problems.length === 0 ? EXIT.passed : EXIT.usage;
  if (values.json) {
    out.stdout(JSON.stringify(asJson(check), null, 2));
    return code;
  }
  if (check.rig) out.stdout(`rig "${check.rig.name}" (${check.rig.file}): ${rigKind(check.rig)}, module ${check.rig.module}`);
  out.stdout(`suites: ${check.suites.map((s) => s.id).join(', ') || 'none'}`);
  for (const p of check.unselected) out.stdout(`  not selected, broken: ${formatInputProblem(p)}`);
  for (const p of check.problems) out.stderr(formatInputProblem(p));
  out.stdout(check.problems.length === 0 ? 'no problems' : `${check.problems.length} problem(s)`);
  return code;
}
