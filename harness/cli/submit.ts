// `hil submit`: not built yet.
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';

export const SUBMIT_USAGE = 'usage: hil submit';

export async function submitCommand(_args: string[], _out: CliOutput): Promise<number> {
  throw new UsageError('hil submit is not built yet');
}
