import { z } from 'zod';
import { eventTimeSchema } from './events/event-time';
import { probeRunTupleSchema } from './probes/probe-run';

/** The wire contract between probe agents and the server, on its own socket.io namespace. */
export const AGENTS_NAMESPACE = '/agents';

export const agentHelloSchema = z.object({
  token: z.string().min(1).max(512),
  node: z.string().min(1).max(253),
  agentId: z.string().min(1).max(128),
  version: z.string().max(64).optional(),
});
export type AgentHello = z.infer<typeof agentHelloSchema>;

/** Limits that keep one agent from flooding the server. */
export const AGENT_LIMITS = {
  maxRunsPerBatch: 5_000,
  maxBatchesPerSecond: 50,
  maxPayloadBytes: 1024 * 1024,
} as const;

/**
 * One sync of the node's proxy as the agent saw it, in agent ms: kube-proxy's last-sync time, and the
 * endpoints its rules send the probed Service's new connections to after that sync, read from the
 * node's rules (iptables-save, nft, ipvsadm; the lab's proxies serve the same text).
 */
export const proxySyncSchema = z.object({
  syncedAt: eventTimeSchema,
  /**
   * True when another sync may hide before this one within the sampling interval (the sync counter moved
   * by more than one, or is not known): the rules may have changed as early as `notBefore`.
   */
  upperBound: z.boolean(),
  /** When the agent last saw the rules as they were before this sync (its previous sample). */
  notBefore: eventTimeSchema.optional(),
  /** `address:port` of every endpoint the rules route the Service to, in rule order; absent when not read. */
  endpoints: z.array(z.string().min(1).max(64)).max(10_000).optional(),
  /**
   * When the rules were read. A sync that finishes between reading the metrics and reading the rules shows
   * its rules under the earlier sync's time, so the change lies in [notBefore, max(syncedAt, rulesReadAt)].
   */
  rulesReadAt: eventTimeSchema.optional(),
});
export type ProxySync = z.infer<typeof proxySyncSchema>;

/**
 * A batch of probe runs in the agent's own clock. `batchSeq` increases per agent, so a batch re-sent after a
 * reconnect is recognised and stored once.
 */
export const agentBatchSchema = z.object({
  batchSeq: z.number().int().nonnegative(),
  target: z.string().max(2048),
  intervalMs: z.number().finite().positive(),
  runs: z.array(probeRunTupleSchema).max(AGENT_LIMITS.maxRunsPerBatch),
  /** Results the agent had to throw away: its buffer was full while the server was unreachable, or the server refused a batch for what it held. */
  droppedResults: z.number().int().nonnegative().default(0),
  /** Agent ms of the earliest dropped result: the gap for them starts there. */
  droppedFrom: eventTimeSchema.optional(),
  /** kube-proxy syncs the agent saw on its node, in agent ms (a bare number: a sync time read alone, an upper bound). */
  proxySyncs: z.array(z.union([eventTimeSchema, proxySyncSchema])).max(1000).default([]),
});
export type AgentBatch = z.infer<typeof agentBatchSchema>;
export type AgentBatchInput = z.input<typeof agentBatchSchema>;

export type BatchAck =
  | { ok: true; batchSeq: number; duplicate: boolean }
  /** `retryAfterMs`: refused for now (rate limit), not for what it holds: keep the batch, send it again after this long. */
  | { ok: false; error: string; retryAfterMs?: number };

export interface AgentToServerEvents {
  batch: (batch: AgentBatchInput, ack: (result: BatchAck) => void) => void;
}

export interface ServerToAgentEvents {
  /** Clock handshake: the agent answers with its current time (ms). */
  clock: (ack: (agentNow: number) => void) => void;
}
