// Whether an OTA update is waiting for the SIM under test, and where the harness learns it: an OTA
// server it can reach (the simulator's, which can also stage one), the operator's declaration, or
// nowhere. Suites run the parts that need a staged update only where one is known to be pending.
import type { SettingsPackage } from '../record/index.ts';
import type { SettingsUpdate } from '../sim/index.ts';
import type { SuperSimClient } from '../vendor/client.ts';
import { installedPackages, toSettingsUpdate } from '../vendor/records.ts';

export interface UpdatePlan {
  blocks: number;
  packages: SettingsPackage[];
  newImsi?: string;
}

export type UpdateKnowledge =
  /** `blocks` is undefined where the source does not say (the vendor's API). */
  | { state: 'pending'; blocks: number | undefined; newImsi?: string; source: string }
  | { state: 'none'; source: string }
  | { state: 'unknown'; source: string; why: string };

/** The operator's word: no update is pending, or one of `blocks` blocks (optionally switching the IMSI). */
export type UpdateDeclaration = false | { blocks: number; newImsi?: string };

export interface UpdateSource {
  /** Where the knowledge comes from, as notes and the certificate name it. */
  readonly name: string;
  /** Stages `update` for this SIM; false where only a person can (through the SIM vendor's console). */
  stage(update: UpdatePlan): Promise<boolean>;
  /** What is known now of an update waiting for this SIM. */
  pending(): Promise<UpdateKnowledge>;
  /** This SIM's updates with their status, newest first; undefined where this source cannot see them. */
  updates(): Promise<SettingsUpdate[] | undefined>;
  /**
   * Where the status of a delivered update becomes final only some time after its sessions (the
   * vendor learns of the installation later): how long to wait for it and how often to ask, in
   * wall ms. Absent where the status changes with the sessions.
   */
  readonly settling?: { limitMs: number; pollMs: number };
}

/** An OTA server the rig reaches: the built-in simulator's, or a `hil sim` process's through its control socket. */
export class ServerUpdates implements UpdateSource {
  constructor(
    readonly name: string,
    private readonly server: { stage(update: UpdatePlan): Promise<void>; lookup(): Promise<SettingsUpdate[]> },
  ) {}

  async stage(update: UpdatePlan): Promise<boolean> {
    await this.server.stage(update);
    return true;
  }

  async pending(): Promise<UpdateKnowledge> {
    const waiting = (await this.server.lookup()).find((u) => u.status === 'scheduled' || u.status === 'in-progress');
    if (!waiting) return { state: 'none', source: this.name };
    // A device that lost a session starts over from the first block not yet delivered.
    const blocks = waiting.blocks - waiting.deliveredBlocks;
    return { state: 'pending', blocks, ...(waiting.newImsi ? { newImsi: waiting.newImsi } : {}), source: this.name };
  }

  updates(): Promise<SettingsUpdate[]> {
    return this.server.lookup();
  }
}

/**
 * What the operator declared for the run (`updatePending` in the rig file, `--update-pending`,
 * `--no-update-pending`). A declared update holds until the first OTA session, which may deliver it;
 * after that whether one is still waiting is unknown.
 */
export class DeclaredUpdates implements UpdateSource {
  readonly name = "the operator's declaration";

  constructor(
    private readonly declaration: UpdateDeclaration,
    /** OTA sessions seen since the run started. */
    private readonly sessionsSeen: () => number,
  ) {}

  async stage(): Promise<boolean> {
    return false;
  }

  async pending(): Promise<UpdateKnowledge> {
    if (this.declaration === false) return { state: 'none', source: this.name };
    if (this.sessionsSeen() > 0) {
      return { state: 'unknown', source: this.name, why: 'an update was declared pending at the start of the run, and the OTA sessions since may have delivered it' };
    }
    return { state: 'pending', ...this.declaration, source: this.name };
  }

  async updates(): Promise<undefined> {
    return undefined;
  }
}

/** The SIM vendor's API, asked by the ICCID the module reports; only a person can stage there (the vendor's console). */
export class VendorUpdates implements UpdateSource {
  readonly name: string;

  constructor(
    private readonly client: SuperSimClient,
    /** The ICCID the module reported; undefined until it has been read. */
    private readonly iccid: () => string | undefined,
    readonly settling = { limitMs: 10 * 60_000, pollMs: 5_000 },
  ) {
    this.name = `the SIM vendor's API at ${client.baseUrl}`;
  }

  async stage(): Promise<boolean> {
    return false;
  }

  async pending(): Promise<UpdateKnowledge> {
    let updates: SettingsUpdate[];
    try {
      updates = await this.updates();
    } catch (error) {
      return { state: 'unknown', source: this.name, why: (error as Error).message };
    }
    const waiting = updates.some((u) => u.status === 'scheduled' || u.status === 'in-progress');
    return waiting ? { state: 'pending', blocks: undefined, source: this.name } : { state: 'none', source: this.name };
  }

  async updates(): Promise<SettingsUpdate[]> {
    const iccid = this.iccid();
    if (!iccid) throw new Error(`${this.name}: the module has not reported its SIM's ICCID, by which the API is asked`);
    return (await this.client.updatesByIccid(iccid)).map(toSettingsUpdate);
  }
}

/** A bench with no way to know: the SIM vendor's console is the only place that says. */
export class UnknownUpdates implements UpdateSource {
  readonly name = 'nothing on this rig';

  async stage(): Promise<boolean> {
    return false;
  }

  async pending(): Promise<UpdateKnowledge> {
    return { state: 'unknown', source: this.name, why: 'the rig cannot see the OTA server and no update was declared (--update-pending or --no-update-pending)' };
  }

  async updates(): Promise<undefined> {
    return undefined;
  }
}

/** Parses `--update-pending blocks=N[,imsi=DIGITS]`. */
export function parseUpdateDeclaration(text: string): { blocks: number; newImsi?: string } {
  const fields = new Map(text.split(',').map((part) => part.split('=', 2) as [string, string | undefined]));
  const unknown = [...fields.keys()].filter((key) => key !== 'blocks' && key !== 'imsi');
  if (unknown.length > 0) throw new Error(`--update-pending: unknown field ${unknown.join(', ')}; expected blocks=N[,imsi=DIGITS]`);
  const blocks = Number(fields.get('blocks') ?? '1');
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > 100) throw new Error(`--update-pending: expected blocks=N with N from 1 to 100, got ${fields.get('blocks')}`);
  const imsi = fields.get('imsi');
  if (fields.has('imsi') && !/^\d{6,15}$/.test(imsi ?? '')) throw new Error(`--update-pending: expected imsi= an IMSI of 6 to 15 digits, got ${imsi ?? '(nothing)'}`);
  return { blocks, ...(imsi ? { newImsi: imsi } : {}) };
}

/** The package versions the SIM holds by what `source` shows; undefined where it shows no updates or cannot be asked. */
export async function packagesNow(source: UpdateSource): Promise<SettingsPackage[] | undefined> {
  const updates = await source.updates().catch(() => undefined);
  return updates && installedPackages(updates);
}
