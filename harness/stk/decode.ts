import { decodeEnvelope, type Envelope } from './envelope.ts';
import { StkDecodeError } from './errors.ts';
import { asBytes, byteHex, type BytesLike } from './hex.ts';
import { isEnvelopeTag, PROACTIVE_COMMAND_TAG, Tag } from './names.ts';
import { decodeProactive, type ProactiveCommand } from './proactive.ts';
import { decodeTerminalResponse, type TerminalResponse } from './terminal-response.ts';
import { COMPREHENSION_REQUIRED } from './tlv.ts';

export type StkMessage = ProactiveCommand | TerminalResponse | Envelope;

/**
 * Decodes a proactive command (D0), an envelope (D1..DF) or a terminal response (starts with
 * command details, 01 or 81). Throws StkDecodeError on anything malformed.
 */
export function decodeStk(input: BytesLike): StkMessage {
  const bytes = asBytes(input);
  if (bytes.length === 0) throw new StkDecodeError(0, 'empty input');
  const first = bytes[0]!;
  if (first === PROACTIVE_COMMAND_TAG) return decodeProactive(bytes);
  if (isEnvelopeTag(first)) return decodeEnvelope(bytes);
  if ((first & ~COMPREHENSION_REQUIRED) === Tag.COMMAND_DETAILS) return decodeTerminalResponse(bytes);
  throw new StkDecodeError(
    0,
    `0x${byteHex(first)} starts neither a proactive command (D0), an envelope (D1..DF) nor a terminal response (01/81)`,
  );
}
