// Byte values of ETSI TS 102 223 (and TS 31.111 where it extends them), each with its name.
// Each table is a code table (code-table.ts): constants and name look-ups come from one list.
import { codeTable } from './code-table.ts';

/** Type of command, the second byte of command details (§9.4). */
const commandTypes = codeTable({
  REFRESH: [0x01, 'REFRESH'],
  MORE_TIME: [0x02, 'MORE TIME'],
  POLL_INTERVAL: [0x03, 'POLL INTERVAL'],
  POLLING_OFF: [0x04, 'POLLING OFF'],
  SET_UP_EVENT_LIST: [0x05, 'SET UP EVENT LIST'],
  SET_UP_CALL: [0x10, 'SET UP CALL'],
  SEND_SS: [0x11, 'SEND SS'],
  SEND_USSD: [0x12, 'SEND USSD'],
  SEND_SHORT_MESSAGE: [0x13, 'SEND SHORT MESSAGE'],
  SEND_DTMF: [0x14, 'SEND DTMF'],
  LAUNCH_BROWSER: [0x15, 'LAUNCH BROWSER'],
  PLAY_TONE: [0x20, 'PLAY TONE'],
  DISPLAY_TEXT: [0x21, 'DISPLAY TEXT'],
  GET_INKEY: [0x22, 'GET INKEY'],
  GET_INPUT: [0x23, 'GET INPUT'],
  SELECT_ITEM: [0x24, 'SELECT ITEM'],
  SET_UP_MENU: [0x25, 'SET UP MENU'],
  PROVIDE_LOCAL_INFORMATION: [0x26, 'PROVIDE LOCAL INFORMATION'],
  TIMER_MANAGEMENT: [0x27, 'TIMER MANAGEMENT'],
  SET_UP_IDLE_MODE_TEXT: [0x28, 'SET UP IDLE MODE TEXT'],
  RUN_AT_COMMAND: [0x34, 'RUN AT COMMAND'],
  LANGUAGE_NOTIFICATION: [0x35, 'LANGUAGE NOTIFICATION'],
  OPEN_CHANNEL: [0x40, 'OPEN CHANNEL'],
  CLOSE_CHANNEL: [0x41, 'CLOSE CHANNEL'],
  RECEIVE_DATA: [0x42, 'RECEIVE DATA'],
  SEND_DATA: [0x43, 'SEND DATA'],
  GET_CHANNEL_STATUS: [0x44, 'GET CHANNEL STATUS'],
});
export const CommandType = commandTypes.codes;
export const commandTypeName = commandTypes.nameOf;

/** Device identities (§8.7). Channels 1..7 are 21..27; see channelDevice(). */
const devices = codeTable({
  KEYPAD: [0x01, 'keypad'],
  DISPLAY: [0x02, 'display'],
  EARPIECE: [0x03, 'earpiece'],
  CARD_READER_0: [0x10, 'card reader 0'],
  CARD_READER_1: [0x11, 'card reader 1'],
  CARD_READER_2: [0x12, 'card reader 2'],
  CARD_READER_3: [0x13, 'card reader 3'],
  CARD_READER_4: [0x14, 'card reader 4'],
  CARD_READER_5: [0x15, 'card reader 5'],
  CARD_READER_6: [0x16, 'card reader 6'],
  CARD_READER_7: [0x17, 'card reader 7'],
  CHANNEL_1: [0x21, 'channel 1'],
  CHANNEL_2: [0x22, 'channel 2'],
  CHANNEL_3: [0x23, 'channel 3'],
  CHANNEL_4: [0x24, 'channel 4'],
  CHANNEL_5: [0x25, 'channel 5'],
  CHANNEL_6: [0x26, 'channel 6'],
  CHANNEL_7: [0x27, 'channel 7'],
  UICC: [0x81, 'UICC'],
  TERMINAL: [0x82, 'terminal'],
  NETWORK: [0x83, 'network'],
});
export const Device = devices.codes;
export const deviceName = devices.nameOf;

const CHANNEL_DEVICE_BASE = 0x20;

/** The device identity of BIP channel `channelId` (1..7). */
export function channelDevice(channelId: number): number {
  if (!Number.isInteger(channelId) || channelId < 1 || channelId > 7) {
    throw new RangeError(`channel identifiers are 1..7, not ${channelId}`);
  }
  return CHANNEL_DEVICE_BASE + channelId;
}

/** The channel identifier (1..7) a device identity stands for, or undefined for other devices. */
export function channelOfDevice(device: number): number | undefined {
  const channelId = device - CHANNEL_DEVICE_BASE;
  return channelId >= 1 && channelId <= 7 ? channelId : undefined;
}

/** Events of SET UP EVENT LIST and of the EVENT DOWNLOAD envelope (§8.25, TS 31.111 §8.25). */
const events = codeTable({
  MT_CALL: [0x00, 'MT call'],
  CALL_CONNECTED: [0x01, 'call connected'],
  CALL_DISCONNECTED: [0x02, 'call disconnected'],
  LOCATION_STATUS: [0x03, 'location status'],
  USER_ACTIVITY: [0x04, 'user activity'],
  IDLE_SCREEN_AVAILABLE: [0x05, 'idle screen available'],
  CARD_READER_STATUS: [0x06, 'card reader status'],
  LANGUAGE_SELECTION: [0x07, 'language selection'],
  BROWSER_TERMINATION: [0x08, 'browser termination'],
  DATA_AVAILABLE: [0x09, 'data available'],
  CHANNEL_STATUS: [0x0a, 'channel status'],
  ACCESS_TECHNOLOGY_CHANGE: [0x0b, 'access technology change'],
  DISPLAY_PARAMETERS_CHANGED: [0x0c, 'display parameters changed'],
  LOCAL_CONNECTION: [0x0d, 'local connection'],
  NETWORK_SEARCH_MODE_CHANGE: [0x0e, 'network search mode change'],
  BROWSING_STATUS: [0x0f, 'browsing status'],
  FRAMES_INFORMATION_CHANGE: [0x10, 'frames information change'],
  I_WLAN_ACCESS_STATUS: [0x11, 'I-WLAN access status'],
  NETWORK_REJECTION: [0x12, 'network rejection'],
  HCI_CONNECTIVITY: [0x13, 'HCI connectivity'],
  ACCESS_TECHNOLOGY_CHANGE_MULTIPLE: [0x14, 'access technology change (multiple)'],
  CSG_CELL_SELECTION: [0x15, 'CSG cell selection'],
  CONTACTLESS_STATE_REQUEST: [0x16, 'contactless state request'],
  IMS_REGISTRATION: [0x17, 'IMS registration'],
  INCOMING_IMS_DATA: [0x18, 'incoming IMS data'],
  PROFILE_CONTAINER: [0x19, 'profile container'],
  SECURED_PROFILE_CONTAINER: [0x1b, 'secured profile container'],
  POLL_INTERVAL_NEGOTIATION: [0x1c, 'poll interval negotiation'],
  DATA_CONNECTION_STATUS_CHANGE: [0x1d, 'data connection status change'],
});
export const Event = events.codes;
export const eventName = events.nameOf;
export const eventCode = events.codeOf;
export type EventName = Parameters<typeof events.codeOf>[0];

/** General result of a terminal response (§8.12). */
const results = codeTable({
  SUCCESS: [0x00, 'performed successfully'],
  PARTIAL_COMPREHENSION: [0x01, 'performed with partial comprehension'],
  MISSING_INFORMATION: [0x02, 'performed with missing information'],
  REFRESH_ADDITIONAL_EFS_READ: [0x03, 'REFRESH performed with additional EFs read'],
  ICON_NOT_DISPLAYED: [0x04, 'performed successfully, but requested icon could not be displayed'],
  MODIFIED_BY_CALL_CONTROL: [0x05, 'performed, but modified by call control by NAA'],
  LIMITED_SERVICE: [0x06, 'performed successfully, limited service'],
  PERFORMED_WITH_MODIFICATION: [0x07, 'performed with modification'],
  REFRESH_NAA_NOT_ACTIVE: [0x08, 'REFRESH performed but indicated NAA was not active'],
  TONE_NOT_PLAYED: [0x09, 'performed successfully, tone not played'],
  TERMINATED_BY_USER: [0x10, 'proactive UICC session terminated by the user'],
  BACKWARD_MOVE: [0x11, 'backward move in the proactive UICC session requested by the user'],
  NO_RESPONSE_FROM_USER: [0x12, 'no response from user'],
  HELP_REQUIRED: [0x13, 'help information required by the user'],
  TERMINAL_UNABLE: [0x20, 'terminal currently unable to process command'],
  NETWORK_UNABLE: [0x21, 'network currently unable to process command'],
  USER_DID_NOT_ACCEPT: [0x22, 'user did not accept the proactive command'],
  USER_CLEARED_DOWN_CALL: [0x23, 'user cleared down call before connection or network release'],
  TIMER_STATE_CONTRADICTION: [0x24, 'action in contradiction with the current timer state'],
  CALL_CONTROL_TEMPORARY_PROBLEM: [0x25, 'interaction with call control by NAA, temporary problem'],
  LAUNCH_BROWSER_ERROR: [0x26, 'launch browser generic error'],
  MMS_TEMPORARY_PROBLEM: [0x27, 'MMS temporary problem'],
  BEYOND_TERMINAL_CAPABILITY: [0x30, 'command beyond terminal capabilities'],
  TYPE_NOT_UNDERSTOOD: [0x31, 'command type not understood by terminal'],
  DATA_NOT_UNDERSTOOD: [0x32, 'command data not understood by terminal'],
  NUMBER_NOT_KNOWN: [0x33, 'command number not known by terminal'],
  REQUIRED_VALUES_MISSING: [0x36, 'error, required values are missing'],
  MULTIPLE_CARD_ERROR: [0x38, 'MultipleCard commands error'],
  CALL_CONTROL_PERMANENT_PROBLEM: [0x39, 'interaction with call control by NAA, permanent problem'],
  BIP_ERROR: [0x3a, 'bearer independent protocol error'],
  ACCESS_TECHNOLOGY_UNABLE: [0x3b, 'access technology unable to process command'],
  FRAMES_ERROR: [0x3c, 'frames error'],
  MMS_ERROR: [0x3d, 'MMS error'],
});
export const ResultCode = results.codes;
export const resultName = results.nameOf;

/** Additional information for result 20, terminal currently unable to process command (§8.12.2). */
const terminalUnableCauses = codeTable({
  NO_SPECIFIC_CAUSE: [0x00, 'no specific cause can be given'],
  SCREEN_BUSY: [0x01, 'screen is busy'],
  BUSY_ON_CALL: [0x02, 'terminal currently busy on call'],
  BUSY_ON_SS: [0x03, 'ME currently busy on SS transaction'],
  NO_SERVICE: [0x04, 'no service'],
  ACCESS_CONTROL_CLASS_BAR: [0x05, 'access control class bar'],
  RADIO_RESOURCE_NOT_GRANTED: [0x06, 'radio resource not granted'],
  NOT_IN_SPEECH_CALL: [0x07, 'not in speech call'],
  BUSY_ON_USSD: [0x08, 'ME currently busy on USSD transaction'],
  BUSY_ON_SEND_DTMF: [0x09, 'terminal currently busy on SEND DTMF command'],
  NO_NAA_ACTIVE: [0x0a, 'no NAA active'],
});
export const TerminalUnableCause = terminalUnableCauses.codes;

/** Additional information for result 3A, bearer independent protocol error (§8.12.11). */
const bipErrors = codeTable({
  NO_SPECIFIC_CAUSE: [0x00, 'no specific cause can be given'],
  NO_CHANNEL_AVAILABLE: [0x01, 'no channel available'],
  CHANNEL_CLOSED: [0x02, 'channel closed'],
  CHANNEL_ID_NOT_VALID: [0x03, 'channel identifier not valid'],
  BUFFER_SIZE_NOT_AVAILABLE: [0x04, 'requested buffer size not available'],
  SECURITY_ERROR: [0x05, 'security error (unsuccessful authentication)'],
  TRANSPORT_LEVEL_NOT_AVAILABLE: [0x06, 'requested UICC/terminal interface transport level not available'],
  REMOTE_DEVICE_NOT_REACHABLE: [0x07, 'remote device is not reachable'],
  SERVICE_ERROR: [0x08, 'service error'],
  SERVICE_IDENTIFIER_UNKNOWN: [0x09, 'service identifier unknown'],
  PORT_NOT_AVAILABLE: [0x10, 'port not available'],
  LAUNCH_PARAMETERS_MISSING: [0x11, 'launch parameters missing or incorrect'],
  APPLICATION_LAUNCH_FAILED: [0x12, 'application launch failed'],
});
export const BipError = bipErrors.codes;

/** Name of the first additional-information byte of a result, for the results that define them. */
export function resultAdditionalName(general: number, additional: number): string | undefined {
  if (general === ResultCode.TERMINAL_UNABLE) return terminalUnableCauses.nameOf(additional);
  if (general === ResultCode.BIP_ERROR) return bipErrors.nameOf(additional);
  return undefined;
}

/** Bearer type of a bearer description (§8.52, TS 31.111 §8.52). */
const bearers = codeTable({
  CSD: [0x01, 'CSD'],
  PACKET: [0x02, 'packet'],
  DEFAULT: [0x03, 'default'],
  LOCAL_LINK: [0x04, 'local link'],
  BLUETOOTH: [0x05, 'Bluetooth'],
  IRDA: [0x06, 'IrDA'],
  RS232: [0x07, 'RS232'],
  CDMA2000_PACKET: [0x08, 'cdma2000 packet'],
  UTRAN_PACKET_EXTENDED: [0x09, 'UTRAN packet with extended parameters'],
  I_WLAN: [0x0a, 'I-WLAN'],
  E_UTRAN: [0x0b, 'E-UTRAN'],
  NG_RAN: [0x0c, 'NG-RAN'],
  USB: [0x10, 'USB'],
});
export const BearerType = bearers.codes;
export const bearerName = bearers.nameOf;

/** UICC/terminal interface transport level protocol types (§8.59). */
const transports = codeTable({
  UDP_CLIENT_REMOTE: [0x01, 'UDP client remote'],
  TCP_CLIENT_REMOTE: [0x02, 'TCP client remote'],
  TCP_SERVER: [0x03, 'TCP server'],
  UDP_CLIENT_LOCAL: [0x04, 'UDP client local'],
  TCP_CLIENT_LOCAL: [0x05, 'TCP client local'],
  DIRECT_CHANNEL: [0x06, 'direct communication channel'],
});
export const TransportProtocol = transports.codes;
export const transportName = transports.nameOf;

/** Type of address of an other-address data object (§8.58). */
export const AddressType = { IPV4: 0x21, IPV6: 0x57 } as const;

/** Location status (§8.27). */
const locationStatuses = codeTable({
  NORMAL_SERVICE: [0x00, 'normal service'],
  LIMITED_SERVICE: [0x01, 'limited service'],
  NO_SERVICE: [0x02, 'no service'],
});
export const LocationStatusCode = locationStatuses.codes;
export const locationStatusName = locationStatuses.nameOf;

/** Second byte of channel status (§8.56). */
const channelStatusInfos = codeTable({
  OK: [0x00, 'ok'],
  LINK_DROPPED: [0x05, 'link dropped'],
});
export const ChannelStatusInfo = channelStatusInfos.codes;
export const channelStatusInfoName = channelStatusInfos.nameOf;

/** First byte of a proactive command and of each envelope (TS 101 220 §7.2). */
export const PROACTIVE_COMMAND_TAG = 0xd0;
const envelopes = codeTable({
  SMS_PP_DOWNLOAD: [0xd1, 'SMS-PP download'],
  CELL_BROADCAST_DOWNLOAD: [0xd2, 'cell broadcast download'],
  MENU_SELECTION: [0xd3, 'menu selection'],
  CALL_CONTROL: [0xd4, 'call control'],
  MO_SHORT_MESSAGE_CONTROL: [0xd5, 'MO short message control'],
  EVENT_DOWNLOAD: [0xd6, 'event download'],
  TIMER_EXPIRATION: [0xd7, 'timer expiration'],
  USSD_DOWNLOAD: [0xd9, 'USSD download'],
  MMS_TRANSFER_STATUS: [0xda, 'MMS transfer status'],
  MMS_NOTIFICATION_DOWNLOAD: [0xdb, 'MMS notification download'],
  TERMINAL_APPLICATION: [0xdc, 'terminal application'],
  GEOGRAPHICAL_LOCATION_REPORTING: [0xdd, 'geographical location reporting'],
  ENVELOPE_CONTAINER: [0xde, 'envelope container'],
  PROSE_REPORT: [0xdf, 'ProSe report'],
});
export const EnvelopeTag = envelopes.codes;
export const envelopeName = envelopes.nameOf;

export function isEnvelopeTag(tag: number): boolean {
  return tag >= 0xd1 && tag <= 0xdf;
}

/** COMPREHENSION-TLV tags of the data objects this codec maps to fields (§9.3). */
export const Tag = {
  COMMAND_DETAILS: 0x01,
  DEVICE_IDENTITIES: 0x02,
  RESULT: 0x03,
  ALPHA_IDENTIFIER: 0x05,
  FILE_LIST: 0x12,
  LOCATION_INFORMATION: 0x13,
  EVENT_LIST: 0x19,
  LOCATION_STATUS: 0x1b,
  TIMER_IDENTIFIER: 0x24,
  TIMER_VALUE: 0x25,
  AID: 0x2f,
  BEARER_DESCRIPTION: 0x35,
  CHANNEL_DATA: 0x36,
  CHANNEL_DATA_LENGTH: 0x37,
  CHANNEL_STATUS: 0x38,
  BUFFER_SIZE: 0x39,
  TRANSPORT_LEVEL: 0x3c,
  OTHER_ADDRESS: 0x3e,
  NETWORK_ACCESS_NAME: 0x47,
} as const;

/** REFRESH command qualifier (§8.6). */
const refreshModes = codeTable({
  NAA_INIT_AND_FULL_FILE_CHANGE: [0x00, 'NAA initialization and full file change notification'],
  FILE_CHANGE: [0x01, 'file change notification'],
  NAA_INIT_AND_FILE_CHANGE: [0x02, 'NAA initialization and file change notification'],
  NAA_INIT: [0x03, 'NAA initialization'],
  UICC_RESET: [0x04, 'UICC reset'],
  NAA_APPLICATION_RESET: [0x05, 'NAA application reset'],
  NAA_SESSION_RESET: [0x06, 'NAA session reset'],
  STEERING_OF_ROAMING: [0x07, 'steering of roaming'],
  STEERING_OF_ROAMING_IWLAN: [0x08, 'steering of roaming for I-WLAN'],
  EUICC_PROFILE_STATE_CHANGE: [0x09, 'eUICC profile state change'],
  APPLICATION_UPDATE: [0x0a, 'application update'],
});
export const RefreshMode = refreshModes.codes;

/** TIMER MANAGEMENT command qualifier, bits 1-2 (§8.6). */
const timerActions = codeTable({
  START: [0x00, 'start'],
  DEACTIVATE: [0x01, 'deactivate'],
  GET_CURRENT_VALUE: [0x02, 'get current value'],
});
export const TimerAction = timerActions.codes;

/** PROVIDE LOCAL INFORMATION command qualifier (§8.6). */
const localInformation = codeTable({
  LOCATION: [0x00, 'location information'],
  IMEI: [0x01, 'IMEI'],
  NETWORK_MEASUREMENT_RESULTS: [0x02, 'network measurement results'],
  DATE_TIME_AND_TIME_ZONE: [0x03, 'date, time and time zone'],
  LANGUAGE: [0x04, 'language setting'],
  ACCESS_TECHNOLOGY: [0x06, 'access technology'],
  ESN: [0x07, 'ESN'],
  IMEISV: [0x08, 'IMEISV'],
  SEARCH_MODE: [0x09, 'search mode'],
  BATTERY_STATE: [0x0a, 'charge state of the battery'],
  MEID: [0x0b, 'MEID'],
});
export const LocalInformation = localInformation.codes;

/** The name a command qualifier has for command types whose qualifier is an enumeration. */
export function qualifierName(type: number, qualifier: number): string | undefined {
  switch (type) {
    case CommandType.REFRESH:
      return refreshModes.nameOf(qualifier);
    case CommandType.TIMER_MANAGEMENT:
      return timerActions.nameOf(qualifier & 0x03);
    case CommandType.PROVIDE_LOCAL_INFORMATION:
      return localInformation.nameOf(qualifier);
    default:
      return undefined;
  }
}
