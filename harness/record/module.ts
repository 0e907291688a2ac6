// The module and bench part of a run's record: who the module said it was, the SIM's settings
// packages, and the stretches the harness could not see the module (blind windows, port outages).

export interface ModuleIdentity {
  manufacturer?: string;
  model?: string;
  firmware?: string;
  imei?: string;
  iccid?: string;
  imsi?: string;
}

export interface SettingsPackage {
  name: string;
  version: string;
}

/** The blind window after a power-on; rig/blind-window.ts keeps them. */
export interface BlindWindow {
  /** Rig ms of the power-on. */
  powerOnAt: number;
  /** Rig ms from power-on until the port opened; undefined if it never did. */
  portUsableMs: number | undefined;
  /** Rig ms from power-on until the first byte from the module; undefined if none came. */
  firstByteMs: number | undefined;
}

/** A time the AT port vanished while in use, and when it came back. */
export interface PortOutage {
  /** Rig ms the port went away. */
  lostAt: number;
  /** Rig ms it was open again; undefined if it never was. */
  returnedAt: number | undefined;
}
