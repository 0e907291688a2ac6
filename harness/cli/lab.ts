// `hil lab`: not built yet.
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';

export const LAB_USAGE = 'usage: hil lab';

export async function labCommand(_args: string[], _out: CliOutput): Promise<number> {
  throw new UsageError('hil lab is not built yet');
}
