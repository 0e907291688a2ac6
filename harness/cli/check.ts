// `hil check`: not built yet.
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';

export const CHECK_USAGE = 'usage: hil check';

export async function checkCommand(_args: string[], _out: CliOutput): Promise<number> {
  throw new UsageError('hil check is not built yet');
}
