import { expect } from 'chai';
import {
  bytesToHex,
  buildEnvelopeApdu,
  csimCommand,
  decodeComprehensionTlvs,
  decodeEnvelope,
  decodeStk,
  encodeEnvelope,
  EnvelopeTag,
  Event,
  eventDownload,
  hexToBytes,
  parseCommandApdu,
  StkDecodeError,
  type Envelope,
} from '../../harness/stk/index.ts';
import { DATA_AVAILABLE_ENVELOPE, FORCE_CHECK_APDU } from './examples.ts';

function decodeEnvelopeMessage(bytes: Uint8Array | string): Envelope {
  const message = decodeStk(bytes);
  if (message.kind !== 'envelope') expect.fail(`decoded as ${message.kind}`);
  return message;
}

describe('envelopes', () => {
  describe('data available event seen in the field', () => {
    it('decodes with the comprehension-required bit masked off every tag', () => {
      const bytes = hexToBytes(DATA_AVAILABLE_ENVELOPE);
      expect(decodeComprehensionTlvs(bytes, 2).map((tlv) => [tlv.tag, tlv.cr])).to.deep.equal([
        [0x19, true],
        [0x02, true],
        [0x38, true],
        [0x37, true],
      ]);
      expect(decodeEnvelopeMessage(bytes)).to.deep.equal({
        kind: 'envelope',
        tag: 0xd6,
        tagName: 'event download',
        eventList: [{ code: 0x09, name: 'data available' }],
        source: 0x82,
        sourceName: 'terminal',
        destination: 0x81,
        destinationName: 'UICC',
        channelStatus: { channelId: 1, linkUp: true, info: 0, infoName: 'ok' },
        channelDataLength: 8,
      });
    });

    it('is what eventDownload produces when every tag is marked comprehension required', () => {
      const built = eventDownload({
        events: [Event.DATA_AVAILABLE],
        channelStatus: { channelId: 1, linkUp: true },
        channelDataLength: 8,
        allComprehensionRequired: true,
      });
      expect(bytesToHex(built)).to.equal(DATA_AVAILABLE_ENVELOPE);
    });
  });

  describe('the forced-check ENVELOPE APDU', () => {
    it('parses as ENVELOPE carrying a location status event', () => {
      const apdu = parseCommandApdu(FORCE_CHECK_APDU);
      expect(apdu).to.include({ cla: 0x80, ins: 0xc2, insName: 'ENVELOPE', p1: 0, p2: 0, apduCase: 3, lc: 0x15 });
      expect(decodeEnvelopeMessage(apdu.data)).to.deep.include({
        tagName: 'event download',
        eventList: [{ code: 0x03, name: 'location status' }],
        sourceName: 'terminal',
        destinationName: 'UICC',
        locationStatus: { code: 0, name: 'normal service' },
        locationInfo: { mcc: '990', mnc: '98', areaCode: '0001', cellId: '0001' },
      });
    });

    it('is rebuilt byte for byte, down to the AT+CSIM line', () => {
      const envelope = eventDownload({
        events: ['location status'],
        locationStatus: 0,
        locationInfo: { mcc: '990', mnc: '98', areaCode: '0001', cellId: '0001' },
      });
      expect(bytesToHex(buildEnvelopeApdu(envelope))).to.equal(FORCE_CHECK_APDU);
      expect(csimCommand(buildEnvelopeApdu(envelope))).to.equal(`AT+CSIM=52,"${FORCE_CHECK_APDU}"`);
    });
  });

  it('round-trips a channel status event for a dropped link', () => {
    const envelope = decodeEnvelopeMessage(
      eventDownload({ events: [Event.CHANNEL_STATUS], channelStatus: { channelId: 1, linkUp: false, info: 0x05 } }),
    );
    expect(envelope.eventList).to.deep.equal([{ code: 0x0a, name: 'channel status' }]);
    expect(envelope.channelStatus).to.deep.equal({ channelId: 1, linkUp: false, info: 5, infoName: 'link dropped' });
  });

  it('decodes other envelopes generically, keeping the data objects it has no field for', () => {
    // SMS-PP download: network → UICC, an address and an SMS TPDU
    const envelope = decodeEnvelopeMessage('D10E' + '82028381' + '8603912143' + '8B03000102');
    expect(envelope).to.deep.equal({
      kind: 'envelope',
      tag: 0xd1,
      tagName: 'SMS-PP download',
      source: 0x83,
      sourceName: 'network',
      destination: 0x81,
      destinationName: 'UICC',
      unknown: [
        { tag: 0x06, cr: true, value: '912143' },
        { tag: 0x0b, cr: true, value: '000102' },
      ],
    });
  });

  it('encodes and decodes a timer expiration', () => {
    const bytes = encodeEnvelope({ tag: EnvelopeTag.TIMER_EXPIRATION, timer: { id: 1, value: 59 } });
    expect(bytesToHex(bytes)).to.equal('D70C' + '82028281' + '240101' + '2503000095');
    expect(decodeEnvelopeMessage(bytes)).to.deep.include({ tagName: 'timer expiration', timer: { id: 1, value: 59 } });
  });

  it('only takes envelope tags D1..DF', () => {
    expect(() => encodeEnvelope({ tag: 0xd0 })).to.throw(RangeError, 'D1..DF');
    expect(() => decodeEnvelope('D00100')).to.throw(StkDecodeError, 'byte 0: 0xD0 does not start an envelope (D1..DF)');
  });
});
