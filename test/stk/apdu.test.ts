import { expect } from 'chai';
import {
  buildEnvelopeApdu,
  buildFetchApdu,
  buildTerminalProfileApdu,
  buildTerminalResponseApdu,
  bytesToHex,
  csimCommand,
  csimResponse,
  parseCommandApdu,
  parseCsimCommand,
  parseCsimResponse,
  statusWord,
} from '../../harness/stk/index.ts';
import { FORCE_CHECK_APDU, decodeError } from './examples.ts';


describe('command APDUs', () => {
  it('parses the four cases', () => {
    const status = parseCommandApdu('80F20000');
    expect(status).to.include({ ins: 0xf2, insName: 'STATUS', apduCase: 1 });
    expect(status).not.to.have.any.keys('lc', 'le');
    expect(status.data.length).to.equal(0);
    expect(parseCommandApdu('801200000F')).to.deep.include({ insName: 'FETCH', apduCase: 2, le: 15 });
    expect(parseCommandApdu('00B0000000').le).to.equal(256);
    const selectWithLe = parseCommandApdu('00A40004023F0000');
    expect(selectWithLe).to.deep.include({ insName: 'SELECT', apduCase: 4, lc: 2, le: 256, p2: 0x04 });
    expect(bytesToHex(selectWithLe.data)).to.equal('3F00');
    expect(parseCommandApdu(FORCE_CHECK_APDU)).to.include({ apduCase: 3, lc: 21 });
  });

  it('rejects APDUs whose Lc does not fit', () => {
    const err = decodeError(() => parseCommandApdu('80C2000005D603'));
    expect(err.offset).to.equal(4);
    expect(err.reason).to.equal('Lc 5 does not fit the 2 byte(s) after it');
    expect(decodeError(() => parseCommandApdu('80C2')).reason).to.equal('a command APDU needs 4 header bytes, got 2');
    expect(decodeError(() => parseCommandApdu('80C20000000102')).reason).to.contain('extended-length');
  });

  it('builds the toolkit APDUs', () => {
    expect(bytesToHex(buildTerminalProfileApdu('FFFF'))).to.equal('80100000' + '02FFFF');
    expect(bytesToHex(buildEnvelopeApdu([0xd6, 0x00]))).to.equal('80C20000' + '02D600');
    expect(bytesToHex(buildTerminalResponseApdu('810301'))).to.equal('80140000' + '03810301');
    expect(bytesToHex(buildFetchApdu(0x0f))).to.equal('801200000F');
    expect(bytesToHex(buildFetchApdu(256))).to.equal('8012000000');
    expect(() => buildEnvelopeApdu(new Uint8Array(256))).to.throw(RangeError, '1..255');
    expect(() => buildFetchApdu(0)).to.throw(RangeError);
  });
});

describe('status words', () => {
  const cases: [number, number, string, boolean][] = [
    [0x90, 0x00, 'ok', true],
    [0x91, 0x2f, 'proactive command pending', true],
    [0x93, 0x00, 'toolkit busy', false],
    [0x6a, 0x82, 'file not found', false],
    [0x6d, 0x00, 'instruction code not supported', false],
    [0x6e, 0x00, 'class not supported', false],
    [0x67, 0x00, 'wrong length', false],
    [0x12, 0x34, 'unknown status word', false],
  ];
  for (const [sw1, sw2, name, ok] of cases) {
    const sw = bytesToHex([sw1, sw2]);
    it(`${sw} is ${name}`, () => {
      expect(statusWord(sw1, sw2)).to.include({ sw, name, ok });
    });
  }

  it('gives the length of a pending proactive command', () => {
    expect(statusWord(0x91, 0x2f).pendingProactiveLength).to.equal(0x2f);
    expect(statusWord(0x90, 0x00)).not.to.have.property('pendingProactiveLength');
  });
});

describe('AT+CSIM', () => {
  it('counts hex characters, not bytes, in the length', () => {
    expect(csimCommand(FORCE_CHECK_APDU)).to.equal(`AT+CSIM=52,"${FORCE_CHECK_APDU}"`);
    expect(csimResponse([0x90, 0x00])).to.equal('+CSIM: 4,"9000"');
  });

  it('parses the command a host sends', () => {
    expect(parseCsimCommand(`AT+CSIM=52,"${FORCE_CHECK_APDU.toLowerCase()}"`)).to.deep.equal({ length: 52, hex: FORCE_CHECK_APDU });
    expect(parseCsimCommand('+CSIM=10,"80F2000000"').hex).to.equal('80F2000000');
  });

  it('parses a response into data and status word', () => {
    expect(parseCsimResponse('+CSIM: 4,"9000"')).to.deep.equal({
      length: 4,
      hex: '9000',
      data: '',
      sw1: 0x90,
      sw2: 0x00,
      sw: '9000',
      swName: 'ok',
      ok: true,
    });
    expect(parseCsimResponse('+CSIM: 8,"3F00910B"')).to.deep.include({
      data: '3F00',
      sw: '910B',
      swName: 'proactive command pending',
      pendingProactiveLength: 11,
    });
    expect(parseCsimResponse('+CSIM:4,9300').swName).to.equal('toolkit busy');
  });

  describe('says what is wrong with a malformed response, and where', () => {
    const cases: [string, number, string][] = [
      ['ERROR', 0, 'does not start with +CSIM'],
      ['+CSIM: "9000"', 7, 'missing length'],
      ['+CSIM: 4 "9000"', 8, 'missing "," after the length'],
      ['+CSIM: 6,"9000"', 7, 'length 6 does not match the 4 hex characters'],
      ['+CSIM: 3,"900"', 10, 'odd number of hex digits (3)'],
      ['+CSIM: 2,"90"', 10, 'response "90" is too short to hold a status word'],
      ['+CSIM: 4,"90G0"', 12, 'missing closing quote'],
      ['+CSIM: 4,"9000",1', 15, 'unexpected "," after the hex data'],
    ];
    for (const [line, offset, reason] of cases) {
      it(line, () => {
        const err = decodeError(() => parseCsimResponse(line));
        expect(err.unit).to.equal('character');
        expect(err.offset).to.equal(offset);
        expect(err.reason).to.contain(reason);
      });
    }
  });
});
