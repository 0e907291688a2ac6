// Reading flag values the commands share: a value parsed with its error worded as the flag's, and
// the rig file a --rig names.
import { resolve } from 'node:path';
import { ConfigError } from '../config/index.ts';
import { UsageError } from '../output/errors.ts';
import { loadRigFile, type Rig } from '../rig/rig-file.ts';

/** A flag's value read by `parse`; its error is a usage error naming the command and the flag. */
export function flagValue<T>(command: string, name: string, text: string | undefined, parse: (text: string) => T): T | undefined {
  if (text === undefined) return undefined;
  try {
    return parse(text);
  } catch (error) {
    throw new UsageError(`${command}: ${name}: ${(error as Error).message}`);
  }
}

export function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`takes a positive number, got "${text}"`);
  return value;
}

/** The entries that have a value. */
export function defined<T extends object>(entries: T): Partial<T> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The rig file `path` names; its problems (file:line:col) are usage errors. */
export async function loadRigFlag(path: string): Promise<Rig> {
  try {
    return await loadRigFile(resolve(path));
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
