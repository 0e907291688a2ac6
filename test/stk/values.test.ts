import { expect } from 'chai';
import { StkDecodeError, bytesToHex, hexToBytes } from '../../harness/stk/index.ts';
import {
  decodeApn,
  decodePlmn,
  decodeTimerValue,
  encodeApn,
  encodePlmn,
  encodeTimerValue,
  formatIpv6,
  parseIpv6,
} from '../../harness/stk/values.ts';

describe('STK value codings', () => {
  describe('IPv6 text', () => {
    const cases: [string, string][] = [
      ['20010DB8000000000000000000000001', '2001:db8::1'],
      ['00000000000000000000000000000000', '::'],
      ['00000000000000000000000000000001', '::1'],
      ['00010000000000000000000000000000', '1::'],
      // a single zero group stays; the longest run is compressed, the first of equal runs
      ['20010DB8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
      ['00010000000000010000000000000001', '1:0:0:1::1'],
      ['00010000000000010000000000010001', '1::1:0:0:1:1'],
    ];
    for (const [hex, text] of cases) {
      it(`${text}`, () => {
        expect(formatIpv6(hexToBytes(hex))).to.equal(text);
        expect(bytesToHex(parseIpv6(text))).to.equal(hex);
      });
    }

    it('parses uncompressed and IPv4-suffixed forms', () => {
      expect(bytesToHex(parseIpv6('2001:DB8:0:0:0:0:0:1'))).to.equal('20010DB8000000000000000000000001');
      expect(bytesToHex(parseIpv6('::ffff:10.0.0.1'))).to.equal('00000000000000000000FFFF0A000001');
    });

    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1.2.3.4::', 'g::1', '1::2:3:4:5:6:7:8']) {
      it(`rejects ${bad}`, () => {
        expect(() => parseIpv6(bad)).to.throw(RangeError, 'is not an IPv6 address');
      });
    }
  });

  describe('APN labels', () => {
    it('round-trips multi-label names', () => {
      expect(bytesToHex(encodeApn('ota.super'))).to.equal('036F7461057375706572');
      expect(decodeApn(encodeApn('m2m.example-1.com'), 0)).to.equal('m2m.example-1.com');
      expect(bytesToHex(encodeApn(''))).to.equal('');
    });

    it('rejects empty or non-ASCII labels when encoding', () => {
      expect(() => encodeApn('ota..super')).to.throw(RangeError);
      expect(() => encodeApn('otä')).to.throw(RangeError);
    });

    it('reports an empty label at its offset', () => {
      expect(() => decodeApn(hexToBytes('036F746100'), 10)).to.throw(StkDecodeError, 'byte 14: empty APN label');
    });
  });

  describe('timer value', () => {
    it('swaps the BCD digits of each byte', () => {
      expect(bytesToHex(encodeTimerValue(99 * 3600 + 59 * 60 + 59))).to.equal('999595');
      expect(decodeTimerValue(hexToBytes('000301'), 0)).to.equal(30 * 60 + 10);
      expect(() => encodeTimerValue(100 * 3600)).to.throw(RangeError);
    });

    it('rejects nibbles above 9', () => {
      expect(() => decodeTimerValue(hexToBytes('00A000'), 5)).to.throw(StkDecodeError, 'byte 6: 0xA0 is not a BCD semi-octet pair');
    });
  });

  describe('PLMN', () => {
    it('codes two- and three-digit MNCs', () => {
      expect(bytesToHex(encodePlmn({ mcc: '234', mnc: '15' }))).to.equal('32F451');
      expect(bytesToHex(encodePlmn({ mcc: '310', mnc: '410' }))).to.equal('130014');
      expect(decodePlmn(hexToBytes('32F451'), 0)).to.deep.equal({ mcc: '234', mnc: '15' });
      expect(decodePlmn(hexToBytes('130014'), 0)).to.deep.equal({ mcc: '310', mnc: '410' });
    });

    it('rejects digits that are not BCD', () => {
      expect(() => decodePlmn(hexToBytes('3AF451'), 20)).to.throw(StkDecodeError, 'byte 20: 0x3A');
    });
  });
});
