// summary.json: what ran, on which rig and module, and each test's verdict and measurements.
import { join } from 'node:path';
import { writeWhole } from '../report/write-failure.ts';
import type { BlindWindow } from '../rig/blind-window.ts';
import type { ModuleIdentity, PortOutage } from '../rig/controller.ts';
import type { SettingsPackage } from '../sim/ota-server.ts';
import type { TestResult } from '../suite/mocha-run.ts';

export interface RunSummary {
  runId: string;
  /**
   * `aborted`: a signal or crash took the run down; `incomplete`: a failure outside any test ended it
   * (a module that never answered, a switch that failed, a report file that could not be written).
   */
  status: 'passed' | 'failed' | 'aborted' | 'incomplete';
  /** Why an aborted or incomplete run ended early. */
  abortReason?: string;
  startedAt: string;
  endedAt: string;
  rig: {
    name: string;
    file: string;
    timeScale: number;
    serial: string;
    power: string;
    module: string;
    faults: string[];
    /** `active`: the harness handled the SIM toolkit for the module (the rig's `toolkit: active`). */
    toolkit?: 'passive' | 'active';
    /** What the module showed of OTA sessions as the rig set it up (pdn, toolkit-notifications, proactive-commands). */
    evidence?: string;
    /** Where the run learnt whether an OTA update was pending. */
    updates?: string;
  };
  module: ModuleIdentity;
  /** The SIM's settings packages and their versions at the start and the end of the run, where the update source shows them. */
  simPackages?: { before?: SettingsPackage[]; after?: SettingsPackage[] };
  totals: { passed: number; failed: number; broken: number; skipped: number };
  tests: TestResult[];
  /** Per power-on: rig ms until the AT port opened and until the module's first byte. */
  blindWindows?: BlindWindow[];
  /** Times the AT port vanished while in use (the module restarted itself, or the adapter dropped). */
  portOutages?: PortOutage[];
}

export function totals(tests: TestResult[]): RunSummary['totals'] {
  const count = (status: TestResult['status']) => tests.filter((t) => t.status === status).length;
  return { passed: count('passed'), failed: count('failed'), broken: count('broken'), skipped: count('skipped') };
}

/** Writes summary.json whole or not at all; throws a ReportWriteError naming it. */
export async function writeSummary(reportDir: string, summary: RunSummary): Promise<string> {
  const path = join(reportDir, 'summary.json');
  await writeWhole(path, `${JSON.stringify(summary, null, 2)}\n`);
  return path;
}
