import { expect } from 'chai';
import {
  bytesToHex,
  decodeComprehensionTlvs,
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
