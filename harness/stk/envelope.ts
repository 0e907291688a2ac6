// Envelopes (TS 102 223 §7): `D1..DF len` and data objects. Event download (D6) is the one the
// OTA applet listens for; the others decode generically into the same fields.
import {
  decodeFields,
  encodeFields,
  fieldOrder,
  type ChannelStatusInput,
  type EventInput,
  type LocationInfo,
  type LocationStatusInput,
  type StkFields,
  type StkFieldsInput,
} from './fields.ts';
import { asBytes, concatBytes, type BytesLike } from './hex.ts';
import { Device, EnvelopeTag, envelopeName, isEnvelopeTag } from './names.ts';
import { decodeBerTlv, decodeComprehensionTlvs, encodeBerTlv } from './tlv.ts';

export interface Envelope extends StkFields {
  kind: 'envelope';
  tag: number;
  tagName: string;
}

export interface EnvelopeInput extends StkFieldsInput {
  /** D1..DF, e.g. EnvelopeTag.EVENT_DOWNLOAD. */
  tag: number;
  /** Set the comprehension-required bit on every tag, not only on device identities and result. */
  allComprehensionRequired?: boolean;
}

// Event download puts the event list before the device identities (§7.5).
const ENVELOPE_ORDER = fieldOrder([
  'eventList',
  'deviceIdentities',
  'locationStatus',
  'locationInfo',
  'channelStatus',
  'bearer',
  'localAddress',
  'transport',
  'address',
  'channelData',
  'channelDataLength',
  'timer',
  'result',
  'alphaId',
  'fileList',
  'aid',
  'apn',
  'bufferSize',
]);

export function decodeEnvelope(input: BytesLike): Envelope {
  const bytes = asBytes(input);
  const outer = decodeBerTlv(bytes, 'an envelope (D1..DF)', isEnvelopeTag);
  const fields = decodeFields(decodeComprehensionTlvs(bytes, outer.valueOffset, outer.end));
  return { kind: 'envelope', tag: outer.tag, tagName: envelopeName(outer.tag), ...fields };
}

/** Device identities default to terminal → UICC. */
export function encodeEnvelope(input: EnvelopeInput): Uint8Array {
  if (!isEnvelopeTag(input.tag)) throw new RangeError(`envelope tags are D1..DF, not ${input.tag}`);
  const fields = { ...input, source: input.source ?? Device.TERMINAL, destination: input.destination ?? Device.UICC };
  const body = encodeFields(fields, ENVELOPE_ORDER, input.allComprehensionRequired ?? false);
  return encodeBerTlv(input.tag, concatBytes(body));
}

export interface EventDownloadOptions {
  events: readonly EventInput[];
  channelStatus?: ChannelStatusInput;
  channelDataLength?: number;
  locationStatus?: LocationStatusInput;
  locationInfo?: LocationInfo;
  source?: number;
  destination?: number;
  allComprehensionRequired?: boolean;
}

export function eventDownload({ events, ...rest }: EventDownloadOptions): Uint8Array {
  return encodeEnvelope({ tag: EnvelopeTag.EVENT_DOWNLOAD, eventList: events, ...rest });
}
