// The power-monitor interface the rig offers suites: start and stop sampling, the samples as a
// trace in rig time, and how far that trace's time stamps may be off.
import type { CurrentTrace } from './trace.ts';

export interface PowerMonitor {
  /** What it is and where, for notes and errors ("PPK2 on /dev/ttyACM0"). */
  readonly description: string;
  /** Volts the monitored supply runs at: energy is charge times this. */
  readonly supplyVolts: number;
  readonly trace: CurrentTrace;
  /** Starts sampling; the trace begins at the rig time the monitor was told to start. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops and lets go of the instrument. */
  close(): Promise<void>;
  /** Until the trace reaches rig time `until` (or `timeoutWallMs` of wall time pass); throws if the stream was rejected. */
  waitFor(until: number, timeoutWallMs: number): Promise<void>;
  /** Rig ms a trace time stamp at rig time `at` may be off from the rig clock. */
  alignmentAt(at: number): number;
  /** The charge (coulombs) a simulated module really drew from `from` to `to`, where the monitor measures one. */
  readonly truth?: (from: number, to: number) => number;
}
