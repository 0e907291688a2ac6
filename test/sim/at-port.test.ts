import { expect } from 'chai';
import { decodeIccid, decodeImsi } from '../../harness/sim/sim-files.ts';
import { hexToBytes } from '../../harness/stk/index.ts';
import { SimRig, READY_MS } from './helpers.ts';

const IMSI = '732123200001234';
const ICCID = '89883070000012345674';

/** The hex data of a `+CRSM: 144,0,"<hex>"` answer. */
function crsmData(lines: string[]): Uint8Array {
  const match = /^\+CRSM: 144,0,"([0-9A-F]+)"$/.exec(lines[0] ?? '');
  expect(match, lines.join(' | ')).to.not.equal(null);
  return hexToBytes(match![1]!);
}

describe('virtual module: power and the AT port', () => {
  it('answers nothing while off or while booting', () => {
    const rig = new SimRig();
    rig.module.write(Buffer.from('AT\r'));
    expect(rig.take()).to.equal('');
    rig.module.power(true);
    rig.advance(rig.module.timing.bootMs - 1);
    rig.module.write(Buffer.from('AT\r'));
    expect(rig.take()).to.equal('');
    expect(rig.module.phase).to.equal('booting');
    rig.advance(1);
    expect(rig.take()).to.equal('\r\nRDY\r\n');
  });

  it('prints RDY when booted, then +CPIN: READY once the SIM is initialised', () => {
    const rig = new SimRig();
    rig.module.power(true);
    rig.advance(READY_MS);
    const { bootMs, simInitMs } = rig.module.timing;
    expect(rig.heard.slice(0, 2)).to.deep.equal([
      { at: bootMs, text: 'RDY' },
      { at: bootMs + simInitMs, text: '+CPIN: READY' },
    ]);
  });

  it('echoes byte by byte at boot and stops after ATE0', () => {
    const rig = new SimRig();
    rig.module.power(true);
    rig.advance(READY_MS);
    rig.take();
    for (const ch of 'AT') {
      rig.module.write(Buffer.from(ch));
      expect(rig.take()).to.equal(ch);
    }
    rig.module.write(Buffer.from('\r'));
    expect(rig.take()).to.equal('\r\r\nOK\r\n');
    expect(rig.at('ATE0')).to.deep.equal(['ATE0', 'OK']);
    rig.module.write(Buffer.from('AT\r'));
    expect(rig.take()).to.equal('\r\nOK\r\n');
  });

  it('speaks the dialect of its profile', () => {
    const rig = new SimRig({ profile: 'quectel-bg95' }).ready();
    expect(rig.heard.slice(0, 4).map((l) => l.text)).to.deep.equal(['RDY', '+CPIN: READY', '+QUSIM: 1', 'SMS DONE']);
    rig.at('AT+CGEREP=2,1');
    expect(rig.at('AT+CGACT=1,1')).to.deep.equal(['+CGEV: PDN ACT 1', 'OK']);
    expect(rig.at('AT+CGMM')).to.deep.equal(['BG95-M3', 'OK']);
    expect(() => new SimRig({ profile: 'nokia-3310' })).to.throw(/unknown simulated module profile "nokia-3310"; known: generic-27007, quectel-bg95, quectel-eg25/);
  });

  it('ATZ restores the boot settings, echo included', () => {
    const rig = new SimRig().ready();
    rig.at('AT+CMEE=2');
    expect(rig.at('ATZ')).to.deep.equal(['OK']);
    expect(rig.at('AT+CMEE?')).to.deep.equal(['AT+CMEE?', '+CMEE: 0', 'OK']);
  });

  it('ignores anything before the AT prefix, and lines without one', () => {
    const rig = new SimRig().ready();
    expect(rig.at('xyz AT+CGMI')).to.deep.equal(['SimOTA', 'OK']);
    expect(rig.at('hello')).to.deep.equal([]);
    expect(rig.at('at+cgmi')).to.deep.equal(['SimOTA', 'OK']);
  });

  it('runs ;-concatenated commands in order, under one final result code', () => {
    const rig = new SimRig().ready();
    expect(rig.at('AT+CMEE=1;+CGEREP=2,1')).to.deep.equal(['OK']);
    expect(rig.at('AT+CMEE?;+CEREG?;+CGMM')).to.deep.equal(['+CMEE: 1', '+CEREG: 0,5', 'VM-27007', 'OK']);
    expect(rig.at('AT+CMEE=0;+NOPE;+CMEE=2')).to.deep.equal(['ERROR']);
    expect(rig.at('AT+CMEE?')).to.deep.equal(['+CMEE: 0', 'OK']);
  });

  it('reports an unknown command as ERROR, +CME ERROR: 4 or verbose per AT+CMEE', () => {
    const rig = new SimRig().ready();
    expect(rig.at('AT+NOPE')).to.deep.equal(['ERROR']);
    rig.at('AT+CMEE=1');
    expect(rig.at('AT+NOPE')).to.deep.equal(['+CME ERROR: 4']);
    expect(rig.at('AT+NOPE=?')).to.deep.equal(['+CME ERROR: 4']);
    rig.at('AT+CMEE=2');
    expect(rig.at('AT+NOPE?')).to.deep.equal(['+CME ERROR: operation not supported']);
    expect(rig.at('AT+CMEE=7')).to.deep.equal(['+CME ERROR: incorrect parameters']);
  });

  it('rejects unknown basic commands and junk rather than ignoring them', () => {
    const rig = new SimRig().ready();
    expect(rig.at('AT#XSOCKET=1')).to.deep.equal(['ERROR']);
    expect(rig.at('ATE0!')).to.deep.equal(['ERROR']);
    expect(rig.at('ATE2')).to.deep.equal(['ERROR']);
    expect(rig.at('AT E0 V1')).to.deep.equal(['OK']);
  });
});

describe('virtual module: identity and SIM commands', () => {
  it('answers ATI and the identity commands from the profile and the module', () => {
    const rig = new SimRig({ imei: '356938035643809' }).ready();
    expect(rig.at('ATI')).to.deep.equal(['SimOTA', 'VM-27007', 'Revision: VM27007R01A01', 'OK']);
    expect(rig.at('AT+CGMI')).to.deep.equal(['SimOTA', 'OK']);
    expect(rig.at('AT+CGMM')).to.deep.equal(['VM-27007', 'OK']);
    expect(rig.at('AT+CGMR')).to.deep.equal(['VM27007R01A01', 'OK']);
    expect(rig.at('AT+CGSN')).to.deep.equal(['356938035643809', 'OK']);
  });

  it('answers +CIMI, +CCID and +CPIN? from the SIM', () => {
    const rig = new SimRig({ imsi: IMSI, iccid: ICCID }).ready();
    expect(rig.at('AT+CIMI')).to.deep.equal([IMSI, 'OK']);
    expect(rig.at('AT+CCID')).to.deep.equal([`+CCID: ${ICCID}`, 'OK']);
    expect(rig.at('AT+CPIN?')).to.deep.equal(['+CPIN: READY', 'OK']);
  });

  it('reports SIM busy before the SIM is initialised', () => {
    const rig = new SimRig();
    rig.module.power(true);
    rig.advance(rig.module.timing.bootMs);
    expect(rig.at('AT+CMEE=1;E0')).to.deep.equal(['AT+CMEE=1;E0', 'OK']);
    expect(rig.at('AT+CPIN?')).to.deep.equal(['+CME ERROR: 14']);
    expect(rig.at('AT+CIMI')).to.deep.equal(['+CME ERROR: 14']);
  });

  it('+CRSM READ BINARY of EF IMSI and EF ICCID decode to the IMSI and ICCID the module reports', () => {
    const rig = new SimRig({ imsi: IMSI, iccid: ICCID }).ready();
    expect(decodeImsi(crsmData(rig.at('AT+CRSM=176,28423,0,0,9')))).to.equal(rig.at('AT+CIMI')[0]);
    const iccidFile = crsmData(rig.at('AT+CRSM=176,12258,0,0,10'));
    expect(decodeIccid(iccidFile)).to.equal(ICCID);
    // P1 P2 are the offset into the file, P3 the length.
    expect([...crsmData(rig.at('AT+CRSM=176,12258,0,4,3'))]).to.deep.equal([...iccidFile.subarray(4, 7)]);
    expect(rig.at('AT+CRSM=176,12258,0,10,1')).to.deep.equal(['+CRSM: 107,0', 'OK']);
    expect(rig.at('AT+CRSM=176,28480,0,0,10')).to.deep.equal(['+CRSM: 106,130', 'OK']);
  });

  it('+CSIM checks that the length counts the hex characters', () => {
    const rig = new SimRig().ready();
    expect(rig.at('AT+CSIM=10,"80F2000000"')).to.deep.equal(['+CSIM: 4,"9000"', 'OK']);
    expect(rig.at('AT+CSIM=5,"80F2000000"')).to.deep.equal(['ERROR']);
    rig.at('AT+CMEE=1');
    expect(rig.at('AT+CSIM=12,"80F2000000"')).to.deep.equal(['+CME ERROR: 50']);
  });
});

describe('virtual module: PDP contexts and registration', () => {
  it('+CGDCONT defines, lists and deletes contexts; cid 1 is the data APN', () => {
    const rig = new SimRig({ dataApn: 'super' }).ready();
    expect(rig.at('AT+CGDCONT?')).to.deep.equal(['+CGDCONT: 1,"IP","super","0.0.0.0",0,0', 'OK']);
    expect(rig.at('AT+CGDCONT=3,"IP","iot.example"')).to.deep.equal(['OK']);
    expect(rig.at('AT+CGDCONT?')).to.deep.equal([
      '+CGDCONT: 1,"IP","super","0.0.0.0",0,0',
      '+CGDCONT: 3,"IP","iot.example","0.0.0.0",0,0',
      'OK',
    ]);
    expect(rig.at('AT+CGDCONT=3')).to.deep.equal(['OK']);
    expect(rig.at('AT+CGDCONT?')).to.deep.equal(['+CGDCONT: 1,"IP","super","0.0.0.0",0,0', 'OK']);
    rig.at('AT+CMEE=1');
    expect(rig.at('AT+CGDCONT=16,"IP","x"')).to.deep.equal(['+CME ERROR: 21']);
  });

  it('+CGACT activates and deactivates, with +CGEV URCs only when +CGEREP asks for them', () => {
    const rig = new SimRig().ready();
    rig.at('AT+CGACT=1,1');
    rig.at('AT+CGACT=0,1');
    expect(rig.linesFrom('+CGEV')).to.deep.equal([]);
    expect(rig.at('AT+CGEREP?')).to.deep.equal(['+CGEREP: 0,0', 'OK']);
    expect(rig.at('AT+CGEREP=2,1')).to.deep.equal(['OK']);
    expect(rig.at('AT+CGEREP?'), 'mode and <bfr> as set').to.deep.equal(['+CGEREP: 2,1', 'OK']);
    expect(rig.at('AT+CGACT=1,1')).to.deep.equal(['+CGEV: ME PDN ACT 1', 'OK']);
    expect(rig.at('AT+CGACT?')).to.deep.equal(['+CGACT: 1,1', 'OK']);
    expect(rig.at('AT+CGACT=0,1')).to.deep.equal(['+CGEV: ME PDN DEACT 1', 'OK']);
    expect(rig.at('AT+CGACT?')).to.deep.equal(['+CGACT: 1,0', 'OK']);
  });

  it('+CEREG=1 reports registration as it happens', () => {
    const rig = new SimRig();
    rig.module.power(true);
    rig.advance(rig.module.timing.bootMs);
    expect(rig.at('ATE0;+CEREG=1')).to.deep.equal(['ATE0;+CEREG=1', 'OK']);
    rig.advance(READY_MS);
    expect(rig.textsFrom('+CEREG')).to.deep.equal(['+CEREG: 2', '+CEREG: 5']);
    expect(rig.at('AT+CEREG?')).to.deep.equal(['+CEREG: 1,5', 'OK']);
  });

  it('+CEREG=2 adds the location to the URC and the read answer', () => {
    const rig = new SimRig().ready();
    rig.at('AT+CEREG=2');
    expect(rig.at('AT+CEREG?')).to.deep.equal(['+CEREG: 2,5,"1A2B","01A2B3C4",7', 'OK']);
    const mark = rig.mark();
    rig.at('AT+CFUN=0');
    rig.at('AT+CFUN=1');
    rig.advance(READY_MS);
    expect(rig.textsFrom('+CEREG', mark)).to.deep.equal(['+CEREG: 0', '+CEREG: 2', '+CEREG: 5,"1A2B","01A2B3C4",7']);
  });

  it('+CFUN=0 drops registration and active contexts; +CFUN=1 registers again', () => {
    const rig = new SimRig().ready();
    rig.at('AT+CEREG=1;+CGEREP=2,1;+CGACT=1,1');
    expect(rig.at('AT+COPS?')).to.deep.equal(['+COPS: 0,0,"Virtual Operator",7', 'OK']);
    expect(rig.at('AT+CFUN=0')).to.deep.equal(['+CGEV: ME PDN DEACT 1', '+CEREG: 0', 'OK']);
    expect(rig.at('AT+CFUN?')).to.deep.equal(['+CFUN: 0', 'OK']);
    expect(rig.at('AT+COPS?')).to.deep.equal(['+COPS: 0', 'OK']);
    rig.at('AT+CMEE=1');
    expect(rig.at('AT+CGACT=1,1')).to.deep.equal(['+CME ERROR: 30']);
    rig.at('AT+CFUN=1');
    rig.advance(READY_MS);
    expect(rig.at('AT+CEREG?')).to.deep.equal(['+CEREG: 1,5', 'OK']);
  });
});
