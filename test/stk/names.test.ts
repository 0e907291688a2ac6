// The STK code tables against the names ETSI TS 102 223 §9.4 gives the types of command.
import { expect } from 'chai';
import { CommandType, commandTypeName } from '../../harness/stk/index.ts';

// Copied from the table of TS 102 223 §9.4 (type of command coding), as the specification spells them.
const SPECIFIED_NAMES: Record<number, string> = {
  0x01: 'REFRESH',
  0x02: 'MORE TIME',
  0x03: 'POLL INTERVAL',
  0x04: 'POLLING OFF',
  0x05: 'SET UP EVENT LIST',
  0x10: 'SET UP CALL',
  0x11: 'SEND SS',
  0x12: 'SEND USSD',
  0x13: 'SEND SHORT MESSAGE',
  0x14: 'SEND DTMF',
  0x15: 'LAUNCH BROWSER',
  0x20: 'PLAY TONE',
  0x21: 'DISPLAY TEXT',
  0x22: 'GET INKEY',
  0x23: 'GET INPUT',
  0x24: 'SELECT ITEM',
  0x25: 'SET UP MENU',
  0x26: 'PROVIDE LOCAL INFORMATION',
  0x27: 'TIMER MANAGEMENT',
  0x28: 'SET UP IDLE MODE TEXT',
  0x34: 'RUN AT COMMAND',
  0x35: 'LANGUAGE NOTIFICATION',
  0x40: 'OPEN CHANNEL',
  0x41: 'CLOSE CHANNEL',
  0x42: 'RECEIVE DATA',
  0x43: 'SEND DATA',
  0x44: 'GET CHANNEL STATUS',
};

describe('STK type of command names (TS 102 223 §9.4)', () => {
  for (const code of Object.values(CommandType)) {
    it(`type ${code.toString(16).padStart(2, '0')} is named as the specification names it`, () => {
      expect(SPECIFIED_NAMES, `type ${code.toString(16)} is not in the specification's table here`).to.have.property(String(code));
      expect(commandTypeName(code)).to.equal(SPECIFIED_NAMES[code]);
    });
  }
});
