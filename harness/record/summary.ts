// The whole run's record, as summary.json holds it: what ran, on which rig and module, and each
// test's verdict and measurements. results/summary.ts writes it.
import type { BlindWindow, ModuleIdentity, PortOutage, SettingsPackage } from './module.ts';
import type { TestResult } from './tests.ts';

/** A suite file a run skipped because it could not be loaded. */
export interface SkippedSuiteFile {
  file: string;
  /** Each problem as file:line:col: what was expected. */
  problems: string[];
  /**
   * The run would have run it (or cannot tell, its id or tags being unreadable): such a run does not
   * pass clean (exit code 2 where its tests passed).
   */
  selected: boolean;
}

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
  /** Broken suite files the run skipped; none when every suite file loaded. */
  skippedSuiteFiles?: SkippedSuiteFile[];
  totals: { passed: number; failed: number; broken: number; skipped: number };
  tests: TestResult[];
  /** Per power-on: rig ms until the AT port opened and until the module's first byte. */
  blindWindows?: BlindWindow[];
  /** Times the AT port vanished while in use (the module restarted itself, or the adapter dropped). */
  portOutages?: PortOutage[];
}
