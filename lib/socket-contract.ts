import { z } from 'zod';
import type { CutoverEvent } from './events/event-schema';

/** The one wire contract between the server and the browser; both ends import it from here. */
export const UI_NAMESPACE = '/ui';

export const subscribeRequestSchema = z.object({
  namespace: z.string().max(253).optional(),
  /** Resume after this sequence number; omitted for a fresh subscription. */
  afterSeq: z.number().int().nonnegative().optional(),
});
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

export type SourceState = 'connecting' | 'live' | 'degraded' | 'stopped';
export interface SourceStatus {
  name: string;
  state: SourceState;
  detail?: string;
}

export type SubscribeAck =
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
