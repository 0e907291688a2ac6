// Byte values of ETSI TS 102 223 (and TS 31.111 where it extends them), each with its name.
// Every table is written once; the exported code constants and name look-ups derive from it.
import { codeTable } from './code-table.ts';

/** Type of command, the second byte of command details (§9.4). */
const commandTypes = codeTable({
  refresh: [0x01, 'REFRESH'],
  moreTime: [0x02, 'MORE TIME'],
  pollInterval: [0x03, 'POLL INTERVAL'],
  pollingOff: [0x04, 'POLLING OFF'],
  setUpEventList: [0x05, 'SET UP EVENT LIST'],
  setUpCall: [0x10, 'SET UP CALL'],
  sendSs: [0x11, 'SEND SS'],
  sendUssd: [0x12, 'SEND USSD'],
  sendShortMessage: [0x13, 'SEND SHORT MESSAGE'],
  sendDtmf: [0x14, 'SEND DTMF'],
  launchBrowser: [0x15, 'LAUNCH BROWSER'],
  playTone: [0x20, 'PLAY TONE'],
  displayText: [0x21, 'DISPLAY TEXT'],
  getInkey: [0x22, 'GET INKEY'],
  getInput: [0x23, 'GET INPUT'],
  selectItem: [0x24, 'SELECT ITEM'],
  setUpMenu: [0x25, 'SET UP MENU'],
  provideLocalInformation: [0x26, 'PROVIDE LOCAL INFORMATION'],
  timerManagement: [0x27, 'TIMER MANAGEMENT'],
  setUpIdleModeText: [0x28, 'SET UP IDLE MODE TEXT'],
  runAtCommand: [0x34, 'RUN AT COMMAND'],
  languageNotification: [0x35, 'LANGUAGE NOTIFICATION'],
  openChannel: [0x40, 'OPEN CHANNEL'],
  closeChannel: [0x41, 'CLOSE CHANNEL'],
  receiveData: [0x42, 'RECEIVE DATA'],
  sendData: [0x43, 'SEND DATA'],
  getChannelStatus: [0x44, 'GET CHANNEL STATUS'],
});
export const COMMAND_TYPE = commandTypes.codes;
export const commandTypeName = commandTypes.nameOf;

/** Device identities (§8.7). Channels 1..7 are 21..27; see channelDevice(). */
const devices = codeTable({
  keypad: [0x01, 'keypad'],
  display: [0x02, 'display'],
  earpiece: [0x03, 'earpiece'],
  cardReader0: [0x10, 'card reader 0'],
  cardReader1: [0x11, 'card reader 1'],
  cardReader2: [0x12, 'card reader 2'],
  cardReader3: [0x13, 'card reader 3'],
  cardReader4: [0x14, 'card reader 4'],
  cardReader5: [0x15, 'card reader 5'],
  cardReader6: [0x16, 'card reader 6'],
  cardReader7: [0x17, 'card reader 7'],
  channel1: [0x21, 'channel 1'],
  channel2: [0x22, 'channel 2'],
  channel3: [0x23, 'channel 3'],
  channel4: [0x24, 'channel 4'],
  channel5: [0x25, 'channel 5'],
  channel6: [0x26, 'channel 6'],
  channel7: [0x27, 'channel 7'],
  uicc: [0x81, 'UICC'],
  terminal: [0x82, 'terminal'],
  network: [0x83, 'network'],
});
export const DEVICE = devices.codes;
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

/** Events of SET UP EVENT LIST and EVENT DOWNLOAD (§8.25, TS 31.111 §8.25). */
const events = codeTable({
  mtCall: [0x00, 'MT call'],
  callConnected: [0x01, 'call connected'],
  callDisconnected: [0x02, 'call disconnected'],
  locationStatus: [0x03, 'location status'],
  userActivity: [0x04, 'user activity'],
  idleScreenAvailable: [0x05, 'idle screen available'],
  cardReaderStatus: [0x06, 'card reader status'],
  languageSelection: [0x07, 'language selection'],
  browserTermination: [0x08, 'browser termination'],
  dataAvailable: [0x09, 'data available'],
  channelStatus: [0x0a, 'channel status'],
  accessTechnologyChange: [0x0b, 'access technology change'],
  displayParametersChanged: [0x0c, 'display parameters changed'],
  localConnection: [0x0d, 'local connection'],
  networkSearchModeChange: [0x0e, 'network search mode change'],
  browsingStatus: [0x0f, 'browsing status'],
  framesInformationChange: [0x10, 'frames information change'],
  iWlanAccessStatus: [0x11, 'I-WLAN access status'],
  networkRejection: [0x12, 'network rejection'],
  hciConnectivity: [0x13, 'HCI connectivity'],
  accessTechnologyChangeMultiple: [0x14, 'access technology change (multiple)'],
  csgCellSelection: [0x15, 'CSG cell selection'],
  contactlessStateRequest: [0x16, 'contactless state request'],
  imsRegistration: [0x17, 'IMS registration'],
  incomingImsData: [0x18, 'incoming IMS data'],
  profileContainer: [0x19, 'profile container'],
  securedProfileContainer: [0x1b, 'secured profile container'],
  pollIntervalNegotiation: [0x1c, 'poll interval negotiation'],
  dataConnectionStatusChange: [0x1d, 'data connection status change'],
});
export const EVENT = events.codes;
export const eventName = events.nameOf;
export const eventCode = events.codeOf;
export type EventName = Parameters<typeof events.codeOf>[0];

/** General result of a terminal response (§8.12). */
const results = codeTable({
  success: [0x00, 'performed successfully'],
  partialComprehension: [0x01, 'performed with partial comprehension'],
  missingInformation: [0x02, 'performed with missing information'],
  refreshAdditionalEfsRead: [0x03, 'REFRESH performed with additional EFs read'],
  iconNotDisplayed: [0x04, 'performed successfully, but requested icon could not be displayed'],
  modifiedByCallControl: [0x05, 'performed, but modified by call control by NAA'],
  limitedService: [0x06, 'performed successfully, limited service'],
  performedWithModification: [0x07, 'performed with modification'],
  refreshNaaNotActive: [0x08, 'REFRESH performed but indicated NAA was not active'],
  toneNotPlayed: [0x09, 'performed successfully, tone not played'],
  terminatedByUser: [0x10, 'proactive UICC session terminated by the user'],
  backwardMove: [0x11, 'backward move in the proactive UICC session requested by the user'],
  noResponseFromUser: [0x12, 'no response from user'],
  helpRequired: [0x13, 'help information required by the user'],
  terminalUnable: [0x20, 'terminal currently unable to process command'],
  networkUnable: [0x21, 'network currently unable to process command'],
  userDidNotAccept: [0x22, 'user did not accept the proactive command'],
  userClearedDownCall: [0x23, 'user cleared down call before connection or network release'],
  timerStateContradiction: [0x24, 'action in contradiction with the current timer state'],
  callControlTemporaryProblem: [0x25, 'interaction with call control by NAA, temporary problem'],
  launchBrowserError: [0x26, 'launch browser generic error'],
  mmsTemporaryProblem: [0x27, 'MMS temporary problem'],
  beyondTerminalCapability: [0x30, 'command beyond terminal capabilities'],
  typeNotUnderstood: [0x31, 'command type not understood by terminal'],
  dataNotUnderstood: [0x32, 'command data not understood by terminal'],
  numberNotKnown: [0x33, 'command number not known by terminal'],
  requiredValuesMissing: [0x36, 'error, required values are missing'],
  multipleCardError: [0x38, 'MultipleCard commands error'],
  callControlPermanentProblem: [0x39, 'interaction with call control by NAA, permanent problem'],
  bipError: [0x3a, 'bearer independent protocol error'],
  accessTechnologyUnable: [0x3b, 'access technology unable to process command'],
  framesError: [0x3c, 'frames error'],
  mmsError: [0x3d, 'MMS error'],
});
export const RESULT = results.codes;
export const resultName = results.nameOf;

/** Additional information for result 20, terminal currently unable to process command (§8.12.2). */
const terminalUnableCauses = codeTable({
  noSpecificCause: [0x00, 'no specific cause can be given'],
  screenBusy: [0x01, 'screen is busy'],
  busyOnCall: [0x02, 'terminal currently busy on call'],
  busyOnSs: [0x03, 'ME currently busy on SS transaction'],
  noService: [0x04, 'no service'],
  accessControlClassBar: [0x05, 'access control class bar'],
  radioResourceNotGranted: [0x06, 'radio resource not granted'],
  notInSpeechCall: [0x07, 'not in speech call'],
  busyOnUssd: [0x08, 'ME currently busy on USSD transaction'],
  busyOnSendDtmf: [0x09, 'terminal currently busy on SEND DTMF command'],
  noNaaActive: [0x0a, 'no NAA active'],
});
export const TERMINAL_UNABLE = terminalUnableCauses.codes;

/** Additional information for result 3A, bearer independent protocol error (§8.12.11). */
const bipErrors = codeTable({
  noSpecificCause: [0x00, 'no specific cause can be given'],
  noChannelAvailable: [0x01, 'no channel available'],
  channelClosed: [0x02, 'channel closed'],
  channelIdNotValid: [0x03, 'channel identifier not valid'],
  bufferSizeNotAvailable: [0x04, 'requested buffer size not available'],
  securityError: [0x05, 'security error (unsuccessful authentication)'],
  transportLevelNotAvailable: [0x06, 'requested UICC/terminal interface transport level not available'],
  remoteDeviceNotReachable: [0x07, 'remote device is not reachable'],
  serviceError: [0x08, 'service error'],
  serviceIdentifierUnknown: [0x09, 'service identifier unknown'],
  portNotAvailable: [0x10, 'port not available'],
  launchParametersMissing: [0x11, 'launch parameters missing or incorrect'],
  applicationLaunchFailed: [0x12, 'application launch failed'],
});
export const BIP_ERROR = bipErrors.codes;

/** Name of the first additional-information byte of a result, for the results that define them. */
export function resultAdditionalName(general: number, additional: number): string | undefined {
  if (general === RESULT.terminalUnable) return terminalUnableCauses.nameOf(additional);
  if (general === RESULT.bipError) return bipErrors.nameOf(additional);
  return undefined;
}

/** Bearer type of a bearer description (§8.52, TS 31.111 §8.52). */
const bearers = codeTable({
  csd: [0x01, 'CSD'],
  packet: [0x02, 'packet'],
  default: [0x03, 'default'],
  localLink: [0x04, 'local link'],
  bluetooth: [0x05, 'Bluetooth'],
  irda: [0x06, 'IrDA'],
  rs232: [0x07, 'RS232'],
  cdma2000Packet: [0x08, 'cdma2000 packet'],
  utranPacketExtended: [0x09, 'UTRAN packet with extended parameters'],
  iWlan: [0x0a, 'I-WLAN'],
  eUtran: [0x0b, 'E-UTRAN'],
  ngRan: [0x0c, 'NG-RAN'],
  usb: [0x10, 'USB'],
});
export const BEARER = bearers.codes;
export const bearerName = bearers.nameOf;

/** UICC/terminal interface transport level protocol types (§8.59). */
const transports = codeTable({
  udpClientRemote: [0x01, 'UDP client remote'],
  tcpClientRemote: [0x02, 'TCP client remote'],
  tcpServer: [0x03, 'TCP server'],
  udpClientLocal: [0x04, 'UDP client local'],
  tcpClientLocal: [0x05, 'TCP client local'],
  directChannel: [0x06, 'direct communication channel'],
});
export const TRANSPORT = transports.codes;
export const transportName = transports.nameOf;

/** Type of address of an other-address data object (§8.58). */
export const ADDRESS_TYPE = { ipv4: 0x21, ipv6: 0x57 } as const;

/** Location status (§8.27). */
const locationStatuses = codeTable({
  normalService: [0x00, 'normal service'],
  limitedService: [0x01, 'limited service'],
  noService: [0x02, 'no service'],
});
export const LOCATION_STATUS = locationStatuses.codes;
export const locationStatusName = locationStatuses.nameOf;

/** Second byte of channel status (§8.56). */
const channelStatusInfos = codeTable({
  ok: [0x00, 'ok'],
  linkDropped: [0x05, 'link dropped'],
});
export const CHANNEL_STATUS_INFO = channelStatusInfos.codes;
export const channelStatusInfoName = channelStatusInfos.nameOf;

/** First byte of a proactive command and of each envelope (TS 101 220 §7.2). */
export const PROACTIVE_COMMAND_TAG = 0xd0;
const envelopes = codeTable({
  smsPpDownload: [0xd1, 'SMS-PP download'],
  cellBroadcastDownload: [0xd2, 'cell broadcast download'],
  menuSelection: [0xd3, 'menu selection'],
  callControl: [0xd4, 'call control'],
  moShortMessageControl: [0xd5, 'MO short message control'],
  eventDownload: [0xd6, 'event download'],
  timerExpiration: [0xd7, 'timer expiration'],
  ussdDownload: [0xd9, 'USSD download'],
  mmsTransferStatus: [0xda, 'MMS transfer status'],
  mmsNotificationDownload: [0xdb, 'MMS notification download'],
  terminalApplication: [0xdc, 'terminal application'],
  geographicalLocationReporting: [0xdd, 'geographical location reporting'],
  envelopeContainer: [0xde, 'envelope container'],
  proseReport: [0xdf, 'ProSe report'],
});
export const ENVELOPE = envelopes.codes;
export const envelopeName = envelopes.nameOf;

export function isEnvelopeTag(tag: number): boolean {
  return tag >= 0xd1 && tag <= 0xdf;
}

/** COMPREHENSION-TLV tags of the data objects this codec maps to fields (§9.3). */
export const TAG = {
  commandDetails: 0x01,
  deviceIdentities: 0x02,
  result: 0x03,
  alphaIdentifier: 0x05,
  fileList: 0x12,
  locationInformation: 0x13,
  eventList: 0x19,
  locationStatus: 0x1b,
  timerIdentifier: 0x24,
  timerValue: 0x25,
  aid: 0x2f,
  bearerDescription: 0x35,
  channelData: 0x36,
  channelDataLength: 0x37,
  channelStatus: 0x38,
  bufferSize: 0x39,
  transportLevel: 0x3c,
  otherAddress: 0x3e,
  networkAccessName: 0x47,
} as const;

/** REFRESH command qualifier (§8.6). */
const refreshModes = codeTable({
  naaInitAndFullFileChange: [0x00, 'NAA initialization and full file change notification'],
  fileChange: [0x01, 'file change notification'],
  naaInitAndFileChange: [0x02, 'NAA initialization and file change notification'],
  naaInit: [0x03, 'NAA initialization'],
  uiccReset: [0x04, 'UICC reset'],
  naaApplicationReset: [0x05, 'NAA application reset'],
  naaSessionReset: [0x06, 'NAA session reset'],
  steeringOfRoaming: [0x07, 'steering of roaming'],
  steeringOfRoamingIWlan: [0x08, 'steering of roaming for I-WLAN'],
  euiccProfileStateChange: [0x09, 'eUICC profile state change'],
  applicationUpdate: [0x0a, 'application update'],
});
export const REFRESH_MODE = refreshModes.codes;

/** TIMER MANAGEMENT command qualifier, bits 1-2 (§8.6). */
const timerActions = codeTable({
  start: [0x00, 'start'],
  deactivate: [0x01, 'deactivate'],
  getCurrentValue: [0x02, 'get current value'],
});
export const TIMER_ACTION = timerActions.codes;

/** PROVIDE LOCAL INFORMATION command qualifier (§8.6). */
const localInformation = codeTable({
  location: [0x00, 'location information'],
  imei: [0x01, 'IMEI'],
  networkMeasurementResults: [0x02, 'network measurement results'],
  dateTimeAndTimeZone: [0x03, 'date, time and time zone'],
  language: [0x04, 'language setting'],
  accessTechnology: [0x06, 'access technology'],
  esn: [0x07, 'ESN'],
  imeisv: [0x08, 'IMEISV'],
  searchMode: [0x09, 'search mode'],
  batteryState: [0x0a, 'charge state of the battery'],
  meid: [0x0b, 'MEID'],
});
export const LOCAL_INFORMATION = localInformation.codes;

/** The name a command qualifier has for command types whose qualifier is an enumeration. */
export function qualifierName(type: number, qualifier: number): string | undefined {
  switch (type) {
    case COMMAND_TYPE.refresh:
      return refreshModes.nameOf(qualifier);
    case COMMAND_TYPE.timerManagement:
      return timerActions.nameOf(qualifier & 0x03);
    case COMMAND_TYPE.provideLocalInformation:
      return localInformation.nameOf(qualifier);
    default:
      return undefined;
  }
}
