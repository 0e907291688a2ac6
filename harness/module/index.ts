// Module knowledge: what each module profile shows the host and how to set it up (profiles.ts), and
// the AT commands whose answers the harness reads, with their parsers: contexts (contexts.ts), the
// SIM and the network registration (network.ts), the identity answers (identity.ts).
export * from './profiles.ts';
export * from './contexts.ts';
export * from './network.ts';
export * from './identity.ts';
