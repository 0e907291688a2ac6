// The SIM vendor's OTA server, as the applet sees it through its BIP channel.
// Requests and responses are small JSON documents; an update is delivered in blocks, one block per
// session. Status follows the shape of a SettingsUpdates look-up: scheduled → in-progress → successful.
import type { SettingsPackage } from '../record/index.ts';
import type { Clock } from '../time/clock.ts';

export type SettingsUpdateStatus = 'scheduled' | 'in-progress' | 'successful' | 'failed';

export interface SettingsUpdate {
  sid: string;
  iccid: string;
  status: SettingsUpdateStatus;
  packages: SettingsPackage[];
  blocks: number;
  deliveredBlocks: number;
  /** IMSI the SIM switches to once the update is installed (multi-IMSI switch). */
  newImsi?: string;
  createdAt: number;
  updatedAt: number;
}

export interface UpdateRequest {
  iccid: string;
  block: number;
}

export interface UpdateResponse {
  sid: string | null;
  block?: number;
  blocks?: number;
  packages?: SettingsPackage[];
  newImsi?: string;
  /** Opaque block content: what a real server would send as secured data. */
  payload?: string;
}

/** Size of a block's opaque payload: large enough that the applet needs several RECEIVE DATA. */
const BLOCK_PAYLOAD_BYTES = 160;

export class OtaServer {
  private readonly updates: SettingsUpdate[] = [];
  /** Every request a BIP session brought, in order: what the server saw of the device. */
  readonly requests: UpdateRequest[] = [];

  constructor(private readonly clock: Clock) {}

  stage(iccid: string, update: { packages: SettingsPackage[]; blocks?: number; newImsi?: string }): SettingsUpdate {
    const blocks = update.blocks ?? 1;
    if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError(`an update needs at least one block, got ${blocks}`);
    const now = this.clock.now();
    const staged: SettingsUpdate = {
      sid: `OB${String(this.updates.length + 1).padStart(32, '0')}`,
      iccid,
      status: 'scheduled',
      packages: update.packages,
      blocks,
      deliveredBlocks: 0,
      ...(update.newImsi ? { newImsi: update.newImsi } : {}),
      createdAt: now,
      updatedAt: now,
    };
    this.updates.push(staged);
    return staged;
  }

  /** Forgets every update staged and every request seen, as a server that has just started. */
  clear(): void {
    this.updates.length = 0;
    this.requests.length = 0;
  }

  /** The vendor API's SettingsUpdates look-up, newest first. */
  lookup(iccid?: string): SettingsUpdate[] {
    return this.updates.filter((u) => !iccid || u.iccid === iccid).map((u) => ({ ...u })).reverse();
  }

  handle(requestBytes: Uint8Array): Uint8Array {
    const request = JSON.parse(Buffer.from(requestBytes).toString('utf8')) as UpdateRequest;
    this.requests.push(request);
    const pending = this.updates.find((u) => u.iccid === request.iccid && (u.status === 'scheduled' || u.status === 'in-progress'));
    const response: UpdateResponse = pending ? this.deliver(pending, request.block) : { sid: null };
    return Buffer.from(JSON.stringify(response), 'utf8');
  }

  private deliver(update: SettingsUpdate, requestedBlock: number): UpdateResponse {
    // A device that lost a session starts over from the first block it has not acknowledged.
    const block = Math.min(Math.max(1, requestedBlock), update.blocks);
    update.deliveredBlocks = Math.max(update.deliveredBlocks, block);
    update.status = update.deliveredBlocks === update.blocks ? 'successful' : 'in-progress';
    update.updatedAt = this.clock.now();
    return {
      sid: update.sid,
      block,
      blocks: update.blocks,
      payload: Buffer.alloc(BLOCK_PAYLOAD_BYTES, block).toString('hex'),
      ...(block === update.blocks ? { packages: update.packages, ...(update.newImsi ? { newImsi: update.newImsi } : {}) } : {}),
    };
  }
}
