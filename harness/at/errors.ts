import type { AtResponse } from './engine.ts';

/** No answer in time; `queued` when the command's deadline passed before it was even written. */
export class AtTimeoutError extends Error {
  override name = 'AtTimeoutError';

  constructor(
    readonly command: string,
    readonly timeoutMs: number,
    readonly queued = false,
  ) {
    super(queued
      ? `${command} timed out: still queued when its deadline of ${timeoutMs} rig ms passed`
      : `${command} timed out: no final result code within ${timeoutMs} rig ms`);
  }
}

/** send() refused: as many commands as the engine allows are already waiting for the port. */
export class AtQueueFullError extends Error {
  override name = 'AtQueueFullError';

  constructor(
    readonly command: string,
    readonly limit: number,
  ) {
    super(`${command} not queued: ${limit} commands are already waiting for the port (maxQueued)`);
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
