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
import { CommandType, Device, ResultCode } from './names.ts';
import type { ProactiveCommand } from './proactive.ts';
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

/**
 * The terminal response a host sends to accept `command` (TS 102 223 §6.8): its command details,
 * device identities terminal → UICC, result 00, and the data objects a successful response to the
 * command must carry: for OPEN CHANNEL channel status (channel 1, link established), bearer
 * description and buffer size (§6.8.9, the command's own); for SEND DATA channel data length (more
 * than 255 bytes free); for RECEIVE DATA channel data (none yet) and channel data length.
 */
export function acceptingTerminalResponse(command: ProactiveCommand): Uint8Array {
  const details = { number: command.number, type: command.type, qualifier: command.qualifier, result: { general: ResultCode.SUCCESS } };
  switch (command.type) {
    case CommandType.OPEN_CHANNEL:
      return encodeTerminalResponse({
        ...details,
        channelStatus: { channelId: 1, linkUp: true },
        ...(command.bearer ? { bearer: command.bearer } : {}),
        ...(command.bufferSize !== undefined ? { bufferSize: command.bufferSize } : {}),
      });
    case CommandType.SEND_DATA:
      return encodeTerminalResponse({ ...details, channelDataLength: 0xff });
    case CommandType.RECEIVE_DATA:
      return encodeTerminalResponse({ ...details, channelData: new Uint8Array(0), channelDataLength: 0 });
    default:
      return encodeTerminalResponse(details);
  }
}
