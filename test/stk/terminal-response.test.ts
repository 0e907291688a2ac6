import { expect } from 'chai';
import {
  BipError,
  bytesToHex,
  CommandType,
  decodeStk,
  decodeTerminalResponse,
  encodeTerminalResponse,
  ResultCode,
  StkDecodeError,
  TerminalUnableCause,
  type TerminalResponse,
} from '../../harness/stk/index.ts';

function decodeResponse(bytes: Uint8Array | string): TerminalResponse {
  const message = decodeStk(bytes);
  if (message.kind !== 'terminal-response') expect.fail(`decoded as ${message.kind}`);
  return message;
}

const OPEN_CHANNEL_DETAILS = { number: 1, type: CommandType.OPEN_CHANNEL, qualifier: 0x03 };

describe('terminal responses', () => {
  it('encodes a successful OPEN CHANNEL answer in the standard order, terminal → UICC', () => {
    const bytes = encodeTerminalResponse({
      ...OPEN_CHANNEL_DETAILS,
      result: { general: ResultCode.SUCCESS },
      channelStatus: { channelId: 1, linkUp: true },
      bearer: { type: 0x02, params: '020403051F02' },
      bufferSize: 1400,
    });
    expect(bytesToHex(bytes)).to.equal(
      '810301400382028281' + '830100' + '38028100' + '350702020403051F02' + '39020578',
    );
    expect(decodeResponse(bytes)).to.deep.equal({
      kind: 'terminal-response',
      number: 1,
      type: 0x40,
      typeName: 'OPEN CHANNEL',
      qualifier: 0x03,
      flags: { immediateLink: true, automaticReconnection: true, backgroundMode: false },
      source: 0x82,
      sourceName: 'terminal',
      destination: 0x81,
      destinationName: 'UICC',
      result: { general: 0x00, name: 'performed successfully' },
      channelStatus: { channelId: 1, linkUp: true, info: 0, infoName: 'ok' },
      bearer: { type: 0x02, typeName: 'packet', params: '020403051F02' },
      bufferSize: 1400,
    });
  });

  describe('names the results an OTA session meets', () => {
    const cases: [number, number[], string, string?][] = [
      [ResultCode.SUCCESS, [], 'performed successfully'],
      [ResultCode.PERFORMED_WITH_MODIFICATION, [], 'performed with modification'],
      [ResultCode.TERMINAL_UNABLE, [TerminalUnableCause.NO_SERVICE], 'terminal currently unable to process command', 'no service'],
      [ResultCode.NETWORK_UNABLE, [], 'network currently unable to process command'],
      [ResultCode.BEYOND_TERMINAL_CAPABILITY, [], 'command beyond terminal capabilities'],
      [ResultCode.DATA_NOT_UNDERSTOOD, [], 'command data not understood by terminal'],
      [ResultCode.BIP_ERROR, [BipError.NO_CHANNEL_AVAILABLE], 'bearer independent protocol error', 'no channel available'],
      [ResultCode.BIP_ERROR, [BipError.CHANNEL_CLOSED], 'bearer independent protocol error', 'channel closed'],
      [ResultCode.BIP_ERROR, [BipError.BUFFER_SIZE_NOT_AVAILABLE], 'bearer independent protocol error', 'requested buffer size not available'],
      [ResultCode.BIP_ERROR, [BipError.REMOTE_DEVICE_NOT_REACHABLE], 'bearer independent protocol error', 'remote device is not reachable'],
    ];
    for (const [general, additional, name, additionalName] of cases) {
      it(`${general.toString(16).padStart(2, '0')} ${additional.join(' ')} → ${name}${additionalName ? `, ${additionalName}` : ''}`, () => {
        const { result } = decodeResponse(encodeTerminalResponse({ ...OPEN_CHANNEL_DETAILS, result: { general, additional } }));
        expect(result.general).to.equal(general);
        expect(result.name).to.equal(name);
        expect(result.additionalName).to.equal(additionalName);
        expect(result.additional).to.equal(additional.length > 0 ? bytesToHex(additional) : undefined);
      });
    }
  });

  it('carries RECEIVE DATA channel data and the length still waiting', () => {
    const response = decodeResponse(
      encodeTerminalResponse({
        number: 4,
        type: CommandType.RECEIVE_DATA,
        result: { general: ResultCode.SUCCESS },
        channelData: 'CAFE',
        channelDataLength: 0xff,
      }),
    );
    expect(response).to.include({ typeName: 'RECEIVE DATA', channelData: 'CAFE', channelDataLength: 0xff });
  });

  it('keeps every channel status of a GET CHANNEL STATUS answer', () => {
    const bytes = encodeTerminalResponse({
      number: 5,
      type: CommandType.GET_CHANNEL_STATUS,
      result: { general: ResultCode.SUCCESS },
      channelStatus: { channelId: 1, linkUp: true },
      additionalChannelStatus: [{ channelId: 2, linkUp: false, info: 0x05 }],
    });
    expect(bytesToHex(bytes)).to.contain('38028100' + '38020205');
    const response = decodeResponse(bytes);
    expect(response.channelStatus).to.deep.equal({ channelId: 1, linkUp: true, info: 0, infoName: 'ok' });
    expect(response.additionalChannelStatus).to.deep.equal([{ channelId: 2, linkUp: false, info: 5, infoName: 'link dropped' }]);
  });

  it('is recognised without the comprehension-required bit on command details', () => {
    expect(decodeResponse('010301410002028281030100')).to.include({ typeName: 'CLOSE CHANNEL', sourceName: 'terminal' });
  });

  it('must contain a result', () => {
    expect(() => decodeTerminalResponse('81030141008202828138028100')).to.throw(
      StkDecodeError,
      'byte 13: terminal response ends without a result (tag 03/83)',
    );
  });
});
