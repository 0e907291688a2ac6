import { expect } from 'chai';
import {
  bytesToHex,
  closeChannel,
  CommandType,
  decodeProactive,
  decodeStk,
  Device,
  encodeProactive,
  getChannelStatus,
  openChannel,
  receiveData,
  sendData,
  setUpEventList,
  StkDecodeError,
  type ProactiveCommand,
} from '../../harness/stk/index.ts';
import { CLOSE_CHANNEL, OPEN_CHANNEL, OTA_SUPER_APN_TLV } from './examples.ts';

function decodeCommand(bytes: Uint8Array | string): ProactiveCommand {
  const message = decodeStk(bytes);
  if (message.kind !== 'proactive') expect.fail(`decoded as ${message.kind}`);
  return message;
}

function decodeError(hex: string): StkDecodeError {
  try {
    decodeStk(hex);
  } catch (err) {
    expect(err).to.be.instanceOf(StkDecodeError);
    return err as StkDecodeError;
  }
  expect.fail(`${hex} decoded without error`);
}

describe('proactive commands', () => {
  describe('OPEN CHANNEL seen in the field', () => {
    it('decodes every data object', () => {
      expect(decodeCommand(OPEN_CHANNEL)).to.deep.equal({
        kind: 'proactive',
        number: 1,
        type: 0x40,
        typeName: 'OPEN CHANNEL',
        qualifier: 0x03,
        flags: { immediateLink: true, automaticReconnection: true, backgroundMode: false },
        source: 0x81,
        sourceName: 'UICC',
        destination: 0x82,
        destinationName: 'terminal',
        alphaId: '',
        bearer: { type: 0x02, typeName: 'packet', params: '020403051F02' },
        bufferSize: 1400,
        apn: 'internet',
        transport: { protocol: 'TCP client remote', protocolCode: 0x02, port: 4444 },
        address: { type: 'IPv4', value: '10.0.0.1' },
      });
    });

    it('is what the openChannel builder produces for the same parameters', () => {
      const built = openChannel({
        number: 1,
        apn: 'internet',
        bufferSize: 1400,
        transport: { protocol: 'tcp', port: 4444 },
        address: '10.0.0.1',
        alphaId: '',
      });
      expect(bytesToHex(built)).to.equal(OPEN_CHANNEL);
    });
  });

  it('decodes CLOSE CHANNEL on channel 1 and the builder reproduces it', () => {
    const command = decodeCommand(CLOSE_CHANNEL);
    expect(command).to.include({ typeName: 'CLOSE CHANNEL', type: CommandType.CLOSE_CHANNEL, number: 1 });
    expect(command).to.include({ destination: 0x21, destinationName: 'channel 1', sourceName: 'UICC' });
    expect(bytesToHex(closeChannel({ number: 1, channelId: 1 }))).to.equal(CLOSE_CHANNEL);
  });

  it('codes the APN ota.super as length-prefixed labels', () => {
    const built = openChannel({ number: 2, apn: 'ota.super', bufferSize: 1400, transport: { protocol: 'udp', port: 53 } });
    expect(bytesToHex(built)).to.contain(OTA_SUPER_APN_TLV);
    expect(decodeCommand(built).apn).to.equal('ota.super');
  });

  describe('builders round-trip through the decoder', () => {
    it('openChannel with UDP, an IPv6 server, a default bearer and background mode', () => {
      const command = decodeCommand(
        openChannel({
          number: 7,
          apn: 'ota.super',
          bufferSize: 1024,
          transport: { protocol: 'udp', port: 8443 },
          address: { type: 'IPv6', value: '2001:db8::1' },
          bearer: { type: 0x03 },
          flags: { automaticReconnection: false, backgroundMode: true },
          alphaId: 'Updating',
        }),
      );
      expect(command).to.deep.include({
        number: 7,
        typeName: 'OPEN CHANNEL',
        qualifier: 0x05,
        flags: { immediateLink: true, automaticReconnection: false, backgroundMode: true },
        alphaId: 'Updating',
        bearer: { type: 0x03, typeName: 'default', params: '' },
        bufferSize: 1024,
        apn: 'ota.super',
        transport: { protocol: 'UDP client remote', protocolCode: 0x01, port: 8443 },
        address: { type: 'IPv6', value: '2001:db8::1' },
      });
    });

    it('sendData', () => {
      const command = decodeCommand(sendData({ number: 3, channelId: 2, data: '0102FF' }));
      expect(command).to.deep.include({
        typeName: 'SEND DATA',
        qualifier: 0x01,
        flags: { sendImmediately: true },
        destinationName: 'channel 2',
        channelData: '0102FF',
      });
      const stored = decodeCommand(sendData({ number: 3, channelId: 2, data: [1], immediate: false }));
      expect(stored.flags).to.deep.equal({ sendImmediately: false });
    });

    it('receiveData', () => {
      expect(decodeCommand(receiveData({ number: 4, channelId: 1, length: 200 }))).to.include({
        typeName: 'RECEIVE DATA',
        destination: 0x21,
        channelDataLength: 200,
      });
    });

    it('getChannelStatus', () => {
      expect(decodeCommand(getChannelStatus({ number: 5 }))).to.include({
        typeName: 'GET CHANNEL STATUS',
        sourceName: 'UICC',
        destinationName: 'terminal',
      });
    });

    it('setUpEventList by code and by name', () => {
      const command = decodeCommand(setUpEventList({ number: 6, events: [0x09, 'channel status', { code: 0x03 }] }));
      expect(command.eventList).to.deep.equal([
        { code: 0x09, name: 'data available' },
        { code: 0x0a, name: 'channel status' },
        { code: 0x03, name: 'location status' },
      ]);
      expect(bytesToHex(setUpEventList({ number: 6, events: [] }))).to.equal('D00B810306050082028182' + '1900');
    });
  });

  it('uses 81 xx for the outer and inner length of a long command', () => {
    const data = 'A5'.repeat(200);
    const bytes = sendData({ number: 1, channelId: 1, data });
    expect(bytesToHex(bytes.subarray(0, 3))).to.equal('D081D4');
    expect(bytesToHex(bytes)).to.contain(`3681C8${data}`);
    expect(decodeCommand(bytes).channelData).to.equal(data);
  });

  it('names MORE TIME, POLL INTERVAL and PROVIDE LOCAL INFORMATION, with the qualifier meaning', () => {
    expect(decodeCommand('D009810301020082028182').typeName).to.equal('MORE TIME');
    expect(decodeCommand('D00D8103010300820281828402010A')).to.include({
      typeName: 'POLL INTERVAL',
      type: CommandType.POLL_INTERVAL,
    });
    expect(decodeCommand('D009810301260082028182')).to.include({
      typeName: 'PROVIDE LOCAL INFORMATION',
      qualifierName: 'location information',
    });
  });

  it('encodes and decodes TIMER MANAGEMENT with a BCD timer value', () => {
    const bytes = encodeProactive({ number: 1, type: CommandType.TIMER_MANAGEMENT, timer: { id: 2, value: 3723 } });
    // 3723 s = 01:02:03, each byte with its low digit in the high nibble
    expect(bytesToHex(bytes)).to.equal('D011810301270082028182' + '240102' + '2503102030');
    expect(decodeCommand(bytes)).to.deep.include({ typeName: 'TIMER MANAGEMENT', qualifierName: 'start', timer: { id: 2, value: 3723 } });
  });

  it('encodes and decodes REFRESH with a file list and an AID', () => {
    const bytes = encodeProactive({
      number: 9,
      type: CommandType.REFRESH,
      qualifier: 0x01,
      fileList: ['3F007FFF6F07', '3F007F206F07'],
      aid: 'A0000000871002FF',
    });
    expect(bytesToHex(bytes)).to.contain('120D023F007FFF6F073F007F206F07');
    expect(decodeCommand(bytes)).to.deep.include({
      typeName: 'REFRESH',
      qualifierName: 'file change notification',
      fileList: ['3F007FFF6F07', '3F007F206F07'],
      aid: 'A0000000871002FF',
    });
  });

  describe('alpha identifier', () => {
    it('round-trips SMS default alphabet text, including extension characters', () => {
      const text = 'OTA @ 100% [ok] €';
      const command = decodeCommand(encodeProactive({ number: 1, type: CommandType.CLOSE_CHANNEL, alphaId: text }));
      expect(command.alphaId).to.equal(text);
    });

    it('maps default alphabet codes that differ from ASCII', () => {
      expect(decodeCommand('D011810301410082028121' + '0506000211247F40').alphaId).to.equal('@$_¤à¡');
    });

    it('falls back to UCS2 (80) for other characters', () => {
      const bytes = encodeProactive({ number: 1, type: CommandType.CLOSE_CHANNEL, alphaId: 'Обновление' });
      expect(bytesToHex(bytes)).to.contain('051580041E');
      expect(decodeCommand(bytes).alphaId).to.equal('Обновление');
    });

    it('decodes the 81 coding (base pointer) and drops FF padding', () => {
      // 81, 2 characters, base 08 << 7 = 0x0400: 9E is U+041E, 41 is "A" from the default alphabet
      expect(decodeCommand('D01081030141008202812105058102089E41').alphaId).to.equal('ОA');
      expect(decodeCommand('D00F810301410082028121' + '05044F4BFFFF').alphaId).to.equal('OK');
    });

    it('rejects a byte above 7F in default alphabet text', () => {
      const err = decodeError('D00E810301410082028121' + '05034FC14B');
      expect(err.offset).to.equal(14);
      expect(err.reason).to.equal('0xC1 is not an SMS default alphabet character');
    });
  });

  it('keeps unknown tags, with their comprehension-required bit, and re-encodes them', () => {
    const hex = 'D010810301410082028121' + '1E020001' + 'FE0199';
    const command = decodeCommand(hex);
    expect(command.unknown).to.deep.equal([
      { tag: 0x1e, cr: false, value: '0001' },
      { tag: 0x7e, cr: true, value: '99' },
    ]);
    expect(bytesToHex(encodeProactive(command))).to.equal(hex);
  });

  it('keeps a repeat of a single-valued data object as unknown instead of overwriting', () => {
    const command = decodeCommand('D00F810301420082028121' + '370110' + '370120');
    expect(command.channelDataLength).to.equal(0x10);
    expect(command.unknown).to.deep.equal([{ tag: 0x37, cr: false, value: '20' }]);
  });

  it('tells a local address (before the transport level) from the destination address (after it)', () => {
    const bytes = encodeProactive({
      number: 1,
      type: CommandType.OPEN_CHANNEL,
      localAddress: { type: 'dynamic' },
      transport: { protocolCode: 0x02, port: 80 },
      address: { type: 'IPv4', value: '192.0.2.7' },
    });
    expect(bytesToHex(bytes)).to.contain('3E00' + '3C03020050' + '3E0521C0000207');
    expect(decodeCommand(bytes)).to.deep.include({
      localAddress: { type: 'dynamic' },
      address: { type: 'IPv4', value: '192.0.2.7' },
    });
    expect(() => encodeProactive({ number: 1, type: 0x40, address: { type: 'IPv4', value: '1.2.3.4' } })).to.throw(
      RangeError,
      'transport level',
    );
  });

  it('can set the comprehension-required bit on every tag', () => {
    const bytes = encodeProactive({ number: 1, type: CommandType.RECEIVE_DATA, destination: Device.CHANNEL_1, channelDataLength: 16, allComprehensionRequired: true });
    expect(bytesToHex(bytes)).to.equal('D00C810301420082028121B70110');
  });

  describe('malformed commands', () => {
    it('needs command details first', () => {
      const err = decodeError('D009820281218103014100');
      expect(err.offset).to.equal(2);
      expect(err.reason).to.equal('a proactive command must start with command details (tag 01/81), not tag 0x02');
      expect(decodeError('D000').message).to.equal('byte 2: a proactive command has no command details');
    });

    it('checks the size of fixed-size data objects', () => {
      expect(decodeError('D008' + '81020141' + '82028121').message).to.equal('byte 2: command details needs 3 byte(s), got 2');
      expect(decodeError('D00C81030141008202812139010A').message).to.equal('byte 11: buffer size needs 2 byte(s), got 1');
    });

    it('reports an APN label that runs past the network access name', () => {
      const err = decodeError('D00F810301400082028182' + '4704056F7461');
      expect(err.offset).to.equal(13);
      expect(err.reason).to.equal('APN label length 5 runs past the end of the network access name');
    });

    it('reports bytes after the end of the command', () => {
      expect(decodeError(`${CLOSE_CHANNEL}9000`).message).to.equal(
        'byte 11: 2 trailing byte(s) after the end of a proactive command (D0)',
      );
    });

    it('refuses a first byte that starts no STK message', () => {
      expect(decodeError('9000').message).to.equal(
        'byte 0: 0x90 starts neither a proactive command (D0), an envelope (D1..DF) nor a terminal response (01/81)',
      );
      expect(() => decodeProactive('D60100')).to.throw(StkDecodeError, '0xD6 does not start a proactive command (D0)');
    });
  });
});
