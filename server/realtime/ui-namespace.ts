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
import { startLive } from './live-subscription';
import { type OpenRecordingText, RecordingFormatError, openRecordingFeed, transportDrained } from './recording-feed';

export interface UiNamespaceOptions {
  hub: EventHub;
  sessionId: string;
  /** Longest a browser waits for an increment: events are sent in batches at most this far apart. */
  batchMs?: number;
  statuses: () => SourceStatus[];
  onRejected: (reason: string) => void;
  /** Stored recordings a browser may subscribe to; without it, such a subscription is refused. */
  openRecording?: OpenRecordingText;
  /**
   * A reader that stops reading: its transport stays unwritable, events wait here instead of in
   * socket.io's unbounded write buffer, and past either bound it is dropped to a resync (disconnected;
   * the page reconnects within a second and resumes after its last event). Defaults: 50,000 events, 30 s.
   */
  slowReader?: { maxPendingEvents?: number; maxStallMs?: number };
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
 * when it resumes after a sequence number), then increments in batches. What the hub evicted is read
 * from the session's recording first (see startLive); the last of the snapshot and the subscription are
 * taken in the same turn of the event loop, so nothing falls between them.
 */
export function attachUiNamespace(io: Server, options: UiNamespaceOptions): {
  namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;
  broadcastStatus: () => void;
} {
  const namespace: Namespace<ClientToServerEvents, ServerToClientEvents> = io.of(UI_NAMESPACE);
  const batchMs = options.batchMs ?? 50;
  const maxPending = options.slowReader?.maxPendingEvents ?? 50_000;
  const maxStallMs = options.slowReader?.maxStallMs ?? 30_000;

  namespace.on('connection', (socket) => {
    let unsubscribe: (() => void) | undefined;
    let pending: CutoverEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    let subscriptions = 0;
    let stalledSince: number | undefined;
    const flush = () => {
      timer = undefined;
      if (pending.length === 0) return;
      // socket.io has no backpressure: a batch emitted while the last is unsent sits in its write buffer.
      if (!socket.conn.transport.writable) {
        stalledSince ??= Date.now();
        if (pending.length > maxPending || Date.now() - stalledSince > maxStallMs) {
          unsubscribe?.();
          unsubscribe = undefined;
          pending = [];
          options.onRejected('slow reader dropped to a resync');
          socket.disconnect(true);
          return;
        }
        timer = setTimeout(flush, batchMs);
        return;
      }
      stalledSince = undefined;
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
      const hub = options.hub;
      const resuming = request.afterSeq !== undefined && request.afterSeq <= hub.lastSeq;
      // A resumed subscription is sent only what it missed; a Deployment's scope still reads the session
      // from its start (it learns which ReplicaSets and pods are the Deployment's).
      const from = resuming ? (request.afterSeq ?? 0) : 0;
      reply({ ok: true, sessionId: options.sessionId, lastSeq: hub.lastSeq });
      const current = () => generation === subscriptions && socket.connected;
      // Synchronous up to the snapshot when the hub holds what is asked for; else the evicted part streams from the recording first.
      void startLive(
        { hub, admit, from, scanFrom: request.deployment !== undefined ? 0 : from },
        {
          current,
          snapshot: (events) => {
            socket.emit('snapshot', { sessionId: options.sessionId, complete: !resuming, events });
            socket.emit('status', options.statuses());
          },
          events: (events) => socket.emit('events', events),
          drained: () => transportDrained(socket),
          subscribe: () => {
            unsubscribe = hub.subscribe((event) => {
              if (!admit(event)) return;
              pending.push(event);
              timer ??= setTimeout(flush, batchMs);
            });
          },
          failed: (message) => {
            options.onRejected('session history unreadable');
            socket.emit('status', [...options.statuses(), { name: 'history', state: 'degraded', detail: message }]);
          },
        },
      );
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
        await transportDrained(socket);
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
