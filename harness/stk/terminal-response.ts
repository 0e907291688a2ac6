// Terminal responses (TS 102 223 §6.8): no outer tag; command details, device identities, result,
// then the data objects the command returns.
import {
  decodeLeadingCommandDetails,
  encodeCommandDetails,
  type CommandDetails,
  type CommandDetailsInput,
} from './command-details.ts';
import {
  decodeFields,
  encodeFields,
  fieldOrder,
  type Result,
  type ResultInput,
  type StkFields,
  type StkFieldsInput,
} from './fields.ts';
import { StkDecodeError } from './errors.ts';
import { asBytes, concatBytes, type BytesLike } from './hex.ts';
import { Device } from './names.ts';
import { decodeComprehensionTlvs } from './tlv.ts';

export interface TerminalResponse extends CommandDetails, StkFields {
  kind: 'terminal-response';
  result: Result;
}

export interface TerminalResponseInput extends CommandDetailsInput, StkFieldsInput {
  result: ResultInput;
  /** Set the comprehension-required bit on every tag, not only on command details, device identities and result. */
  allComprehensionRequired?: boolean;
}

// OPEN CHANNEL answers with channel status, bearer description, buffer size; RECEIVE DATA with
// channel data, channel data length.
const TERMINAL_RESPONSE_ORDER = fieldOrder([
  'deviceIdentities',
  'result',
  'channelStatus',
  'bearer',
  'bufferSize',
  'channelData',
  'channelDataLength',
  'timer',
  'locationInfo',
  'locationStatus',
  'eventList',
  'alphaId',
  'fileList',
  'aid',
  'apn',
  'localAddress',
  'transport',
  'address',
]);

export function decodeTerminalResponse(input: BytesLike): TerminalResponse {
  const bytes = asBytes(input);
  if (bytes.length === 0) throw new StkDecodeError(0, 'empty input, expected a terminal response');
  const tlvs = decodeComprehensionTlvs(bytes);
  const { details, rest } = decodeLeadingCommandDetails(tlvs, bytes.length, 'a terminal response');
  const fields = decodeFields(rest);
  const { result } = fields;
  if (result === undefined) throw new StkDecodeError(bytes.length, 'terminal response ends without a result (tag 03/83)');
  return { kind: 'terminal-response', ...details, ...fields, result };
}

/** Device identities default to terminal → UICC. */
export function encodeTerminalResponse(input: TerminalResponseInput): Uint8Array {
  const fields = { ...input, source: input.source ?? Device.TERMINAL, destination: input.destination ?? Device.UICC };
  const allCr = input.allComprehensionRequired ?? false;
  return concatBytes([encodeCommandDetails(input), ...encodeFields(fields, TERMINAL_RESPONSE_ORDER, allCr)]);
}
