// Failure reasons several negative controls share.

/** The two ways a check timer that outlives a power cycle shows on the module. */
export const TIMER_SURVIVED =
  /ota\.super session opened .* after the last power-on and (6\d|[7-9]\d|1[01]\d|12[0-5])\.\d s after the one before it|no ota\.super session within 2 min \(\+30 s grace\) of power-on: after a power cycle the applet must check again/;
