// The PPK2 protocol: a constructed sample stream decodes exactly (ADC, ranges, counter, digital
// inputs), whatever its chunking; a malformed stream is rejected, saying why; metadata and commands.
import { expect } from 'chai';
import {
  DEFAULT_CALIBRATION, encodeSampleWord, formatMetadata, LINEAR_CALIBRATION, linearWord, parseMetadata, ppk2Commands, SampleDecoder, wordCurrent, type SampleWord,
} from '../../harness/energy/index.ts';

const WORDS: SampleWord[] = [
  { adc: 0, range: 0, counter: 62, logic: 0x00 },
  { adc: 0x3fff, range: 1, counter: 63, logic: 0xff },
  { adc: 1234, range: 2, counter: 0, logic: 0x85 },
  { adc: 9, range: 3, counter: 1, logic: 0x01 },
  { adc: 8191, range: 4, counter: 2, logic: 0x40 },
];

const stream = (words: SampleWord[]) => Buffer.concat(words.map((word) => encodeSampleWord(word)));

describe('PPK2 sample words', () => {
  it('decodes a constructed stream exactly, split at every byte', () => {
    const bytes = stream(WORDS);
    expect(new SampleDecoder().push(bytes)).to.deep.equal(WORDS);
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new SampleDecoder();
      const words = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(words, `cut at ${cut}`).to.deep.equal(WORDS);
      decoder.end();
    }
  });

  it('lays the fields out as the PPK2 does: ADC bits 0–13, range 14–16, counter 18–23, inputs 24–31', () => {
    expect([...encodeSampleWord({ adc: 0x1234, range: 3, counter: 0x2a, logic: 0xa5 })]).to.deep.equal([0x34, 0xd2, 0xa8, 0xa5]);
  });

  it('rejects a range beyond the five the PPK2 has', () => {
    const bad = stream(WORDS.slice(0, 2));
    bad.writeUInt32LE(((bad.readUInt32LE(4) & ~(7 << 14)) | (6 << 14)) >>> 0, 4);
    expect(() => new SampleDecoder().push(bad)).to.throw(/sample word 1 \(0x[0-9a-f]{8}\): range 6, expected 0 to 4/);
  });

  it('rejects a stream that lost words, naming how many', () => {
    const lossy = stream([WORDS[0]!, WORDS[3]!]);
    expect(() => new SampleDecoder().push(lossy)).to.throw(/sample word 1 .*counter 1, expected 63: 2 word\(s\) lost or the stream is out of step/);
  });

  it('rejects a stream read out of step with its words', () => {
    const shifted = stream(WORDS).subarray(1);
    expect(() => new SampleDecoder().push(shifted)).to.throw(/out of step|range \d, expected 0 to 4/);
  });

  it('rejects a stream that ends inside a word', () => {
    const decoder = new SampleDecoder();
    decoder.push(stream(WORDS).subarray(0, 6));
    expect(() => decoder.end()).to.throw('PPK2 sample stream ends inside a word: 2 byte(s) after word 1');
  });
});

describe('PPK2 currents', () => {
  it("converts a word with Nordic's formula and the calibration's gains and offsets", () => {
    const calibration = { ...DEFAULT_CALIBRATION, gs: [0, 0, 0, 0, 0], o: [0, 0, 100, 0, 0], ug: [1, 1, 1.1, 1, 1] };
    const expected = 1.1 * ((1234 * 4 - 100) * (1.8 / 163_840 / 10.15));
    expect(wordCurrent({ adc: 1234, range: 2 }, calibration, 3700)).to.be.closeTo(expected, 1e-15);
  });

  it('picks the most sensitive range a current fits, as the virtual PPK2 does', () => {
    for (const amperes of [0, 5e-6, 650e-6, 7e-3, 0.05, 0.3, 0.9]) {
      const word = linearWord(amperes, LINEAR_CALIBRATION);
      const step = wordCurrent({ adc: 1, range: word.range }, LINEAR_CALIBRATION, 3700);
      expect(Math.abs(wordCurrent(word, LINEAR_CALIBRATION, 3700) - amperes), `${amperes} A`).to.be.at.most(step / 2 + 1e-15);
      if (word.range > 0) expect(linearWord(amperes, LINEAR_CALIBRATION).adc).to.be.at.most(0x3fff);
    }
    expect(linearWord(650e-6, LINEAR_CALIBRATION).range).to.equal(0);
    expect(linearWord(7e-3, LINEAR_CALIBRATION).range).to.equal(1);
  });
});

describe('PPK2 metadata and commands', () => {
  it('reads the calibration back from the text it prints', () => {
    const calibration = { ...DEFAULT_CALIBRATION, r: [1000.5, 100.25, 10, 1, 0.05] };
    const meta = parseMetadata(formatMetadata(calibration, { VDD: 3700, HW: 9 }));
    expect(meta.calibration).to.deep.equal(calibration);
    expect(meta.values.vdd).to.equal(3700);
  });

  it('takes -nan as no value, and rejects a line that is not "key: number"', () => {
    expect(parseMetadata('R0: -nan\nR1: 99\nEND\n').calibration.r.slice(0, 2)).to.deep.equal([1031.64, 99]);
    expect(() => parseMetadata('R0: 1\nR1 = 2\nEND')).to.throw('PPK2 metadata line 2: expected "key: number", got "R1 = 2"');
    expect(() => parseMetadata('R0: 1\n')).to.throw(/no END line/);
  });

  it('encodes the command bytes', () => {
    expect([...ppk2Commands.powerMode('source')]).to.deep.equal([0x11, 2]);
    expect([...ppk2Commands.powerMode('ampere')]).to.deep.equal([0x11, 1]);
    expect([...ppk2Commands.supplyVoltage(3700)]).to.deep.equal([0x0d, 0x0e, 0x74]);
    expect([...ppk2Commands.dutPower(false)]).to.deep.equal([0x0c, 0]);
    expect([...ppk2Commands.averageStart(), ...ppk2Commands.averageStop(), ...ppk2Commands.getMetadata()]).to.deep.equal([0x06, 0x07, 0x19]);
    expect(() => ppk2Commands.supplyVoltage(6000)).to.throw('PPK2 supply voltage: expected 800 to 5000 mV, got 6000');
  });
});
