import { expect } from 'chai';
import { CME_ERRORS, CMS_ERRORS, matchPrefix, parseFinal, responsePrefix } from '../../harness/at/index.ts';

describe('final result codes', () => {
  it('recognises OK and CONNECT as success', () => {
    expect(parseFinal('OK')).to.deep.equal({ ok: true });
    expect(parseFinal('CONNECT')).to.deep.equal({ ok: true });
    expect(parseFinal('CONNECT 150000000')).to.deep.equal({ ok: true });
  });

  for (const kind of ['ERROR', 'NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE', 'ABORTED'] as const) {
    it(`recognises ${kind} as a failure`, () => {
      expect(parseFinal(kind)).to.deep.equal({ ok: false, error: { kind } });
    });
  }

  it('names numeric CME and CMS errors', () => {
    expect(parseFinal('+CME ERROR: 3')).to.deep.equal({ ok: false, error: { kind: 'CME ERROR', code: 3, name: 'operation not allowed' } });
    expect(parseFinal('+CMS ERROR: 500')).to.deep.equal({ ok: false, error: { kind: 'CMS ERROR', code: 500, name: 'unknown error' } });
  });

  it('finds the code of a verbose CME error regardless of case and punctuation', () => {
    expect(parseFinal('+CME ERROR: SIM PIN required')?.error).to.deep.equal({ kind: 'CME ERROR', code: 11, name: 'SIM PIN required' });
    expect(parseFinal('+CME ERROR: PH_SIM PIN Required')?.error).to.deep.equal({ kind: 'CME ERROR', code: 5, name: 'PH-SIM PIN required' });
  });

  it('keeps an unknown verbose text as the name and an unknown number as the code', () => {
    expect(parseFinal('+CME ERROR: modem on fire')?.error).to.deep.equal({ kind: 'CME ERROR', name: 'modem on fire' });
    expect(parseFinal('+CMS ERROR: 777')?.error).to.deep.equal({ kind: 'CMS ERROR', code: 777 });
    expect(parseFinal('+CME ERROR:')?.error).to.deep.equal({ kind: 'CME ERROR' });
  });

  it('does not take information lines for final result codes', () => {
    for (const line of ['OKAY', 'ERRORS', '+CSIM: 4,"9000"', 'CONNECTED', 'NO CARRIERS', '+CME ERRORS: 3', 'ok']) {
      expect(parseFinal(line), line).to.equal(undefined);
    }
  });

  it('maps the TS 27.007 codes the harness meets most', () => {
    const expected: Array<[number, string]> = [
      [0, 'phone failure'], [3, 'operation not allowed'], [4, 'operation not supported'], [10, 'SIM not inserted'],
      [11, 'SIM PIN required'], [13, 'SIM failure'], [14, 'SIM busy'], [15, 'SIM wrong'], [30, 'no network service'],
      [50, 'incorrect parameters'], [100, 'unknown'], [127, 'missing or unknown APN'], [148, 'unspecified GPRS error'],
    ];
    for (const [code, name] of expected) expect(CME_ERRORS.name(code)).to.equal(name);
    expect(CMS_ERRORS.name(310)).to.equal('(U)SIM not inserted');
    expect(CMS_ERRORS.describe('SMSC address unknown')).to.deep.equal({ code: 330, name: 'SMSC address unknown' });
  });
});

describe('prefixes', () => {
  it('derives the response prefix of extended commands', () => {
    expect(responsePrefix('AT+CEREG?')).to.equal('+CEREG:');
    expect(responsePrefix('at+cgdcont=?')).to.equal('+CGDCONT:');
    expect(responsePrefix('AT+CSIM=52,"80C2"')).to.equal('+CSIM:');
    expect(responsePrefix('AT%XICCID')).to.equal('%XICCID:');
    expect(responsePrefix('AT^SSTR?')).to.equal('^SSTR:');
    expect(responsePrefix('ATI')).to.equal(undefined);
    expect(responsePrefix('ATE0')).to.equal(undefined);
  });

  it('matches the longest prefix, and +CUSATEND without a colon', () => {
    expect(matchPrefix('+CUSATEND', ['+CUSATP:', '+CUSATEND'])).to.equal('+CUSATEND');
    expect(matchPrefix('+CUSATE: 9000', ['+CUSATP:', '+CUSATEND'])).to.equal(undefined);
    expect(matchPrefix('NORMAL POWER DOWN', ['POWERED DOWN', 'NORMAL POWER DOWN', 'NORMAL'])).to.equal('NORMAL POWER DOWN');
    // Heads whose hashes share a bucket: each prefix is still compared in full.
    const prefixes = ['%USATEV:', '+QIND:', '+CGEV:', '+CGREG:'];
    expect(['%USATEV: 1', '+QIND: "csq"', '+CGEV: ME PDN ACT 1', '+CGREG: 1'].map((l) => matchPrefix(l, prefixes))).to.deep.equal(prefixes);
    expect(matchPrefix('+QINDX', prefixes)).to.equal(undefined);
  });
});
