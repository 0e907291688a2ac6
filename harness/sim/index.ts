export { VirtualModule, type VirtualModuleOptions, type ModuleTiming } from './module.ts';
export { VirtualBinding, type VirtualPortOptions } from './binding.ts';
export { PtyEndpoint } from './pty.ts';
export { serveControl, controlRequest, type ControlRequest } from './control.ts';
export { followPowerFile } from './power-file.ts';
export { FAULTS, parseFaults, type FaultName } from './faults.ts';
export { SIMULATED_PROFILES } from './profiles.ts';
export type { TruthSnapshot, TruthSession, TruthEvent, CheckTrigger, SessionOutcome } from './truth.ts';
export type { SettingsUpdate, SettingsPackage } from './ota-server.ts';
