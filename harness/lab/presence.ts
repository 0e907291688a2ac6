// A bench agent's presence, retained on <prefix>/<lab>/<bench>/agent: who the bench is (the module
// as read from it, the SIM, the rig file's tags), whether it takes work, and the job under way. The
// agent's Last Will sets it offline, so a dead agent shows offline as soon as the broker notices.
import { z } from 'zod';
import type { BenchScope } from '../results/topics.ts';

export const AGENT_STATES = ['idle', 'busy', 'unhealthy', 'offline'] as const;

export const agentPresenceSchema = z.object({
  v: z.literal(1),
  bench: z.string(),
  state: z.enum(AGENT_STATES),
  /** The module as it answered AT+CGMI/CGMM/CGMR, and the profile the rig file names. */
  module: z.object({ profile: z.string(), maker: z.string().optional(), model: z.string().optional(), firmware: z.string().optional() }).optional(),
  iccid: z.string().optional(),
  tags: z.array(z.string()).default([]),
  /** Why the bench takes no work (the doctor checks that failed). */
  problems: z.array(z.string()).optional(),
  job: z.object({ id: z.string(), suites: z.array(z.string()), runId: z.string().optional(), step: z.string().optional() }).optional(),
  /** When the presence was set; absent from the Last Will. */
  wall: z.string().optional(),
});

export type AgentPresence = z.infer<typeof agentPresenceSchema>;

export function agentTopic(scope: BenchScope): string {
  return `${scope.prefix}/${scope.lab}/${scope.bench}/agent`;
}

/** Every bench's presence, of one lab or of all. */
export function agentFilter(prefix: string, lab = '+'): string {
  return `${prefix}/${lab}/+/agent`;
}
