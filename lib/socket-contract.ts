import { z } from 'zod';
import type { CutoverEvent } from './events/event-schema';

/** The one wire contract between the server and the browser; both ends import it from here. */
export const UI_NAMESPACE = '/ui';

/** What a browser subscribes to: the live session (all of it, a namespace, or one Deployment), or a recording. */
export const subscribeRequestSchema = z
  .object({
    namespace: z.string().max(253).optional(),
    /** Only this Deployment of `namespace`: it, its ReplicaSets and pods, its Services' slices, and node-wide events. */
    deployment: z.string().max(253).optional(),
    /** Resume after this sequence number; omitted for a fresh subscription. */
    afterSeq: z.number().int().nonnegative().optional(),
    /** A stored recording by id, sent whole (a snapshot, then the rest in batches) instead of the live session. */
    recording: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'not a recording id').optional(),
  })
  .strict()
  .refine((r) => r.deployment === undefined || r.namespace !== undefined, { message: 'a deployment needs its namespace', path: ['deployment'] })
  .refine((r) => r.recording === undefined || (r.namespace === undefined && r.deployment === undefined && r.afterSeq === undefined), {
    message: 'a recording subscription takes no namespace, deployment or afterSeq',
    path: ['recording'],
  });
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

/** 'waiting': up, but nothing to hear yet (no probe agent connected). */
export type SourceState = 'connecting' | 'live' | 'waiting' | 'degraded' | 'stopped';

/** Why a source cannot do its job, in words a person acts on: what is wrong and what to do about it. */
export interface SourceProblem {
  kind: 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'error';
  /** One line: what failed, with the server, the HTTP status or the system error. */
  reason: string;
  /** What to do. */
  action: string;
  /** What the source was reading (the cluster's URL, context and namespace), so the page says which. */
  target?: string;
}

export interface SourceStatus {
  name: string;
  state: SourceState;
  detail?: string;
  /** Set while degraded for a reason a person must act on (the cluster cannot be reached, refuses the credentials, ...). */
  problem?: SourceProblem;
  /** What a cluster source watches: one namespace, or all (`namespace` absent), so the page can name it. */
  watching?: { namespace?: string };
}

export type SubscribeAck =
  /** `lastSeq`: the live session's last event when subscribed (-1 for a recording, which cannot be resumed). */
  | { ok: true; sessionId: string; lastSeq: number }
  | { ok: false; error: string };

export interface Snapshot {
  sessionId: string;
  /** True when the events start from the beginning of the session (not a resume). */
  complete: boolean;
  events: CutoverEvent[];
}

export interface ServerToClientEvents {
  snapshot: (snapshot: Snapshot) => void;
  events: (batch: CutoverEvent[]) => void;
  status: (sources: SourceStatus[]) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
}
