// The data objects of proactive commands, terminal responses and envelopes, each mapped to a field
// of the decoded message. All three message kinds decode and encode their TLVs through this table.
import { byte, expectLength, integer, uint16 } from './checks.ts';
import { StkDecodeError } from './errors.ts';
import { asBytes, bytesToHex, type BytesLike } from './hex.ts';
import {
  AddressType,
  bearerName,
  channelStatusInfoName,
  deviceName,
  eventCode,
  eventName,
  locationStatusName,
  resultAdditionalName,
  resultName,
  Tag,
  transportName,
  type EventName,
} from './names.ts';
import { encodeAlphaId, decodeAlphaId } from './text.ts';
import { encodeComprehensionTlv, type Tlv } from './tlv.ts';
import {
  decodeApn,
  decodePlmn,
  decodeTimerValue,
  encodeApn,
  encodePlmn,
  encodeTimerValue,
  formatIpv4,
  formatIpv6,
  parseIpv4,
  parseIpv6,
  type Plmn,
} from './values.ts';

/** A data object this codec does not map to a field, kept as it came. */
export interface RawTlv {
  tag: number;
  cr: boolean;
  value: string;
}
export interface RawTlvInput {
  tag: number;
  cr?: boolean;
  value: BytesLike;
}

export interface BearerInput {
  type: number;
  params?: BytesLike;
}
export interface Bearer {
  type: number;
  typeName: string;
  params: string;
}

export interface TransportInput {
  protocolCode: number;
  port?: number;
}
export interface Transport {
  protocol: string;
  protocolCode: number;
  port?: number;
}

/** Other address (§8.58). An empty one asks the terminal to allocate an address dynamically. */
export type OtherAddress =
  | { type: 'IPv4' | 'IPv6'; value: string }
  | { type: 'dynamic' }
  | { type: 'unknown'; typeCode: number; value: string };

export interface ChannelStatusInput {
  channelId: number;
  linkUp: boolean;
  /** Second byte, default 00 (ok). */
  info?: number;
}
export interface ChannelStatus {
  channelId: number;
  linkUp: boolean;
  info: number;
  infoName: string;
}

export type EventInput = number | EventName | { code: number };
export interface EventEntry {
  code: number;
  name: string;
}

export interface StkTimer {
  /** Timer identifier 1..8. */
  id: number;
  /** Seconds. */
  value?: number;
}

export type LocationStatusInput = number | { code: number };
export interface LocationStatus {
  code: number;
  name: string;
}

/**
 * Location information (§8.19, TS 31.111 §8.19): PLMN, then LAC or TAC, then the cell identity
 * (2 bytes GERAN, 4 bytes UTRAN with extended cell id or E-UTRAN, 5 bytes NG-RAN with a 3-byte TAC).
 */
export interface LocationInfo extends Plmn {
  areaCode: string;
  cellId: string;
}

export interface ResultInput {
  general: number;
  additional?: BytesLike;
}
export interface Result {
  general: number;
  name: string;
  additional?: string;
  /** Name of the first additional byte, for results 20 (terminal unable) and 3A (BIP error). */
  additionalName?: string;
}

/** Fields the encoders accept. Every decoded message is also valid input. */
export interface StkFieldsInput {
  source?: number;
  destination?: number;
  result?: ResultInput;
  alphaId?: string;
  /** Full paths from the MF, e.g. `3F007FFF6F07`. */
  fileList?: readonly string[];
  aid?: BytesLike;
  bearer?: BearerInput;
  bufferSize?: number;
  apn?: string;
  /** Local address of OPEN CHANNEL: an other address before the transport level. */
  localAddress?: OtherAddress;
  transport?: TransportInput;
  /** Data destination address of OPEN CHANNEL: an other address after the transport level. */
  address?: OtherAddress;
  channelData?: BytesLike;
  channelDataLength?: number;
  channelStatus?: ChannelStatusInput;
  /** Channel status objects after the first (GET CHANNEL STATUS with several channels). */
  additionalChannelStatus?: readonly ChannelStatusInput[];
  eventList?: readonly EventInput[];
  timer?: StkTimer;
  locationStatus?: LocationStatusInput;
  locationInfo?: LocationInfo;
  unknown?: readonly RawTlvInput[];
}

/** Decoded fields; absent data objects leave their field out. Bytes are upper-case hex. */
export interface StkFields {
  source?: number;
  sourceName?: string;
  destination?: number;
  destinationName?: string;
  result?: Result;
  alphaId?: string;
  fileList?: string[];
  aid?: string;
  bearer?: Bearer;
  bufferSize?: number;
  apn?: string;
  localAddress?: OtherAddress;
  transport?: Transport;
  address?: OtherAddress;
  channelData?: string;
  channelDataLength?: number;
  channelStatus?: ChannelStatus;
  additionalChannelStatus?: ChannelStatus[];
  eventList?: EventEntry[];
  timer?: StkTimer;
  locationStatus?: LocationStatus;
  locationInfo?: LocationInfo;
  /** Unknown tags, and repeats of a data object that maps to a single field. */
  unknown?: RawTlv[];
}

// ---- value codecs ----

function decodeOtherAddress(tlv: Tlv): OtherAddress {
  if (tlv.value.length === 0) return { type: 'dynamic' };
  const typeCode = tlv.value[0]!;
  const address = tlv.value.subarray(1);
  const expectSize = (size: number, name: string) => {
    if (address.length !== size) {
      throw new StkDecodeError(tlv.offset, `an ${name} address needs ${size} bytes, got ${address.length}`);
    }
  };
  if (typeCode === AddressType.IPV4) {
    expectSize(4, 'IPv4');
    return { type: 'IPv4', value: formatIpv4(address) };
  }
  if (typeCode === AddressType.IPV6) {
    expectSize(16, 'IPv6');
    return { type: 'IPv6', value: formatIpv6(address) };
  }
  return { type: 'unknown', typeCode, value: bytesToHex(address) };
}

function encodeOtherAddress(address: OtherAddress): number[] {
  switch (address.type) {
    case 'dynamic':
      return [];
    case 'IPv4':
      return [AddressType.IPV4, ...parseIpv4(address.value)];
    case 'IPv6':
      return [AddressType.IPV6, ...parseIpv6(address.value)];
    case 'unknown':
      return [byte(address.typeCode, 'address type'), ...asBytes(address.value)];
  }
}

function decodeChannelStatus(tlv: Tlv): ChannelStatus {
  expectLength(tlv, 'channel status', 2);
  const [state, info] = tlv.value;
  return { channelId: state & 0x07, linkUp: (state & 0x80) !== 0, info, infoName: channelStatusInfoName(info) };
}

function encodeChannelStatus({ channelId, linkUp, info = 0 }: ChannelStatusInput): number[] {
  return [integer(channelId, 'channel identifier', 7) | (linkUp ? 0x80 : 0), byte(info, 'channel status info')];
}

function eventInputCode(event: EventInput): number {
  if (typeof event === 'number') return byte(event, 'event');
  if (typeof event === 'string') {
    const code = eventCode(event);
    if (code === undefined) throw new RangeError(`unknown event ${JSON.stringify(event)}`);
    return code;
  }
  return byte(event.code, 'event');
}

const FILE_PATH_START = '3F00';

/** File list (§8.18): a count, then full paths, each starting at the MF (3F00). */
function decodeFileList(tlv: Tlv): string[] {
  if (tlv.value.length === 0) throw new StkDecodeError(tlv.offset, 'file list needs a number-of-files byte');
  const ids = tlv.value.subarray(1);
  if (ids.length % 2 !== 0) throw new StkDecodeError(tlv.offset, 'file list paths have an odd number of bytes');
  const paths: string[] = [];
  for (let i = 0; i < ids.length; i += 2) {
    const id = bytesToHex(ids.subarray(i, i + 2));
    if (id === FILE_PATH_START) paths.push(id);
    else if (paths.length === 0) {
      throw new StkDecodeError(tlv.valueOffset + 1, `file list path starts with ${id} instead of ${FILE_PATH_START}`);
    } else paths[paths.length - 1] += id;
  }
  if (paths.length !== tlv.value[0]) {
    throw new StkDecodeError(tlv.valueOffset, `file list announces ${tlv.value[0]} file(s) but holds ${paths.length}`);
  }
  return paths;
}

function encodeFileList(paths: readonly string[]): number[] {
  const bytes = paths.map((path) => {
    const b = asBytes(path);
    const ids = bytesToHex(b).match(/.{4}/g) ?? [];
    if (b.length % 2 !== 0 || ids[0] !== FILE_PATH_START || ids.slice(1).includes(FILE_PATH_START)) {
      throw new RangeError(`file path ${JSON.stringify(path)} is not 2-byte file ids starting at ${FILE_PATH_START}`);
    }
    return [...b];
  });
  return [byte(paths.length, 'number of files'), ...bytes.flat()];
}

function decodeLocationInfo(tlv: Tlv): LocationInfo {
  expectLength(tlv, 'location information', 7, 9, 11);
  const areaCodeLength = tlv.value.length === 11 ? 3 : 2;
  return {
    ...decodePlmn(tlv.value, tlv.valueOffset),
    areaCode: bytesToHex(tlv.value.subarray(3, 3 + areaCodeLength)),
    cellId: bytesToHex(tlv.value.subarray(3 + areaCodeLength)),
  };
}

function encodeLocationInfo(info: LocationInfo): number[] {
  const areaCode = asBytes(info.areaCode);
  const value = [...encodePlmn(info), ...areaCode, ...asBytes(info.cellId)];
  if (![7, 9, 11].includes(value.length) || (areaCode.length === 3) !== (value.length === 11)) {
    throw new RangeError(
      'location information is MCC/MNC + 2-byte area code + 2 or 4-byte cell id, or + 3-byte TAC + 5-byte NR cell id',
    );
  }
  return value;
}

function decodeResult(tlv: Tlv): Result {
  if (tlv.value.length === 0) throw new StkDecodeError(tlv.offset, 'result needs a general result byte');
  const general = tlv.value[0]!;
  const result: Result = { general, name: resultName(general) };
  if (tlv.value.length > 1) {
    result.additional = bytesToHex(tlv.value.subarray(1));
    const additionalName = resultAdditionalName(general, tlv.value[1]!);
    if (additionalName !== undefined) result.additionalName = additionalName;
  }
  return result;
}

// ---- the field table ----

interface FieldCodec {
  readonly tags: readonly number[];
  /** Set for device identities and result, which (like command details) always carry the CR bit. */
  readonly alwaysComprehensionRequired?: boolean;
  /** Adds the field decoded from `tlv` to `out`; false leaves the TLV for `unknown`. */
  decode(tlv: Tlv, out: StkFields): boolean;
  encode(input: StkFieldsInput, cr: boolean): Uint8Array[];
}

type SharedKey = keyof StkFields & keyof StkFieldsInput;

/** A field carried by one data object that may appear once; a repeat goes to `unknown`. */
function single<K extends SharedKey>(
  key: K,
  tag: number,
  decodeValue: (tlv: Tlv) => NonNullable<StkFields[K]>,
  encodeValue: (input: NonNullable<StkFieldsInput[K]>) => Uint8Array | readonly number[],
): FieldCodec {
  return {
    tags: [tag],
    decode(tlv, out) {
      if (out[key] !== undefined) return false;
      out[key] = decodeValue(tlv);
      return true;
    },
    encode(input, cr) {
      const value = input[key];
      return value === undefined ? [] : [encodeComprehensionTlv(tag, cr, encodeValue(value))];
    },
  };
}

/**
 * OPEN CHANNEL carries up to two other addresses: the local address before the transport level
 * and the data destination address after it (§6.6.27).
 */
function otherAddress(key: 'localAddress' | 'address'): FieldCodec {
  const afterTransport = key === 'address';
  return {
    tags: [Tag.OTHER_ADDRESS],
    decode(tlv, out) {
      if (out[key] !== undefined || (out.transport !== undefined) !== afterTransport) return false;
      out[key] = decodeOtherAddress(tlv);
      return true;
    },
    encode(input, cr) {
      const address = input[key];
      if (address === undefined) return [];
      if (afterTransport && input.transport === undefined) {
        throw new RangeError('a data destination address needs a transport level to follow');
      }
      return [encodeComprehensionTlv(Tag.OTHER_ADDRESS, cr, encodeOtherAddress(address))];
    },
  };
}

const FIELDS = {
  deviceIdentities: {
    tags: [Tag.DEVICE_IDENTITIES],
    alwaysComprehensionRequired: true,
    decode(tlv, out) {
      if (out.source !== undefined) return false;
      expectLength(tlv, 'device identities', 2);
      const [source, destination] = tlv.value;
      Object.assign(out, {
        source,
        sourceName: deviceName(source),
        destination,
        destinationName: deviceName(destination),
      });
      return true;
    },
    encode({ source, destination }, cr) {
      if (source === undefined || destination === undefined) return [];
      const value = [byte(source, 'source device'), byte(destination, 'destination device')];
      return [encodeComprehensionTlv(Tag.DEVICE_IDENTITIES, cr, value)];
    },
  },
  result: {
    ...single('result', Tag.RESULT, decodeResult, ({ general, additional = '' }) => [
      byte(general, 'general result'),
      ...asBytes(additional),
    ]),
    alwaysComprehensionRequired: true,
  },
  alphaId: single('alphaId', Tag.ALPHA_IDENTIFIER, (tlv) => decodeAlphaId(tlv.value, tlv.valueOffset), encodeAlphaId),
  fileList: single('fileList', Tag.FILE_LIST, decodeFileList, encodeFileList),
  aid: single('aid', Tag.AID, (tlv) => bytesToHex(tlv.value), asBytes),
  bearer: single(
    'bearer',
    Tag.BEARER_DESCRIPTION,
    (tlv) => {
      if (tlv.value.length === 0) throw new StkDecodeError(tlv.offset, 'bearer description needs a bearer type byte');
      const type = tlv.value[0]!;
      return { type, typeName: bearerName(type), params: bytesToHex(tlv.value.subarray(1)) };
    },
    ({ type, params = '' }) => [byte(type, 'bearer type'), ...asBytes(params)],
  ),
  bufferSize: single(
    'bufferSize',
    Tag.BUFFER_SIZE,
    (tlv) => {
      expectLength(tlv, 'buffer size', 2);
      return uint16(tlv.value);
    },
    (size) => [integer(size, 'buffer size', 0xffff) >> 8, size & 0xff],
  ),
  apn: single('apn', Tag.NETWORK_ACCESS_NAME, (tlv) => decodeApn(tlv.value, tlv.valueOffset), encodeApn),
  localAddress: otherAddress('localAddress'),
  transport: single(
    'transport',
    Tag.TRANSPORT_LEVEL,
    (tlv) => {
      expectLength(tlv, 'transport level', 1, 3);
      const protocolCode = tlv.value[0]!;
      const transport: Transport = { protocol: transportName(protocolCode), protocolCode };
      if (tlv.value.length === 3) transport.port = uint16(tlv.value.subarray(1));
      return transport;
    },
    ({ protocolCode, port }) => [
      byte(protocolCode, 'transport protocol'),
      ...(port === undefined ? [] : [integer(port, 'port', 0xffff) >> 8, port & 0xff]),
    ],
  ),
  address: otherAddress('address'),
  channelData: single('channelData', Tag.CHANNEL_DATA, (tlv) => bytesToHex(tlv.value), asBytes),
  channelDataLength: single(
    'channelDataLength',
    Tag.CHANNEL_DATA_LENGTH,
    (tlv) => {
      expectLength(tlv, 'channel data length', 1);
      return tlv.value[0]!;
    },
    (length) => [byte(length, 'channel data length')],
  ),
  channelStatus: {
    tags: [Tag.CHANNEL_STATUS],
    decode(tlv, out) {
      const status = decodeChannelStatus(tlv);
      if (out.channelStatus === undefined) out.channelStatus = status;
      else (out.additionalChannelStatus ??= []).push(status);
      return true;
    },
    encode({ channelStatus, additionalChannelStatus = [] }, cr) {
      if (channelStatus === undefined) {
        if (additionalChannelStatus.length > 0) throw new RangeError('additionalChannelStatus needs channelStatus');
        return [];
      }
      return [channelStatus, ...additionalChannelStatus].map((status) =>
        encodeComprehensionTlv(Tag.CHANNEL_STATUS, cr, encodeChannelStatus(status)),
      );
    },
  },
  eventList: single(
    'eventList',
    Tag.EVENT_LIST,
    (tlv) => [...tlv.value].map((code) => ({ code, name: eventName(code) })),
    (events) => events.map(eventInputCode),
  ),
  timer: {
    tags: [Tag.TIMER_IDENTIFIER, Tag.TIMER_VALUE],
    decode(tlv, out) {
      if (tlv.tag === Tag.TIMER_IDENTIFIER) {
        if (out.timer !== undefined) return false;
        expectLength(tlv, 'timer identifier', 1);
        out.timer = { id: tlv.value[0]! };
        return true;
      }
      // a timer value belongs to the timer identifier before it
      if (out.timer === undefined || out.timer.value !== undefined) return false;
      expectLength(tlv, 'timer value', 3);
      out.timer.value = decodeTimerValue(tlv.value, tlv.valueOffset);
      return true;
    },
    encode({ timer }, cr) {
      if (timer === undefined) return [];
      const id = encodeComprehensionTlv(Tag.TIMER_IDENTIFIER, cr, [byte(timer.id, 'timer identifier')]);
      if (timer.value === undefined) return [id];
      return [id, encodeComprehensionTlv(Tag.TIMER_VALUE, cr, encodeTimerValue(timer.value))];
    },
  },
  locationStatus: single(
    'locationStatus',
    Tag.LOCATION_STATUS,
    (tlv) => {
      expectLength(tlv, 'location status', 1);
      const code = tlv.value[0]!;
      return { code, name: locationStatusName(code) };
    },
    (status) => [byte(typeof status === 'number' ? status : status.code, 'location status')],
  ),
  locationInfo: single('locationInfo', Tag.LOCATION_INFORMATION, decodeLocationInfo, encodeLocationInfo),
} satisfies Record<string, FieldCodec>;

export type FieldName = keyof typeof FIELDS;

const FIELDS_BY_TAG = new Map<number, FieldCodec[]>();
for (const codec of Object.values(FIELDS) as FieldCodec[]) {
  for (const tag of codec.tags) FIELDS_BY_TAG.set(tag, [...(FIELDS_BY_TAG.get(tag) ?? []), codec]);
}

/**
 * The order a message kind emits its fields in. Every field must be listed, so that no input is
 * silently dropped; the type reports any field left out.
 */
export function fieldOrder<const T extends readonly FieldName[]>(
  order: T & ([Exclude<FieldName, T[number]>] extends [never] ? unknown : { missing: Exclude<FieldName, T[number]> }),
): readonly FieldName[] {
  return order;
}

export function decodeFields(tlvs: readonly Tlv[]): StkFields {
  const out: StkFields = {};
  const unknown: RawTlv[] = [];
  for (const tlv of tlvs) {
    const claimed = (FIELDS_BY_TAG.get(tlv.tag) ?? []).some((codec) => codec.decode(tlv, out));
    if (!claimed) unknown.push({ tag: tlv.tag, cr: tlv.cr, value: bytesToHex(tlv.value) });
  }
  if (unknown.length > 0) out.unknown = unknown;
  return out;
}

/**
 * Encodes `input` in `order`, then the raw `unknown` TLVs. Command details, device identities and
 * result carry the comprehension-required bit; `allComprehensionRequired` sets it on every tag.
 */
export function encodeFields(
  input: StkFieldsInput,
  order: readonly FieldName[],
  allComprehensionRequired: boolean,
): Uint8Array[] {
  const parts = order.flatMap((name) => {
    const codec: FieldCodec = FIELDS[name];
    return codec.encode(input, allComprehensionRequired || codec.alwaysComprehensionRequired === true);
  });
  for (const raw of input.unknown ?? []) {
    parts.push(encodeComprehensionTlv(raw.tag, raw.cr ?? false, asBytes(raw.value)));
  }
  return parts;
}
