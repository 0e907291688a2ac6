import { expect } from 'chai';
import { stkCommand } from '../../harness/cli/stk.ts';
import { TERMINAL_PROFILE_WITHOUT_BIP } from '../../harness/stk/index.ts';
import { CLOSE_CHANNEL, FORCE_CHECK_APDU } from './examples.ts';

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await stkCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('hil stk', () => {
  it('decodes CLOSE CHANNEL to JSON', async () => {
    const { code, stdout, stderr } = await run('decode', CLOSE_CHANNEL);
    expect(code).to.equal(0);
    expect(stderr).to.equal('');
    expect(JSON.parse(stdout)).to.deep.equal({
      kind: 'proactive',
      number: 1,
      type: 0x41,
      typeName: 'CLOSE CHANNEL',
      qualifier: 0,
      source: 0x81,
      sourceName: 'UICC',
      destination: 0x21,
      destinationName: 'channel 1',
    });
  });

  it('takes the hex split over several arguments and with spaces', async () => {
    const { code, stdout } = await run('decode', 'd0 09 81', '03 01 41 00', '82028121');
    expect(code).to.equal(0);
    expect(JSON.parse(stdout).destinationName).to.equal('channel 1');
  });

  it('prints a one-line error and exits 2 on bad hex', async () => {
    const { code, stdout, stderr } = await run('decode', 'D009XY');
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.equal('hil stk decode: character 4: "X" is not a hex digit');
  });

  it('prints where a malformed TLV breaks', async () => {
    const { code, stderr } = await run('decode', 'D02F8103014003');
    expect(code).to.equal(2);
    expect(stderr).to.equal('hil stk decode: byte 1: length 0x2F (47) runs past the end: only 5 byte(s) follow');
  });

  it('decodes the STK data inside an ENVELOPE APDU, with bytes as hex', async () => {
    const { code, stdout } = await run('apdu', FORCE_CHECK_APDU);
    expect(code).to.equal(0);
    const { apdu, stk } = JSON.parse(stdout);
    expect(apdu).to.include({ insName: 'ENVELOPE', apduCase: 3, data: FORCE_CHECK_APDU.slice(10) });
    expect(stk.eventList).to.deep.equal([{ code: 3, name: 'location status' }]);
  });

  it('reports what a terminal profile lacks for BIP', async () => {
    const { code, stdout } = await run('profile', TERMINAL_PROFILE_WITHOUT_BIP);
    expect(code).to.equal(0);
    expect(JSON.parse(stdout)).to.include({ supportsOtaSession: false, openChannel: false });
  });

  describe('usage errors exit 2 with the usage text', () => {
    for (const args of [[], ['frobnicate', 'D0'], ['decode'], ['decode', '  ']]) {
      it(JSON.stringify(args), async () => {
        const { code, stdout, stderr } = await run(...args);
        expect(code).to.equal(2);
        expect(stdout).to.equal('');
        expect(stderr).to.match(/^hil stk.*\nusage: hil stk <command> <hex>\.\.\./);
      });
    }
  });

  it('prints the usage on help', async () => {
    const { code, stdout } = await run('--help');
    expect(code).to.equal(0);
    expect(stdout).to.contain('decode');
  });
});
