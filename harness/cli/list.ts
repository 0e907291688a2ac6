// `hil list`: not built yet.
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';

export const LIST_USAGE = 'usage: hil list';

export async function listCommand(_args: string[], _out: CliOutput): Promise<number> {
  throw new UsageError('hil list is not built yet');
}
