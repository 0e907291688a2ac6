// `hil compare`: not built yet.
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';

export const COMPARE_USAGE = 'usage: hil compare';

export async function compareCommand(_args: string[], _out: CliOutput): Promise<number> {
  throw new UsageError('hil compare is not built yet');
}
