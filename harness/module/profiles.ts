// Module profiles: what a module shows the host of an OTA session, how to turn that on without
// changing how the module and SIM handle the toolkit, how a rig that opts in takes the toolkit over,
// how to read its SIM toolkit settings, and how long its PWRKEY is pressed. Profiles are data;
// patterns are regular expressions with named groups. One file per profile in profiles/.
import { canonicalProfileId } from './profiles/aliases.ts';
import { cinterion } from './profiles/cinterion.ts';
import { generic27007 } from './profiles/generic-27007.ts';
import { nordicNrf9160 } from './profiles/nordic-nrf9160.ts';
import { quectelBg95 } from './profiles/quectel-bg95.ts';
import { quectelEg25 } from './profiles/quectel-eg25.ts';
import { simcomSim7080 } from './profiles/simcom-sim7080.ts';
import { telitLe910 } from './profiles/telit-le910.ts';
import { ubloxSaraR5 } from './profiles/ublox-sara-r5.ts';

export { PROFILE_ALIASES, canonicalProfileId } from './profiles/aliases.ts';

/**
 * How much of an OTA session the host can see: `pdn` the PDN context coming up and going down (its
 * APN read with AT+CGDCONT?), `toolkit-notifications` the types of the proactive commands,
 * `proactive-commands` whole commands (OPEN CHANNEL with its APN, SEND and RECEIVE DATA, CLOSE
 * CHANNEL). An APDU trace (a SIM tracer) would show more; no rig has one yet.
 */
export type EvidenceLevel = 'pdn' | 'toolkit-notifications' | 'proactive-commands';

export type EvidenceKind = 'pdn-up' | 'pdn-down' | 'proactive-command' | 'proactive-session-end' | 'bip-up' | 'bip-down';

export interface EvidenceRule {
  kind: EvidenceKind;
  /**
   * Named groups: `cid` for PDN events; for a proactive command either `hex`, the whole command, or
   * `type`, its type in decimal as vendor notifications give it. The first rule that matches a line wins.
   */
  pattern: string;
}

/** A stored module setting the OTA session depends on: `hil doctor` reads it and prints the fix. */
export interface ModuleCheck {
  what: string;
  command: string;
  /** Matched against the answer's information lines. */
  expect: string;
  fix: string;
}

/**
 * The mode in which the host handles the SIM toolkit itself: the module hands it each proactive
 * command and carries it out only once the host answers. A rig opts in with `toolkit: active`; the
 * certificate then says the device was tested with a host-side toolkit.
 */
export interface ActiveToolkit {
  level: EvidenceLevel;
  /** Sent after the profile's own setup; turns the mode on. */
  setup: string[];
  evidence: EvidenceRule[];
  /**
   * A line the host must answer, and the answer. In `reply`, `{type}` is the command's type in
   * decimal and `{accept}` the hex of a terminal response accepting the command (`hex` group).
   */
  answer: { pattern: string; reply: string };
  /** Where the mode is documented. */
  source: string;
}

export interface PwrkeyTimings {
  /** Press length that switches the module on, in ms. */
  pulseOn: number;
  /** Press length that starts the module's shutdown, in ms. */
  pulseOff: number;
  /** Time from the off press until the supply may be cut, in ms. */
  shutdown: number;
}

export interface ModuleProfile {
  id: string;
  description: string;
  /** +CGMI answers of the modules this profile is for. */
  manufacturers: string[];
  /** Lines that say the module has booted; without one, `AT` answered with OK means ready. */
  readyMarkers: string[];
  /**
   * Sent after every boot to turn on the evidence below. Passive: nothing here changes how the module
   * and SIM handle the toolkit (no AT+CUSATA=1, which hands proactive commands to the host).
   */
  setup: string[];
  /** URC prefixes beyond the engine's defaults. */
  urcPrefixes: string[];
  /** What `evidence` shows of a session. */
  evidenceLevel: EvidenceLevel;
  evidence: EvidenceRule[];
  /** How the host takes the toolkit over, where the module has a documented way. */
  activeToolkit?: ActiveToolkit;
  /** Command that reads the ICCID (vendors disagree). */
  iccidCommand: string;
  /** How to read the TERMINAL PROFILE the module gives the SIM; the pattern's `hex` group holds it. */
  terminalProfile: { command: string; pattern: string };
  checks: ModuleCheck[];
  /** From the vendor's hardware design guide; a rig file may override each. */
  pwrkey?: PwrkeyTimings;
  /** A restart drops the module's USB device and adds it again, so its serial port path may come back late. */
  reenumeratesOnUsb: boolean;
  /** Facts in this profile not confirmed from public documentation. */
  unconfirmed?: string;
}

export const MODULE_PROFILES: Record<string, ModuleProfile> = Object.fromEntries(
  [generic27007, quectelBg95, quectelEg25, ubloxSaraR5, nordicNrf9160, simcomSim7080, cinterion, telitLe910].map((profile) => [profile.id, profile]),
);

/** The profile of `id`, or of the id it is an alias of (`quectel` → `quectel-bg95`). */
export function moduleProfile(id: string): ModuleProfile {
  const profile = MODULE_PROFILES[canonicalProfileId(id)];
  if (!profile) throw new Error(`unknown module profile "${id}"; known: ${Object.keys(MODULE_PROFILES).join(', ')}`);
  return profile;
}
