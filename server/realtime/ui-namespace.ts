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
import { DeploymentScope } from '../../lib/events/deployment-scope';
import type { EventHub } from '../events/event-hub';
import { type OpenRecordingText, RecordingFormatError, openRecordingFeed } from './recording-feed';

export interface UiNamespaceOptions {
  hub: EventHub;
  sessionId: string;
  /** Longest a browser waits for an increment: events are sent in batches at most this far apart. */
  batchMs?: number;
  statuses: () => SourceStatus[];
  onRejected: (reason: string) => void;
  /** Stored recordings a browser may subscribe to; without it, such a subscription is refused. */
  openRecording?: OpenRecordingText;
}

/** A filter over the stream for one subscription; stateful for a Deployment (it learns ownership in order). */
function scopeOf(request: SubscribeRequest): (event: CutoverEvent) => boolean {
  if (request.namespace !== undefined && request.deployment !== undefined) {
    const scope = new DeploymentScope(request.namespace, request.deployment);
    return (event) => scope.admit(event);
  }
  const namespace = request.namespace;
  if (namespace === undefined) return () => true;
  return (event) => event.type !== 'object' || event.object.meta.namespace === namespace;
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
    let subscriptions = 0;
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
      unsubscribe = undefined;
      pending = [];
      const generation = ++subscriptions;
      if (request.recording !== undefined) {
        void sendRecording(request.recording, generation, reply);
        return;
      }
      const admit = scopeOf(request);
      const resuming = request.afterSeq !== undefined && request.afterSeq <= options.hub.lastSeq;
      // Every event goes through the scope (it learns which ReplicaSets and pods are the Deployment's);
      // a resumed subscription is sent only what it missed.
      const from = resuming ? (request.afterSeq ?? 0) : 0;
      const events = options.hub.since(0).filter((e) => admit(e) && e.seq > from);
      unsubscribe = options.hub.subscribe((event) => {
        if (!admit(event)) return;
        pending.push(event);
        timer ??= setTimeout(flush, batchMs);
      });
      reply({ ok: true, sessionId: options.sessionId, lastSeq: options.hub.lastSeq });
      socket.emit('snapshot', { sessionId: options.sessionId, complete: !resuming, events });
      socket.emit('status', options.statuses());
    });

    /** A stored recording: a snapshot of its first events, the rest in batches, read from disk as sent. */
    async function sendRecording(id: string, generation: number, reply: (result: unknown) => void): Promise<void> {
      if (!options.openRecording) {
        reply({ ok: false, error: 'this server keeps no recordings' });
        return;
      }
      let feed;
      try {
        feed = await openRecordingFeed(options.openRecording, id);
      } catch (error) {
        options.onRejected(error instanceof RecordingFormatError ? 'unreadable recording' : 'unknown recording');
        reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
        return;
      }
      const current = () => generation === subscriptions && socket.connected;
      if (!current()) return;
      const sessionId = `recording:${id}`;
      reply({ ok: true, sessionId, lastSeq: -1 });
      socket.emit('snapshot', { sessionId, complete: true, events: feed.first });
      for await (const batch of feed.rest) {
        if (!current()) return;
        socket.emit('events', batch);
        // socket.io has no backpressure: while the transport is still writing, wait for it before reading
        // on, so a long recording is not buffered whole (bounded, should the connection go quiet).
        const transport = socket.conn.transport;
        if (!transport.writable) {
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(fallback);
              transport.off('drain', done);
              resolve();
            };
            const fallback = setTimeout(done, 1000);
            transport.once('drain', done);
          });
        }
      }
      if (current()) socket.emit('status', [{ name: 'recording', state: 'stopped', detail: feed.problems() > 0 ? `${feed.problems()} unreadable lines skipped` : 'sent whole' }]);
    }

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
