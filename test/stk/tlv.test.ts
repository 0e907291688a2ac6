import { expect } from 'chai';
import {
  bytesToHex,
  decodeComprehensionTlvs,
  decodeEnvelope,
  decodeProactive,
  decodeTerminalResponse,
  encodeComprehensionTlv,
  hexToBytes,
} from '../../harness/stk/index.ts';
import { decodeError } from './examples.ts';

describe('stk hex', () => {
  it('accepts spaces and either case, and prints upper case', () => {
    expect(bytesToHex(hexToBytes(' d0 09\t81 03\n01 41 00 '))).to.equal('D0098103014100');
  });

  it('names the position of a character that is not a hex digit', () => {
    const err = decodeError(() => hexToBytes('D0 0G'));
    expect(err.offset).to.equal(4);
    expect(err.unit).to.equal('character');
    expect(err.message).to.equal('character 4: "G" is not a hex digit');
  });

  it('rejects an odd number of digits, pointing at the digit without a partner', () => {
    const err = decodeError(() => hexToBytes('D0 0'));
    expect(err.offset).to.equal(3);
    expect(err.message).to.contain('odd number of hex digits (3)');
  });
});

describe('COMPREHENSION-TLV', () => {
  it('masks the comprehension-required bit off the tag and keeps it as cr', () => {
    const [withCr] = decodeComprehensionTlvs(hexToBytes('8103014003'));
    const [withoutCr] = decodeComprehensionTlvs(hexToBytes('0103014003'));
    expect(withCr).to.include({ tag: 0x01, cr: true, offset: 0, valueOffset: 2 });
    expect(withoutCr).to.include({ tag: 0x01, cr: false });
    expect(bytesToHex(withCr!.value)).to.equal('014003');
  });

  it('encodes lengths up to 127 in one byte and 128..255 as 81 xx', () => {
    expect(bytesToHex(encodeComprehensionTlv(0x36, false, new Uint8Array(127))).slice(0, 4)).to.equal('367F');
    expect(bytesToHex(encodeComprehensionTlv(0x36, false, new Uint8Array(128))).slice(0, 6)).to.equal('368180');
    expect(bytesToHex(encodeComprehensionTlv(0x36, true, new Uint8Array(255))).slice(0, 6)).to.equal('B681FF');
    expect(() => encodeComprehensionTlv(0x36, false, new Uint8Array(256))).to.throw(RangeError, '0..255');
  });

  it('decodes 81 xx and 82 xx xx lengths', () => {
    const long = `3681C8${'AB'.repeat(200)}`;
    const [tlv] = decodeComprehensionTlvs(hexToBytes(long));
    expect(tlv!.value.length).to.equal(200);
    expect(tlv!.valueOffset).to.equal(3);
    const [threeByteLength] = decodeComprehensionTlvs(hexToBytes('36820002ABCD'));
    expect(bytesToHex(threeByteLength!.value)).to.equal('ABCD');
  });

  it('reads the three-byte tag format (7F, CR in the next byte)', () => {
    const bytes = hexToBytes('7F812302AABB');
    const [tlv] = decodeComprehensionTlvs(bytes);
    expect(tlv).to.include({ tag: 0x0123, cr: true });
    expect(bytesToHex(encodeComprehensionTlv(0x0123, true, tlv!.value))).to.equal('7F812302AABB');
  });

  describe('malformed input gives the offset and the reason', () => {
    const cases: [string, number, string][] = [
      ['81030140', 1, 'length 0x03 (3) runs past the end: only 2 byte(s) follow'],
      ['810301400381', 6, 'input ends where a length byte should be'],
      ['0580', 1, 'bad length byte 0x80 (expected 00..7F, 81 or 82)'],
      ['0583000001', 1, 'bad length byte 0x83 (expected 00..7F, 81 or 82)'],
      ['0581', 1, 'length byte 0x81 needs 1 more byte(s) but the input ends'],
      ['058200', 1, 'length byte 0x82 needs 2 more byte(s) but the input ends'],
      ['0500FF01AA', 2, '0xFF is not a valid COMPREHENSION-TLV tag'],
      ['000100', 0, '0x00 is not a valid COMPREHENSION-TLV tag'],
      ['0500800100', 2, '0x80 is not a valid COMPREHENSION-TLV tag'],
      ['7F01', 0, 'three-byte tag (7F xx xx) is cut off'],
    ];
    for (const [hex, offset, reason] of cases) {
      it(`${hex} → byte ${offset}`, () => {
        const err = decodeError(() => decodeComprehensionTlvs(hexToBytes(hex)));
        expect(err.offset).to.equal(offset);
        expect(err.message).to.equal(`byte ${offset}: ${reason}`);
      });
    }
  });
});

describe('TLV lengths at the edges of each form', () => {
  const filler = (n: number) => 'AB'.repeat(n);

  const lengths: [string, string, number][] = [
    ['one byte, 0', '3600', 0],
    ['one byte, 127', `367F${filler(127)}`, 127],
    ['81 xx, 128', `368180${filler(128)}`, 128],
    ['81 xx, 255', `3681FF${filler(255)}`, 255],
    // Read as written, though one byte would have done: the harness reads what modules print.
    ['81 xx, 127', `36817F${filler(127)}`, 127],
    ['82 xx xx, 256', `36820100${filler(256)}`, 256],
    ['82 xx xx, 2', '36820002ABCD', 2],
  ];
  for (const [form, hex, length] of lengths) {
    it(`decodes ${form}`, () => {
      const [tlv, ...more] = decodeComprehensionTlvs(hexToBytes(hex));
      expect(more).to.deep.equal([]);
      expect(tlv!.value.length).to.equal(length);
      expect(tlv!.valueOffset).to.equal(hex.length / 2 - length);
    });
  }

  it('encodes each length in the shortest form, the 81 form from 128 to 255', () => {
    const header = (n: number) => bytesToHex(encodeComprehensionTlv(0x36, false, new Uint8Array(n))).slice(0, n < 128 ? 4 : 6);
    expect([0, 1, 127, 128, 200, 255].map(header)).to.deep.equal(['3600', '3601', '367F', '368180', '3681C8', '3681FF']);
    expect(() => encodeComprehensionTlv(0x36, false, new Uint8Array(256))).to.throw(RangeError, 'STK data objects hold 0..255 bytes, not 256');
  });

  it('encodes tag 7E in one byte and 7F..7FFF in the three-byte format, and no tag beyond', () => {
    expect(bytesToHex(encodeComprehensionTlv(0x7e, false, [1]))).to.equal('7E0101');
    expect(bytesToHex(encodeComprehensionTlv(0x7f, false, [1]))).to.equal('7F007F0101');
    expect(bytesToHex(encodeComprehensionTlv(0x7fff, true, []))).to.equal('7FFFFF00');
    expect(decodeComprehensionTlvs(hexToBytes('7FFFFF00'))[0]).to.include({ tag: 0x7fff, cr: true });
    expect(decodeComprehensionTlvs(hexToBytes('7F012300'))[0], 'three-byte tag without CR').to.include({ tag: 0x0123, cr: false });
    expect(decodeError(() => decodeComprehensionTlvs(hexToBytes('7F800000'))).message).to.equal('byte 0: three-byte tag with tag value 0000');
    expect(decodeError(() => decodeProactive(new Uint8Array())).message).to.equal('byte 0: empty input, expected a proactive command (D0)');
    for (const tag of [0, 0x8000, 1.5]) expect(() => encodeComprehensionTlv(tag, false, []), String(tag)).to.throw(RangeError, `COMPREHENSION-TLV tag values are 0001..7FFF, not ${tag}`);
  });

  describe('a value that runs past the end, in each form', () => {
    const cases: [string, string, number, string][] = [
      ['one byte', `367F${filler(126)}`, 1, 'length 0x7F (127) runs past the end: only 126 byte(s) follow'],
      ['81 xx', `368180${filler(127)}`, 1, 'length 0x80 (128) runs past the end: only 127 byte(s) follow'],
      ['81 FF', `3681FF${filler(254)}`, 1, 'length 0xFF (255) runs past the end: only 254 byte(s) follow'],
      ['82 xx xx', `36820100${filler(255)}`, 1, 'length 0x100 (256) runs past the end: only 255 byte(s) follow'],
      ['a second TLV', `3601AB3602AB`, 4, 'length 0x02 (2) runs past the end: only 1 byte(s) follow'],
      ['the length byte of 82 cut after one byte', '368201', 1, 'length byte 0x82 needs 2 more byte(s) but the input ends'],
    ];
    for (const [what, hex, offset, reason] of cases) {
      it(what, () => {
        const err = decodeError(() => decodeComprehensionTlvs(hexToBytes(hex)));
        expect(err.message).to.equal(`byte ${offset}: ${reason}`);
      });
    }
  });

  describe('one byte too many or too few', () => {
    it('one byte after the TLVs of a terminal response: a tag without its length', () => {
      const err = decodeError(() => decodeTerminalResponse(hexToBytes('81030140018202828183010003')));
      expect(err.message).to.equal('byte 13: input ends where a length byte should be');
    });

    it('one byte after a proactive command', () => {
      const err = decodeError(() => decodeProactive(hexToBytes('D009810301410082028121FF')));
      expect(err.message).to.equal('byte 11: 1 trailing byte(s) after the end of a proactive command (D0)');
    });

    it('one byte after an envelope', () => {
      const err = decodeError(() => decodeEnvelope(hexToBytes('D60E99010982028281B8028100B7010800')));
      expect(err.message).to.equal('byte 16: 1 trailing byte(s) after the end of an envelope (D1..DF)');
    });

    it('one byte inside a proactive command whose length takes it in', () => {
      const err = decodeError(() => decodeProactive(hexToBytes('D00A81030141008202812101')));
      expect(err.message).to.equal('byte 12: input ends where a length byte should be');
    });

    it('one byte as the whole message: a tag without its length, or 81 without what follows', () => {
      expect(decodeError(() => decodeProactive(hexToBytes('D0'))).message).to.equal('byte 1: input ends where a length byte should be');
      expect(decodeError(() => decodeProactive(hexToBytes('D081'))).message).to.equal('byte 1: length byte 0x81 needs 1 more byte(s) but the input ends');
      expect(decodeError(() => decodeComprehensionTlvs(hexToBytes('36'))).message).to.equal('byte 1: input ends where a length byte should be');
    });

    it('one byte missing from a proactive command of the 81 form', () => {
      const err = decodeError(() => decodeProactive(hexToBytes(`D08180810301410082028121${filler(118)}`)));
      expect(err.message).to.equal('byte 1: length 0x80 (128) runs past the end: only 127 byte(s) follow');
    });
  });
});
