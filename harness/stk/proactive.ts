// Proactive commands (TS 102 223 §6.6): `D0 len`, command details, then the command's data objects.
import {
  decodeLeadingCommandDetails,
  encodeCommandDetails,
  openChannelQualifier,
  sendDataQualifier,
  type CommandDetails,
  type CommandDetailsInput,
  type OpenChannelFlags,
} from './command-details.ts';
import {
  decodeFields,
  encodeFields,
  fieldOrder,
  type BearerInput,
  type EventInput,
  type OtherAddress,
  type StkFields,
  type StkFieldsInput,
} from './fields.ts';
import { asBytes, concatBytes, type BytesLike } from './hex.ts';
import { BearerType, channelDevice, CommandType, Device, PROACTIVE_COMMAND_TAG, TransportProtocol } from './names.ts';
import { decodeBerTlv, decodeComprehensionTlvs, encodeBerTlv } from './tlv.ts';

export interface ProactiveCommand extends CommandDetails, StkFields {
  kind: 'proactive';
}

export interface ProactiveInput extends CommandDetailsInput, StkFieldsInput {
  /** Set the comprehension-required bit on every tag, not only on command details and device identities. */
  allComprehensionRequired?: boolean;
}

// The order of TS 102 223 §6.6: REFRESH has its file list and AID before the alpha identifier,
// OPEN CHANNEL its alpha identifier before the bearer.
const PROACTIVE_ORDER = fieldOrder([
  'deviceIdentities',
  'fileList',
  'aid',
  'alphaId',
  'bearer',
  'bufferSize',
  'apn',
  'localAddress',
  'transport',
  'address',
  'channelData',
  'channelDataLength',
  'channelStatus',
  'eventList',
  'timer',
  'locationStatus',
  'locationInfo',
  'result',
]);

export function decodeProactive(input: BytesLike): ProactiveCommand {
  const bytes = asBytes(input);
  const outer = decodeBerTlv(bytes, 'a proactive command (D0)', (tag) => tag === PROACTIVE_COMMAND_TAG);
  const tlvs = decodeComprehensionTlvs(bytes, outer.valueOffset, outer.end);
  const { details, rest } = decodeLeadingCommandDetails(tlvs, outer.end, 'a proactive command');
  return { kind: 'proactive', ...details, ...decodeFields(rest) };
}

/** Device identities default to UICC → terminal. */
export function encodeProactive(input: ProactiveInput): Uint8Array {
  const fields = { ...input, source: input.source ?? Device.UICC, destination: input.destination ?? Device.TERMINAL };
  const body = [encodeCommandDetails(input), ...encodeFields(fields, PROACTIVE_ORDER, input.allComprehensionRequired ?? false)];
  return encodeBerTlv(PROACTIVE_COMMAND_TAG, concatBytes(body));
}

// ---- builders for the commands of an OTA session ----

/** The packet bearer a live applet asks for: precedence 2, delay 4, reliability 3, peak 5, mean best effort, IP. */
export const DEFAULT_OPEN_CHANNEL_BEARER: Readonly<BearerInput> = { type: BearerType.PACKET, params: '020403051F02' };
/** Immediate link establishment with automatic reconnection, as a live applet asks for. */
export const DEFAULT_OPEN_CHANNEL_FLAGS: Readonly<OpenChannelFlags> = {
  immediateLink: true,
  automaticReconnection: true,
  backgroundMode: false,
};

export interface OpenChannelOptions {
  number: number;
  apn: string;
  bufferSize: number;
  /** UICC in client mode, remote connection. */
  transport: { protocol: 'tcp' | 'udp'; port: number };
  /** Data destination address; text is an IPv4 or IPv6 address. */
  address?: OtherAddress | string;
  bearer?: BearerInput;
  alphaId?: string;
  flags?: Partial<OpenChannelFlags>;
}

export function openChannel(options: OpenChannelOptions): Uint8Array {
  const { transport } = options;
  return encodeProactive({
    number: options.number,
    type: CommandType.OPEN_CHANNEL,
    qualifier: openChannelQualifier({ ...DEFAULT_OPEN_CHANNEL_FLAGS, ...options.flags }),
    alphaId: options.alphaId,
    bearer: options.bearer ?? DEFAULT_OPEN_CHANNEL_BEARER,
    bufferSize: options.bufferSize,
    apn: options.apn,
    transport: {
      protocolCode: transport.protocol === 'tcp' ? TransportProtocol.TCP_CLIENT_REMOTE : TransportProtocol.UDP_CLIENT_REMOTE,
      port: transport.port,
    },
    address: typeof options.address === 'string' ? ipAddress(options.address) : options.address,
  });
}

function ipAddress(text: string): OtherAddress {
  return { type: text.includes(':') ? 'IPv6' : 'IPv4', value: text };
}

export function closeChannel({ number, channelId }: { number: number; channelId: number }): Uint8Array {
  return encodeProactive({ number, type: CommandType.CLOSE_CHANNEL, destination: channelDevice(channelId) });
}

export interface SendDataOptions {
  number: number;
  channelId: number;
  data: BytesLike;
  /** Send at once (default) rather than store in the terminal's Tx buffer. */
  immediate?: boolean;
}

export function sendData({ number, channelId, data, immediate = true }: SendDataOptions): Uint8Array {
  return encodeProactive({
    number,
    type: CommandType.SEND_DATA,
    qualifier: sendDataQualifier(immediate),
    destination: channelDevice(channelId),
    channelData: data,
  });
}

export function receiveData({ number, channelId, length }: { number: number; channelId: number; length: number }): Uint8Array {
  return encodeProactive({
    number,
    type: CommandType.RECEIVE_DATA,
    destination: channelDevice(channelId),
    channelDataLength: length,
  });
}

export function getChannelStatus({ number }: { number: number }): Uint8Array {
  return encodeProactive({ number, type: CommandType.GET_CHANNEL_STATUS });
}

export function setUpEventList({ number, events }: { number: number; events: readonly EventInput[] }): Uint8Array {
  return encodeProactive({ number, type: CommandType.SET_UP_EVENT_LIST, eventList: events });
}
