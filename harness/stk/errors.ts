/**
 * Malformed input to one of the STK/APDU decoders.
 * `offset` is 0-based and counted in `unit`s (bytes of the decoded data, or characters of a text
 * input such as hex or an AT response line); the message starts with it, e.g. `byte 5: ...`.
 */
export class StkDecodeError extends Error {
  override readonly name = 'StkDecodeError';

  constructor(
    readonly offset: number,
    readonly reason: string,
    readonly unit: 'byte' | 'character' = 'byte',
  ) {
    super(`${unit} ${offset}: ${reason}`);
  }
}
