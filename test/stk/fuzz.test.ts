// Property tests: malformed input only ever ends in StkDecodeError, and random valid messages
// survive encode → decode.
import { expect } from 'chai';
import {
  bytesToHex,
  decodeStk,
  encodeEnvelope,
  encodeProactive,
  encodeTerminalResponse,
  hexToBytes,
  parseCommandApdu,
  parseCsimResponse,
  StkDecodeError,
  terminalProfileBip,
  type OtherAddress,
  type StkFields,
} from '../../harness/stk/index.ts';
import { CLOSE_CHANNEL, DATA_AVAILABLE_ENVELOPE, FORCE_CHECK_APDU, OPEN_CHANNEL } from './examples.ts';

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!,
    bytes: (min: number, max: number) => Uint8Array.from({ length: int(min, max) }, () => int(0, 255)),
  };
}
type Random = ReturnType<typeof prng>;

const KNOWN_TAGS = [0x01, 0x02, 0x03, 0x05, 0x12, 0x13, 0x19, 0x1b, 0x24, 0x25, 0x2f, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3c, 0x3e, 0x47];
const EXAMPLES = [OPEN_CHANNEL, CLOSE_CHANNEL, DATA_AVAILABLE_ENVELOPE, FORCE_CHECK_APDU.slice(10)].map(hexToBytes);

/** Data objects with tags this codec knows, mostly well framed, with random values. */
function plausibleTlvs(rnd: Random): number[] {
  const out: number[] = [];
  for (let n = rnd.int(0, 6); n > 0; n--) {
    const tag = rnd.chance(0.85) ? rnd.pick(KNOWN_TAGS) : rnd.int(0, 255);
    const value = rnd.bytes(0, rnd.chance(0.8) ? 6 : 20);
    out.push(tag | (rnd.chance(0.5) ? 0x80 : 0), rnd.chance(0.9) ? value.length : rnd.int(0, 255), ...value);
  }
  return out;
}

function randomInput(rnd: Random): Uint8Array {
  switch (rnd.int(0, 3)) {
    case 0:
      return rnd.bytes(0, 48);
    case 1: {
      const body = [...(rnd.chance(0.7) ? [0x81, 0x03, rnd.int(0, 255), rnd.pick([0x40, 0x41, 0x43, 0x27, 0x01]), rnd.int(0, 7)] : []), ...plausibleTlvs(rnd)];
      const start = rnd.pick([0xd0, 0xd6, 0xd1, 0xd7]);
      return Uint8Array.from([start, rnd.chance(0.9) ? body.length : rnd.int(0, 255), ...body]);
    }
    case 2:
      return Uint8Array.from([0x81, 0x03, rnd.int(0, 255), rnd.int(0, 255), rnd.int(0, 255), ...plausibleTlvs(rnd)]);
    default: {
      const bytes = Uint8Array.from(rnd.pick(EXAMPLES));
      for (let n = rnd.int(1, 3); n > 0; n--) bytes[rnd.int(0, bytes.length - 1)] = rnd.int(0, 255);
      return rnd.chance(0.3) ? bytes.subarray(0, rnd.int(0, bytes.length)) : bytes;
    }
  }
}

/** Runs `fn`; an exception must be a StkDecodeError pointing inside (or just past) the input. */
function decodesOrRejects(fn: () => unknown, inputLength: number, label: string): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (!(err instanceof StkDecodeError)) throw new Error(`${label}: ${String(err)}`, { cause: err });
    expect(Number.isInteger(err.offset) && err.offset >= 0 && err.offset <= inputLength, `${label}: ${err.message}`).to.equal(true);
    return false;
  }
}

describe('STK decoder fuzz', () => {
  it('either decodes or throws StkDecodeError for 5000 random byte strings', () => {
    const rnd = prng(20240611);
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const bytes = randomInput(rnd);
      const ok = decodesOrRejects(() => JSON.stringify(decodeStk(bytes)), bytes.length, `input ${i} ${bytesToHex(bytes)}`);
      if (ok) decoded++;
      else rejected++;
    }
    // the generator has to reach both outcomes for the test to mean anything
    expect(decoded).to.be.greaterThan(500);
    expect(rejected).to.be.greaterThan(500);
  });

  it('hex, APDU, +CSIM and terminal profile parsers only ever throw StkDecodeError', () => {
    const rnd = prng(7);
    const alphabet = '0123456789ABCDEFabcdef +CSIM:",G\t';
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: rnd.int(0, 24) }, () => rnd.pick([...alphabet])).join('');
      decodesOrRejects(() => hexToBytes(text), text.length, `hex ${JSON.stringify(text)}`);
      decodesOrRejects(() => parseCsimResponse(text), text.length, `csim ${JSON.stringify(text)}`);
      const line = `+CSIM: ${rnd.int(0, 12)},"${bytesToHex(rnd.bytes(0, 5))}"`;
      decodesOrRejects(() => parseCsimResponse(line), line.length, `csim ${line}`);
      const bytes = rnd.bytes(0, 12);
      decodesOrRejects(() => parseCommandApdu(bytes), bytes.length, `apdu ${bytesToHex(bytes)}`);
      expect(terminalProfileBip(bytes).missing).to.be.an('array');
    }
  });
});

// ---- random valid messages ----

const hex = (bytes: Uint8Array) => bytesToHex(bytes);
const TEXT_CHARACTERS = [...'AZaz09 @£$_!?[]{}€ΩΔéÄ'];

function randomAddress(rnd: Random): OtherAddress {
  if (rnd.chance(0.5)) return { type: 'IPv4', value: [...rnd.bytes(4, 4)].join('.') };
  // no zero groups, so the text is already in the RFC 5952 form decoding gives back
  const groups = Array.from({ length: 8 }, () => rnd.int(1, 0xffff).toString(16));
  return { type: 'IPv6', value: groups.join(':') };
}

/** Random fields in the shape decoding gives back (see `asInput`), each present half of the time. */
function randomFields(rnd: Random): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const maybe = (name: string, make: () => unknown) => {
    if (rnd.chance(0.5)) fields[name] = make();
  };
  maybe('alphaId', () => Array.from({ length: rnd.int(0, 8) }, () => rnd.pick(TEXT_CHARACTERS)).join(''));
  maybe('bearer', () => ({ type: rnd.int(0, 255), params: hex(rnd.bytes(0, 6)) }));
  maybe('bufferSize', () => rnd.int(0, 0xffff));
  maybe('apn', () => Array.from({ length: rnd.int(1, 3) }, () => rnd.pick(['ota', 'super', 'm2m-1', 'x'])).join('.'));
  maybe('localAddress', () => (rnd.chance(0.3) ? { type: 'dynamic' } : randomAddress(rnd)));
  maybe('transport', () => (rnd.chance(0.8) ? { protocolCode: rnd.int(1, 6), port: rnd.int(0, 0xffff) } : { protocolCode: rnd.int(0, 255) }));
  if (fields.transport !== undefined) maybe('address', () => randomAddress(rnd));
  maybe('channelData', () => hex(rnd.bytes(0, 24)));
  maybe('channelDataLength', () => rnd.int(0, 255));
  const channelStatus = () => ({ channelId: rnd.int(0, 7), linkUp: rnd.chance(0.5), info: rnd.pick([0, 5, rnd.int(0, 255)]) });
  maybe('channelStatus', channelStatus);
  if (fields.channelStatus !== undefined) maybe('additionalChannelStatus', () => Array.from({ length: rnd.int(1, 2) }, channelStatus));
  maybe('eventList', () => Array.from({ length: rnd.int(0, 4) }, () => rnd.int(0, 255)));
  maybe('timer', () => (rnd.chance(0.7) ? { id: rnd.int(1, 8), value: rnd.int(0, 99 * 3600 + 59 * 60 + 59) } : { id: rnd.int(1, 8) }));
  maybe('locationStatus', () => rnd.int(0, 2));
  maybe('locationInfo', () => {
    const nr = rnd.chance(0.2);
    const [areaCodeBytes, cellIdBytes] = nr ? [3, 5] : [2, rnd.pick([2, 4])];
    return {
      mcc: String(rnd.int(100, 999)),
      mnc: String(rnd.chance(0.5) ? rnd.int(10, 99) : rnd.int(100, 999)),
      areaCode: hex(rnd.bytes(areaCodeBytes, areaCodeBytes)),
      cellId: hex(rnd.bytes(cellIdBytes, cellIdBytes)),
    };
  });
  // a path is 3F00 and then file ids that are not 3F00 again
  maybe('fileList', () =>
    Array.from({ length: rnd.int(0, 2) }, () => {
      const idBytes = rnd.pick([2, 4]);
      return `3F00${hex(rnd.bytes(idBytes, idBytes)).replace(/3F00/g, '2F00')}`;
    }),
  );
  maybe('aid', () => hex(rnd.bytes(1, 8)));
  maybe('unknown', () => Array.from({ length: rnd.int(1, 2) }, () => ({ tag: rnd.int(0x50, 0x5f), cr: rnd.chance(0.5), value: hex(rnd.bytes(0, 4)) })));
  return fields;
}

/** A decoded message reduced to the shape of `randomFields`: codes instead of names. */
function asInput(decoded: StkFields): Record<string, unknown> {
  const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const status = (s: { channelId: number; linkUp: boolean; info: number }) => ({ channelId: s.channelId, linkUp: s.linkUp, info: s.info });
  const { bearer, transport, channelStatus, additionalChannelStatus, eventList, locationStatus } = decoded;
  return strip({
    alphaId: decoded.alphaId,
    bearer: bearer && { type: bearer.type, params: bearer.params },
    bufferSize: decoded.bufferSize,
    apn: decoded.apn,
    localAddress: decoded.localAddress,
    transport: transport && strip({ protocolCode: transport.protocolCode, port: transport.port }),
    address: decoded.address,
    channelData: decoded.channelData,
    channelDataLength: decoded.channelDataLength,
    channelStatus: channelStatus && status(channelStatus),
    additionalChannelStatus: additionalChannelStatus?.map(status),
    eventList: eventList?.map((e) => e.code),
    timer: decoded.timer,
    locationStatus: locationStatus?.code,
    locationInfo: decoded.locationInfo,
    fileList: decoded.fileList,
    aid: decoded.aid,
    unknown: decoded.unknown,
  });
}

describe('STK encode → decode property', () => {
  it('keeps every field of 2000 random proactive commands, terminal responses and envelopes', () => {
    const rnd = prng(99);
    for (let i = 0; i < 2000; i++) {
      const fields = randomFields(rnd);
      const details = { number: rnd.int(0, 255), type: rnd.pick([0x01, 0x05, 0x27, 0x40, 0x41, 0x42, 0x43, 0x44]), qualifier: rnd.int(0, 255) };
      const kind = rnd.pick(['proactive', 'terminal-response', 'envelope'] as const);
      let bytes: Uint8Array;
      if (kind === 'proactive') bytes = encodeProactive({ ...details, ...fields });
      else if (kind === 'terminal-response') {
        const result = { general: rnd.int(0, 255), ...(rnd.chance(0.5) ? { additional: hex(rnd.bytes(1, 2)) } : {}) };
        fields.result = result;
        bytes = encodeTerminalResponse({ ...details, ...fields, result });
      } else bytes = encodeEnvelope({ tag: rnd.int(0xd1, 0xdf), ...fields });
      const decoded = decodeStk(bytes);
      const label = `message ${i} (${kind}) ${bytesToHex(bytes)}`;
      expect(decoded.kind, label).to.equal(kind);
      if (decoded.kind !== 'envelope') expect(decoded, label).to.include(details);
      const { result, ...sent } = fields;
      expect(asInput(decoded), label).to.deep.equal(sent);
      if (decoded.kind === 'terminal-response') expect(decoded.result, label).to.deep.include(result as object);
    }
  });
});
