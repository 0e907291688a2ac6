import { expect } from 'chai';
import {
  hexToBytes,
  terminalProfileBip,
  TERMINAL_PROFILE_WITH_BIP,
  TERMINAL_PROFILE_WITHOUT_BIP,
} from '../../harness/stk/index.ts';

/** TERMINAL_PROFILE_WITH_BIP with one bit (numbered from 1, as in TS 102 223 §5.2) cleared. */
function withoutBit(byteNumber: number, bitNumber: number): Uint8Array {
  const profile = hexToBytes(TERMINAL_PROFILE_WITH_BIP);
  profile[byteNumber - 1]! &= ~(1 << (bitNumber - 1));
  return profile;
}

describe('terminal profile BIP capabilities', () => {
  it('finds everything an OTA session needs in the profile with BIP', () => {
    const caps = terminalProfileBip(TERMINAL_PROFILE_WITH_BIP);
    expect(caps).to.include({
      openChannel: true,
      closeChannel: true,
      receiveData: true,
      sendData: true,
      getChannelStatus: true,
      gprsBearer: true,
      channels: 1,
      tcpClientRemote: true,
      udpClientRemote: true,
      dataAvailableEvent: true,
      channelStatusEvent: true,
      supportsOtaSession: true,
    });
    expect(caps.missing).to.deep.equal([]);
  });

  it('lists every missing capability of the profile without BIP', () => {
    const caps = terminalProfileBip(TERMINAL_PROFILE_WITHOUT_BIP);
    expect(caps.supportsOtaSession).to.equal(false);
    expect(caps.missing).to.deep.equal([
      'OPEN CHANNEL',
      'CLOSE CHANNEL',
      'RECEIVE DATA',
      'SEND DATA',
      'GET CHANNEL STATUS',
      'packet bearer (GPRS or E-UTRAN)',
      'at least one channel',
      'TCP or UDP client remote transport',
      'data available event',
      'channel status event',
    ]);
  });

  describe('reads each requirement from its own bit', () => {
    const bits: [number, number, string][] = [
      [12, 1, 'OPEN CHANNEL'],
      [12, 2, 'CLOSE CHANNEL'],
      [12, 3, 'RECEIVE DATA'],
      [12, 4, 'SEND DATA'],
      [12, 5, 'GET CHANNEL STATUS'],
      [6, 3, 'data available event'],
      [6, 4, 'channel status event'],
      [13, 6, 'at least one channel'],
    ];
    for (const [byteNumber, bitNumber, requirement] of bits) {
      it(`byte ${byteNumber} bit ${bitNumber}: ${requirement}`, () => {
        expect(terminalProfileBip(withoutBit(byteNumber, bitNumber)).missing).to.deep.equal([requirement]);
      });
    }
  });

  it('accepts either packet bearer and either remote client transport', () => {
    expect(terminalProfileBip(withoutBit(13, 2))).to.include({ gprsBearer: false, eUtranBearer: true, supportsOtaSession: true });
    const noGprsNoEutran = withoutBit(13, 2);
    noGprsNoEutran[16]! &= ~0x40;
    expect(terminalProfileBip(noGprsNoEutran).missing).to.deep.equal(['packet bearer (GPRS or E-UTRAN)']);
    expect(terminalProfileBip(withoutBit(17, 1))).to.include({ tcpClientRemote: false, supportsOtaSession: true });
    const noTransport = withoutBit(17, 1);
    noTransport[16]! &= ~0x02;
    expect(terminalProfileBip(noTransport).missing).to.deep.equal(['TCP or UDP client remote transport']);
  });

  it('reads the number of channels from byte 13 bits 6-8', () => {
    const profile = hexToBytes(TERMINAL_PROFILE_WITH_BIP);
    profile[12] = 0xe2;
    expect(terminalProfileBip(profile).channels).to.equal(7);
  });

  it('treats bytes missing from a short profile as unsupported', () => {
    const caps = terminalProfileBip('FFFFFFFF1F0C');
    expect(caps.dataAvailableEvent).to.equal(true);
    expect(caps.openChannel).to.equal(false);
    expect(caps.missing).to.include('OPEN CHANNEL');
  });
});
