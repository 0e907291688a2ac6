// Evidence dialects: what a simulated module shows the host of the BIP sessions it carries out itself.
// Each is a behaviour a real module class shows, with where it is documented; a profile lists the
// dialects it offers, its default first.

/** The toolkit notifications a dialect adds to PDN events, and the vendor commands that turn them on. */
export type ToolkitEvidence =
  /** Cinterion: AT^SCFG="SAT/URC","1" prints every proactive command and terminal response as ^SSTK. */
  | 'sstk'
  /** Telit: AT#STIA=2/3 prints #STN: <type>; an OPEN CHANNEL then waits for AT#STSR. */
  | 'stn'
  /** Nordic nRF91: AT%USATEV=1 prints %USATEV: BIP Connecting/Connected/Closed. */
  | 'usatev';

export interface Dialect {
  /** The module's BIP context raises +CGEV PDN events (while +CGEREP asks for them). */
  pdnEvents: boolean;
  toolkit?: ToolkitEvidence;
  source: string;
}

export const DIALECTS = {
  // The modem carries out BIP itself on a PDN context it brings up on the OTA APN: the host sees
  // +CGEV PDN ACT/DEACT for it and AT+CGDCONT?/+CGACT?/+CGCONTRDP list it while it is up.
  'pdn-events': {
    pdnEvents: true,
    source: 'TS 27.007 §10.1.19 +CGEREP / §10.1.1 +CGDCONT; EC25 AT manual (+CGEV: PDN ACT <cid>); SARA-R4 AT manual (+CGEV); EHS6 AT manual (+CGEV: ME PDN ACT <cid>)',
  },
  // "Some modems run BIP on an internal context that raises no +CGEV at all; only polling shows it."
  'no-pdn-events': {
    pdnEvents: false,
    source: 'shared/reference/module-visibility.md (any TS 27.007 module): an internal BIP context with no +CGEV; which module classes do this is not named',
  },
  'proactive-commands': {
    pdnEvents: true,
    toolkit: 'sstk',
    source: 'Thales module test TC0104182.001 TpSATBipProtocol_AR_SSTK (Automatic Response mode, AT^SCFG="SAT/URC",1): ^SSTK: "<hex>",<bytes>,"00"|"01"|"03"',
  },
  'toolkit-notifications': {
    pdnEvents: true,
    toolkit: 'stn',
    source: 'Telit LE910 V2 AT commands reference 80446ST10707A, #STIA/#STN/#STSR (timeout and its #STN: <type+100> from the GM862/UC864 references of the same command)',
  },
  'usat-events': {
    pdnEvents: true,
    toolkit: 'usatev',
    source: 'nRF91 AT commands reference, %USATEV (modem firmware v1.2.7 and later)',
  },
} as const satisfies Record<string, Dialect>;

export type DialectName = keyof typeof DIALECTS;

export const DIALECT_NAMES = Object.keys(DIALECTS) as DialectName[];

/** The dialect `name` of a profile offering `offered` (default: the first); an error lists the offered ones. */
export function chooseDialect(profileId: string, offered: readonly DialectName[], name?: string): DialectName {
  if (name === undefined) return offered[0]!;
  const chosen = offered.find((dialect) => dialect === name);
  if (!chosen) throw new Error(`simulated module profile "${profileId}" has no dialect "${name}"; it offers: ${offered.join(', ')}`);
  return chosen;
}
