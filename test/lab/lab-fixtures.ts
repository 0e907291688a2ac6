// The lab tests' benches: `hil agent` processes on virtual rigs (support/lab-processes.ts has the
// Redis, the rig files and the agent's flags).
import { agentArgs } from '../../support/lab-processes.ts';
import { HilProcess } from '../results/hil.ts';

export { RedisServer, writeRig, type BenchSpec } from '../../support/lab-processes.ts';

/**
 * Starts `hil agent` for the bench and resolves once it takes work (or says it is unhealthy);
 * `timeScale` replaces the usual one (the last --time-scale given wins).
 */
export async function startAgent(args: { rig: string; queue: string; broker: string; reports: string; timeScale?: number }, ready = /healthy: /): Promise<HilProcess> {
  const agent = new HilProcess([...agentArgs(args), ...(args.timeScale ? ['--time-scale', String(args.timeScale)] : [])]);
  await agent.waitFor(ready, 60_000);
  return agent;
}
