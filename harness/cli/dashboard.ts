// `hil dashboard`: not built yet.
import { UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';

export const DASHBOARD_USAGE = 'usage: hil dashboard';

export async function dashboardCommand(_args: string[], _out: CliOutput): Promise<number> {
  throw new UsageError('hil dashboard is not built yet');
}
