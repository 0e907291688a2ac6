// Realistic exchanges: the commands sent, every byte the module said, and what the engine must make of it.

import type { AtEngineOptions, AtFailure, SendOptions } from '../../harness/at/index.ts';

export interface Fixture {
  name: string;
  sends: Array<{ command: string; opts?: SendOptions }>;
  /** Everything the module says, in order; strings are UTF-8, number arrays raw bytes. */
  rx: Array<string | number[]>;
  options?: Partial<AtEngineOptions>;
  expected: {
    responses: Array<{ lines: string[]; final: string; ok: boolean; error?: AtFailure }>;
    urcs: string[];
    writes: string[];
    /** Noise entries in the transcript. */
    noise: number;
  };
}

const OK = { final: 'OK', ok: true } as const;
const CSIM = 'AT+CSIM=52,"80C2000015D613190103820282811B0100130799F08900010001"';
const OPEN_CHANNEL = 'D02F8103014003820281820500350702020403051F0239020578470908696E7465726E65743C0302115C3E052108080808';

export const FIXTURES: Fixture[] = [
  {
    name: 'ATI multi-line, echo on, \\r\\r\\n line ends',
    sends: [{ command: 'ATI' }],
    rx: ['ATI\r\r\nQuectel\r\nBG95-M3\r\nRevision: BG95M3LAR02A03\r\n\r\nOK\r\n'],
    expected: {
      responses: [{ lines: ['Quectel', 'BG95-M3', 'Revision: BG95M3LAR02A03'], ...OK }],
      urcs: [],
      writes: ['ATI\r'],
      noise: 0,
    },
  },
  {
    name: 'AT+CGDCONT? multi-line, echo off',
    sends: [{ command: 'AT+CGDCONT?' }],
    rx: ['\r\n+CGDCONT: 1,"IP","super","0.0.0.0",0,0,0,0\r\n+CGDCONT: 2,"IP","ota.super","0.0.0.0",0,0,0,0\r\n\r\nOK\r\n'],
    expected: {
      responses: [{ lines: ['+CGDCONT: 1,"IP","super","0.0.0.0",0,0,0,0', '+CGDCONT: 2,"IP","ota.super","0.0.0.0",0,0,0,0'], ...OK }],
      urcs: [],
      writes: ['AT+CGDCONT?\r'],
      noise: 0,
    },
  },
  {
    name: 'AT+CSIM force-check envelope, echo on',
    sends: [{ command: CSIM }],
    rx: [`${CSIM}\r\r\n+CSIM: 4,"9000"\r\n\r\nOK\r\n`],
    expected: { responses: [{ lines: ['+CSIM: 4,"9000"'], ...OK }], urcs: [], writes: [`${CSIM}\r`], noise: 0 },
  },
  {
    name: 'AT+CEREG? with a same-prefix URC before the echo and other URCs mid-response',
    sends: [{ command: 'AT+CEREG?' }],
    rx: [
      '\r\n+CEREG: 5,"1A2B","01C2D3E4",7\r\n',
      'AT+CEREG?\r',
      '\r\n+CGEV: ME PDN ACT 1\r\n',
      '\r\n+CEREG: 2,5,"1A2B","01C2D3E4",7\r\n',
      `\r\n+CUSATP: ${OPEN_CHANNEL}\r\n`,
      '\r\n+CUSATEND\r\n',
      '\r\nOK\r\n',
    ],
    expected: {
      responses: [{ lines: ['+CEREG: 2,5,"1A2B","01C2D3E4",7'], ...OK }],
      urcs: ['+CEREG: 5,"1A2B","01C2D3E4",7', '+CGEV: ME PDN ACT 1', `+CUSATP: ${OPEN_CHANNEL}`, '+CUSATEND'],
      writes: ['AT+CEREG?\r'],
      noise: 0,
    },
  },
  {
    name: '+CPIN: READY boot URC just before AT+CPIN?, echo on',
    sends: [{ command: 'AT+CPIN?' }],
    rx: ['\r\nRDY\r\n\r\n+CPIN: READY\r\n', 'AT+CPIN?\r\r\n+CPIN: READY\r\n\r\nOK\r\n'],
    expected: {
      responses: [{ lines: ['+CPIN: READY'], ...OK }],
      urcs: ['RDY', '+CPIN: READY'],
      writes: ['AT+CPIN?\r'],
      noise: 0,
    },
  },
  {
    name: 'AT+CPIN? with echo off: the +CPIN line is the response',
    sends: [{ command: 'AT+CPIN?' }],
    rx: ['\r\n+CPIN: READY\r\n\r\nOK\r\n'],
    expected: { responses: [{ lines: ['+CPIN: READY'], ...OK }], urcs: [], writes: ['AT+CPIN?\r'], noise: 0 },
  },
  {
    name: 'URCs between echo and OK of a set command',
    sends: [{ command: 'AT+CFUN=1' }],
    rx: ['AT+CFUN=1\r\r\n+QUSIM: 1\r\n\r\n+CPIN: READY\r\n\r\nOK\r\n\r\nSMS Ready\r\n'],
    expected: {
      responses: [{ lines: [], ...OK }],
      urcs: ['+QUSIM: 1', '+CPIN: READY', 'SMS Ready'],
      writes: ['AT+CFUN=1\r'],
      noise: 0,
    },
  },
  {
    name: 'bare CR and bare LF line ends',
    sends: [{ command: 'AT' }, { command: 'AT+CGMI' }],
    rx: ['AT\rOK\r', '\nQuectel\n\nOK\n'],
    expected: {
      responses: [
        { lines: [], ...OK },
        { lines: ['Quectel'], ...OK },
      ],
      urcs: [],
      writes: ['AT\r', 'AT+CGMI\r'],
      noise: 0,
    },
  },
  {
    name: 'CME errors, numeric and verbose',
    sends: [{ command: 'AT+CPIN?' }, { command: 'AT+CIMI' }, { command: 'AT+CGATT=1' }],
    rx: ['AT+CPIN?\r\r\n+CME ERROR: 10\r\n', 'AT+CIMI\r\r\n+CME ERROR: SIM not inserted\r\n', 'AT+CGATT=1\r\r\n+CME ERROR: 999\r\n'],
    expected: {
      responses: [
        { lines: [], final: '+CME ERROR: 10', ok: false, error: { kind: 'CME ERROR', code: 10, name: 'SIM not inserted' } },
        { lines: [], final: '+CME ERROR: SIM not inserted', ok: false, error: { kind: 'CME ERROR', code: 10, name: 'SIM not inserted' } },
        { lines: [], final: '+CME ERROR: 999', ok: false, error: { kind: 'CME ERROR', code: 999 } },
      ],
      urcs: [],
      writes: ['AT+CPIN?\r', 'AT+CIMI\r', 'AT+CGATT=1\r'],
      noise: 0,
    },
  },
  {
    name: 'prompt flow: payload written after "> ", echoed with Ctrl-Z',
    sends: [{ command: 'AT+CMGS="+15551234567"', opts: { payload: 'hello' } }],
    rx: ['AT+CMGS="+15551234567"\r\r\n> ', 'hello\x1a', '\r\n+CMGS: 12\r\n\r\nOK\r\n'],
    expected: {
      responses: [{ lines: ['+CMGS: 12'], ...OK }],
      urcs: [],
      writes: ['AT+CMGS="+15551234567"\r', 'hello\x1a'],
      noise: 0,
    },
  },
  {
    name: 'prompt without a space, echo off, CMS error',
    sends: [{ command: 'AT+CMGS=18', opts: { payload: '0011000B915155214365F70000AA0568656C6C6F' } }],
    rx: ['\r\n>', '\r\n+CMS ERROR: 304\r\n'],
    expected: {
      responses: [{ lines: [], final: '+CMS ERROR: 304', ok: false, error: { kind: 'CMS ERROR', code: 304, name: 'invalid PDU mode parameter' } }],
      urcs: [],
      writes: ['AT+CMGS=18\r', '0011000B915155214365F70000AA0568656C6C6F\x1a'],
      noise: 0,
    },
  },
  {
    name: 'a queue of commands: ATE0 turns echo off, UTF-8 operator name, CONNECT ends a dial',
    sends: [{ command: 'ATE0' }, { command: 'AT+CGMR' }, { command: 'AT+COPS?' }, { command: 'ATD*99***1#' }],
    rx: [
      'ATE0\r\r\nOK\r\n',
      '\r\nBG95M3LAR02A03\r\n\r\nOK\r\n',
      '\r\n+COPS: 0,0,"Telefónica",7\r\n\r\n+CGEV: ME PDN ACT 1\r\n\r\nOK\r\n',
      '\r\nCONNECT 150000000\r\n',
    ],
    expected: {
      responses: [
        { lines: [], ...OK },
        { lines: ['BG95M3LAR02A03'], ...OK },
        { lines: ['+COPS: 0,0,"Telefónica",7'], ...OK },
        { lines: [], final: 'CONNECT 150000000', ok: true },
      ],
      urcs: ['+CGEV: ME PDN ACT 1'],
      writes: ['ATE0\r', 'AT+CGMR\r', 'AT+COPS?\r', 'ATD*99***1#\r'],
      noise: 0,
    },
  },
  {
    name: 'boot noise while idle: garbage bytes, a stray OK, unknown URCs',
    sends: [],
    rx: [[0x00, 0xff, 0xfe], '\r\nRDY\r\n\r\nOK\r\n', '\r\nCall Ready\r\n', [0xc3, 0x28], '\r\n+QIND: SMS DONE\r\n'],
    expected: { responses: [], urcs: ['RDY', 'Call Ready', '+QIND: SMS DONE'], writes: [], noise: 3 },
  },
  {
    name: 'hostile bytes and an overlong line inside a response',
    sends: [{ command: 'AT+CSQ' }],
    options: { maxLineLength: 64 },
    rx: ['AT+CSQ\r\r\n', [0x00, 0x00, 0x07], '\r\n+CSQ: 21,99\r\n', 'A'.repeat(200), '\r\n', [0xed, 0xa0, 0x80], '\r\nOK\r\n'],
    expected: { responses: [{ lines: ['+CSQ: 21,99'], ...OK }], urcs: [], writes: ['AT+CSQ\r'], noise: 3 },
  },
];

export function fixtureBytes(fixture: Fixture): Buffer {
  return Buffer.concat(fixture.rx.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
}
