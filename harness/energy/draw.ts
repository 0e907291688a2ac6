// What a cellular module draws in each of its states, as the virtual power profiler's current model
// takes it: typical LTE-M figures at 3.7 V, not any one module's data sheet.

export const DRAW_STATES = ['off', 'booting', 'searching', 'registered', 'pdn', 'transmit', 'sleep'] as const;
export type DrawState = (typeof DRAW_STATES)[number];

/** Amperes per state. */
export type Draw = Record<DrawState, number>;

export const DEFAULT_DRAW: Draw = {
  /** Supply off, or the PPK2 not powering the module. */
  off: 0,
  booting: 0.025,
  /** Powered, not yet registered: the radio searching. */
  searching: 0.045,
  /** Registered and idle: paging cycles, averaged. */
  registered: 0.008,
  /** A PDP context up: the radio in connected mode. */
  pdn: 0.06,
  /** Bursts while SEND DATA and RECEIVE DATA carry an OTA session's data. */
  transmit: 0.22,
  /** Radio off (AT+CFUN=0 or 4). */
  sleep: 0.000_015,
};
