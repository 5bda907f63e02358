import type { Namespace, Server } from 'socket.io';
import type { CutoverEvent } from '../../lib/events/event-schema';
import {
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SourceStatus,
  type SubscribeRequest,
  UI_NAMESPACE,
  subscribeRequestSchema,
} from '../../lib/socket-contract';
import type { EventHub } from '../events/event-hub';

export interface UiNamespaceOptions {
  hub: EventHub;
  sessionId: string;
  /** Longest a browser waits for an increment: events are sent in batches at most this far apart. */
  batchMs?: number;
  statuses: () => SourceStatus[];
  onRejected: (reason: string) => void;
}

function relevant(event: CutoverEvent, request: SubscribeRequest): boolean {
  if (request.namespace === undefined || event.type !== 'object') return true;
  return event.object.meta.namespace === request.namespace;
}

/**
 * The browser's namespace: a subscriber gets a snapshot of the session so far (or of what it missed,
 * when it resumes after a sequence number), then increments in batches. Snapshot and subscription are
 * taken in the same turn of the event loop, so nothing falls between them.
 */
export function attachUiNamespace(io: Server, options: UiNamespaceOptions): {
  namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;
  broadcastStatus: () => void;
} {
  const namespace: Namespace<ClientToServerEvents, ServerToClientEvents> = io.of(UI_NAMESPACE);
  const batchMs = options.batchMs ?? 50;

  namespace.on('connection', (socket) => {
    let unsubscribe: (() => void) | undefined;
    let pending: CutoverEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      socket.emit('events', batch);
    };

    socket.on('subscribe', (raw: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (result: unknown) => void) : () => {};
      const parsed = subscribeRequestSchema.safeParse(raw);
      if (!parsed.success) {
        options.onRejected('invalid subscribe request');
        reply({ ok: false, error: `invalid subscribe request: ${parsed.error.issues.map((i) => i.message).join('; ')}` });
        return;
      }
      const request = parsed.data;
      unsubscribe?.();
      pending = [];
      const resuming = request.afterSeq !== undefined && request.afterSeq <= options.hub.lastSeq;
      const events = options.hub.since(resuming ? request.afterSeq : 0).filter((e) => relevant(e, request));
      unsubscribe = options.hub.subscribe((event) => {
        if (!relevant(event, request)) return;
        pending.push(event);
        timer ??= setTimeout(flush, batchMs);
      });
      reply({ ok: true, sessionId: options.sessionId, lastSeq: options.hub.lastSeq });
      socket.emit('snapshot', { sessionId: options.sessionId, complete: !resuming, events });
      socket.emit('status', options.statuses());
    });

    socket.on('disconnect', () => {
      unsubscribe?.();
      if (timer) clearTimeout(timer);
    });
  });

  return {
    namespace,
    broadcastStatus: () => namespace.emit('status', options.statuses()),
  };
}
