// `hil doctor`: checks a bench before it runs suites, and prints what to fix.
import { parseArgs } from 'node:util';
import { RigController } from '../rig/controller.ts';
import { examineBench, type DoctorCheck, type Verdict } from '../rig/doctor.ts';
import { loadRigFlag } from './flags.ts';
import { guardBench, startSafe } from '../rig/safe-state.ts';
import { EXIT, UsageError } from '../output/errors.ts';
import { type CliOutput } from '../output/streams.ts';
import { vendorApiSettings } from '../results/vendor-settings.ts';

export const DOCTOR_USAGE = `usage: hil doctor --rig FILE [--json]

Checks a bench: the power switch opens, the module powers up, its serial port opens and it answers
AT, the SIM is ready and is a Super SIM, the module's terminal profile has BIP, the evidence the
module profile turns on (+CGEREP, +CUSATA, ...) is supported, and the data APN is configured.
Prints what to fix; exits 3 (the bench's) if any check fails. Leaves the bench in its safe state.
  --rig FILE   rig file
  --json       print the result as one JSON object instead of lines:
               {"rig": {"name","file"}, "checks": [{"name","verdict","detail","fix"?}],
                "notes": [text], "ready": bool, "failed": N, "warned": N}
               with verdict ok, warn, fail or skip`;

const MARK: Record<Verdict, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

export async function doctorCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { rig: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.rig) throw new UsageError(`hil doctor: --rig FILE is required\n${DOCTOR_USAGE}`);
  const config = await loadRigFlag(values.rig);
  const json = values.json;
  const say = (text: string) => json || out.stdout(text);
  say(`hil doctor: rig "${config.name}" (${config.file})`);
  const checks: DoctorCheck[] = [];
  const notes: string[] = [];
  const report = (check: DoctorCheck) => {
    checks.push(check);
    say(`  ${MARK[check.verdict]} ${check.name}: ${check.detail}`);
    if (check.fix && check.verdict !== 'ok') say(`      fix: ${check.fix}`);
  };
  const result = () => {
    const failed = checks.filter((c) => c.verdict === 'fail').length;
    const warned = checks.filter((c) => c.verdict === 'warn').length;
    if (json) out.stdout(JSON.stringify({ rig: { name: config.name, file: config.file }, checks, notes, ready: failed === 0, failed, warned }, null, 2));
    else out.stdout(failed + warned === 0 ? 'the bench is ready' : `${failed} problem(s) to fix, ${warned} warning(s)`);
    return failed > 0 ? EXIT.bench : EXIT.passed;
  };

  let rig: RigController;
  try {
    const vendorApi = await vendorApiSettings();
    rig = await RigController.open(config, vendorApi ? { vendorApi } : {});
  } catch (error) {
    report({ name: 'bench', verdict: 'fail', detail: (error as Error).message });
    return result();
  }
  report({ name: 'power switch', verdict: 'ok', detail: rig.powerDescription });
  rig.on('note', (text) => (notes.push(text), say(`    note: ${text}`)));
  const guard = guardBench(() => rig.safeState(), async (why) => (json ? out.stderr : out.stdout)(`hil doctor: ${why}; leaving the bench in its safe state`));
  try {
    const safe = await startSafe(rig).then(() => true, (error: Error) => {
      report({ name: 'safe state', verdict: 'fail', detail: `cannot switch the bench off before the checks: ${error.message}` });
      return false;
    });
    if (safe) await examineBench(rig, report);
  } finally {
    if (!guard.aborted()) {
      guard.release();
      await rig.safeState();
    }
  }
  if (guard.aborted()) return new Promise<number>(() => {});
  return result();
}
