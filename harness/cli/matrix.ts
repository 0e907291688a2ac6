// `hil matrix`: not built yet.
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';

export const MATRIX_USAGE = 'usage: hil matrix';

export async function matrixCommand(_args: string[], _out: CliOutput): Promise<number> {
  throw new UsageError('hil matrix is not built yet');
}
