// A bench agent's presence, retained on <prefix>/<lab>/<bench>/agent: who the bench is (the module
// as read from it, the SIM, the rig file's tags), whether it takes work, and the job under way. The
// agent's Last Will sets it offline, so a dead agent shows offline as soon as the broker notices.
import mqtt from 'mqtt';
import { z } from 'zod';
import type { BrokerTarget } from '../results/broker.ts';
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

/**
 * The retained presence of every bench of `lab` on the broker. Retained messages come right after
 * the subscription, before a message this client publishes afterwards to a topic of its own: that
 * message's return says all of them are in.
 */
export async function readPresences(target: BrokerTarget, prefix: string, lab: string, timeoutMs = 10_000): Promise<AgentPresence[]> {
  const clientId = `hil-lab-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  const connect = (protocolVersion: 4 | 5) => mqtt.connectAsync(target.url, { ...target.options, clientId, protocolVersion, reconnectPeriod: 0, connectTimeout: timeoutMs });
  // An MQTT 3.1.1-only broker refuses version 5 (CONNACK 1 or 0x84): ask again in 3.1.1.
  const client = await connect(target.protocolVersion).catch((error: Error & { code?: number }) => {
    if (target.protocolVersion === 5 && (error.code === 1 || error.code === 0x84)) return connect(4);
    throw error;
  });
  const marker = `${prefix}/${lab}/.${clientId}/done`;
  const found = new Map<string, AgentPresence>();
  try {
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from ${target.url} within ${timeoutMs} ms`)), timeoutMs);
      client.on('message', (topic, payload) => {
        if (topic === marker) {
          clearTimeout(timer);
          resolve();
          return;
        }
        const parsed = agentPresenceSchema.safeParse(JSON.parse(payload.toString('utf8') || 'null'));
        if (parsed.success) found.set(parsed.data.bench, parsed.data);
      });
    });
    await client.subscribeAsync([agentFilter(prefix, lab), marker], { qos: 1 });
    await client.publishAsync(marker, '', { qos: 1 });
    await done;
  } finally {
    await client.endAsync();
  }
  return [...found.values()].sort((a, b) => a.bench.localeCompare(b.bench));
}
