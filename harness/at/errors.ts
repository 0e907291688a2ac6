import type { AtResponse } from './engine.ts';

export class AtTimeoutError extends Error {
  override name = 'AtTimeoutError';

  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command} timed out: no final result code within ${timeoutMs} rig ms`);
  }
}

export class AtClosedError extends Error {
  override name = 'AtClosedError';

  constructor(readonly command: string) {
    super(`${command} did not complete: the AT engine is closed`);
  }
}

export class AtWriteError extends Error {
  override name = 'AtWriteError';

  constructor(
    readonly command: string,
    cause: unknown,
  ) {
    super(`${command} could not be written to the port: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A command answered with something other than OK; the message names the command, the code and its meaning. */
export class AtCommandError extends Error {
  override name = 'AtCommandError';

  constructor(readonly response: AtResponse) {
    const name = response.error?.name;
    const meaning = name && !response.final.includes(name) ? ` (${name})` : '';
    super(`${response.command} failed: ${response.final}${meaning}`);
  }
}
