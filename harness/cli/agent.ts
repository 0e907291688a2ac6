// `hil agent`: not built yet.
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';

export const AGENT_USAGE = 'usage: hil agent';

export async function agentCommand(_args: string[], _out: CliOutput): Promise<number> {
  throw new UsageError('hil agent is not built yet');
}
