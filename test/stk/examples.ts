// Byte strings seen in the field (design brief §5) and helpers shared by the STK tests.
import { expect } from 'chai';
import { StkDecodeError } from '../../harness/stk/index.ts';

/** OPEN CHANNEL: TCP client to 10.0.0.1:4444, APN "internet", GPRS bearer, buffer 1400. */
export const OPEN_CHANNEL = 'D02F8103014003820281820500350702020403051F0239020578470908696E7465726E65743C0302115C3E05210A000001';

/** CLOSE CHANNEL on channel 1. */
export const CLOSE_CHANNEL = 'D009810301410082028121';

/** Event download, data available, with the comprehension-required bit on every tag. */
export const DATA_AVAILABLE_ENVELOPE = 'D60E99010982028281B8028100B70108';

/** The ENVELOPE APDU a SIM vendor documents for forcing an OTA check (location status event). */
export const FORCE_CHECK_APDU = '80C2000015D613190103820282811B0100130799F08900010001';

/** The APN `ota.super` as a network access name data object. */
export const OTA_SUPER_APN_TLV = '470A036F7461057375706572';

/** Runs `fn`, which must throw a StkDecodeError, and returns that error. */
export function decodeError(fn: () => unknown): StkDecodeError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(StkDecodeError);
    return err as StkDecodeError;
  }
  expect.fail('expected a StkDecodeError');
}
