// The SIM's state (+CPIN) and the packet-domain registration (+CEREG, +CGREG) as modules of every
// access technology answer them: an LTE module, a 2G/3G module with no +CEREG, and a multi-RAT module
// registered on its 2G fallback while +CEREG says it is not registered on LTE.
import { expect } from 'chai';
import { iccidDigits, identityValue, parseRegistration, parseSimStatus, RegistrationReader, registeredForData } from '../../harness/module/index.ts';
import { fakeRig, framed } from '../at/fake-module.ts';

describe('SIM status (+CPIN)', () => {
  it('reads READY and what a locked SIM waits for, with the spacing and quotes modules use', () => {
    expect(parseSimStatus(['+CPIN: READY'])).to.equal('READY');
    expect(parseSimStatus(['+CPIN:READY'])).to.equal('READY');
    expect(parseSimStatus(['+CPIN: "READY"'])).to.equal('READY');
    expect(parseSimStatus(['+CPIN: SIM PIN'])).to.equal('SIM PIN');
    expect(parseSimStatus(['+CME ERROR: 10'])).to.equal(undefined);
    expect(parseSimStatus(['x+CPIN: READY'])).to.equal(undefined);
  });
});

describe('registration (+CEREG, +CGREG)', () => {
  it('reads the stat of the read form, with or without location fields and spaces', () => {
    expect(parseRegistration(['+CEREG: 2,5,"1A2B","01A2B3C4",7'], '+CEREG')).to.deep.equal({ line: '+CEREG: 2,5,"1A2B","01A2B3C4",7', stat: 5 });
    expect(parseRegistration(['+CGREG: 0, 1'], '+CGREG')?.stat).to.equal(1);
    // The unsolicited form has no <n>: it is not an answer to the read command.
    expect(parseRegistration(['+CEREG: 1'], '+CEREG')).to.equal(undefined);
    expect(parseRegistration(['+CGREG: 0,1'], '+CEREG')).to.equal(undefined);
  });

  it('counts as registered for data only home, roaming and, on EPS, "CSFB not preferred"', () => {
    const stats = (prefix: '+CEREG' | '+CGREG') => [...Array(11).keys()].filter((stat) => registeredForData({ line: '', stat }, prefix));
    expect(stats('+CEREG')).to.deep.equal([1, 5, 9, 10]);
    expect(stats('+CGREG')).to.deep.equal([1, 5]);
  });

  function reader(answers: Record<string, string[]>) {
    const rig = fakeRig((input) => {
      const queue = answers[input];
      return queue && queue.length > 1 ? queue.shift() : queue?.[0];
    });
    rig.module.echo = false;
    return { registration: new RegistrationReader(rig.engine), read: rig.module.read };
  }

  it('an LTE module registered in +CEREG is not asked +CGREG', async () => {
    const { registration, read } = reader({ 'AT+CEREG?': [framed('+CEREG: 0,1', 'OK')] });
    expect(await registration.read()).to.deep.equal({ registered: true, answers: ['+CEREG: 0,1'] });
    expect(read).to.deep.equal(['AT+CEREG?']);
  });

  it('a 2G/3G module that has no +CEREG is registered by +CGREG, and not asked +CEREG again', async () => {
    const { registration, read } = reader({ 'AT+CEREG?': [framed('ERROR')], 'AT+CGREG?': [framed('+CGREG: 0,2', 'OK'), framed('+CGREG: 0,5', 'OK')] });
    expect(await registration.read()).to.deep.equal({ registered: false, answers: ['AT+CEREG? ERROR', '+CGREG: 0,2'] });
    expect(await registration.read()).to.deep.equal({ registered: true, answers: ['+CGREG: 0,5'] });
    expect(read).to.deep.equal(['AT+CEREG?', 'AT+CGREG?', 'AT+CGREG?']);
  });

  it('a multi-RAT module on its 2G fallback is registered, though +CEREG says not', async () => {
    const { registration } = reader({ 'AT+CEREG?': [framed('+CEREG: 0,0', 'OK')], 'AT+CGREG?': [framed('+CGREG: 0,1', 'OK')] });
    expect(await registration.read()).to.deep.equal({ registered: true, answers: ['+CEREG: 0,0', '+CGREG: 0,1'] });
  });

  it('a module registered for SMS only is not registered for data', async () => {
    const { registration } = reader({ 'AT+CEREG?': [framed('+CEREG: 0,6', 'OK')], 'AT+CGREG?': [framed('+CME ERROR: 4')] });
    expect(await registration.read()).to.deep.equal({ registered: false, answers: ['+CEREG: 0,6', 'AT+CGREG? +CME ERROR: 4'] });
  });
});

describe('identity answers', () => {
  it('takes the value with or without the name prefix and quotes', () => {
    expect(identityValue(['', 'BG95M3LAR02A03'])).to.equal('BG95M3LAR02A03');
    expect(identityValue(['+CGMR: "mfw_nrf9160_1.3.5"'])).to.equal('mfw_nrf9160_1.3.5');
    expect(identityValue(['+QCCID: 89883070000012345674'])).to.equal('89883070000012345674');
    expect(identityValue(['^ICCID: 89883070000012345674'])).to.equal('89883070000012345674');
    expect(identityValue(['Revision:1951B04SIM7080'])).to.equal('1951B04SIM7080');
    expect(identityValue([])).to.equal(undefined);
  });

  it('keeps the ICCID\'s digits: no F padding, no quotes; nothing from an answer without digits', () => {
    expect(iccidDigits('8988307000001234567F')).to.equal('8988307000001234567');
    expect(iccidDigits('"89883070000012345674"')).to.equal('89883070000012345674');
    expect(iccidDigits('ERROR')).to.equal(undefined);
    expect(iccidDigits(undefined)).to.equal(undefined);
  });
});
