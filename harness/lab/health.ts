// Before a bench takes work: `hil doctor`'s checks (rig/doctor.ts), the folder its reports go to,
// and who the module says it is.
// The bench ends in its safe state whatever the checks found.
import type { ModuleIdentity } from '../record/index.ts';
import { RigController, type RigOverrides } from '../rig/controller.ts';
import { examineBench, type DoctorCheck } from '../rig/doctor.ts';
import type { Rig } from '../rig/rig-file.ts';
import { startSafe } from '../rig/safe-state.ts';
import { prepareReportFolder } from '../run/report-folder.ts';

export interface BenchHealth {
  /** The checks that failed, each as `name: detail`; none for a bench that may take work. */
  problems: string[];
  identity: ModuleIdentity;
}

export async function examineHealth(config: Rig, overrides: RigOverrides, reportsDir: string): Promise<BenchHealth> {
  const folder = await prepareReportFolder(reportsDir).then(() => undefined, (error: Error) => `report folder: ${error.message}`);
  if (folder) return { problems: [folder], identity: {} };
  let rig: RigController;
  try {
    rig = await RigController.open(config, overrides);
  } catch (error) {
    return { problems: [`bench: ${(error as Error).message}`], identity: {} };
  }
  const checks: DoctorCheck[] = [];
  const problems: string[] = [];
  let identity: ModuleIdentity = {};
  try {
    await startSafe(rig);
    await examineBench(rig, (check) => checks.push(check));
    problems.push(...checks.filter((c) => c.verdict === 'fail').map((c) => `${c.name}: ${c.detail}`));
    if (problems.length === 0) identity = await rig.identity();
  } catch (error) {
    problems.push(`doctor: ${(error as Error).message}`);
  } finally {
    await rig.safeState().catch((error: Error) => problems.push(`safe state: ${error.message}`));
  }
  return { problems, identity };
}
