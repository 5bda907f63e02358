'use client';

import { useEffect, useRef, useState } from 'react';
import { type Socket, io } from 'socket.io-client';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { createFoldState } from '../../lib/fold/fold-state';
import type { FoldState } from '../../lib/fold/fold-types';
import { reduce } from '../../lib/fold/reduce';
import { type ClientToServerEvents, type ServerToClientEvents, type SourceStatus, UI_NAMESPACE } from '../../lib/socket-contract';
import { createReplicaSetHistory, recordReplicaSetEvent, type ReplicaSetHistory } from '../../lib/views/replica-set-history';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** The session folded so far. Mutable accumulators: read them during render, key memos on `version`. */
export interface FoldedSession {
  fold: FoldState;
  history: ReplicaSetHistory;
  /** Every event of the session seen so far, oldest first (appended in place). */
  events: CutoverEvent[];
}

export interface EventStream {
  connection: ConnectionState;
  sources: SourceStatus[];
  session: FoldedSession;
  /** Bumped once per animation frame in which events were folded. */
  version: number;
  error?: string;
}

function freshSession(): FoldedSession {
  return { fold: createFoldState(), history: createReplicaSetHistory(), events: [] };
}

/**
 * Subscribes to the server's event stream and folds it with lib's reducer, incrementally. Arrivals are
 * queued and folded once per animation frame (a burst costs one render; a hidden tab gets no frames, so
 * it does no work until it is shown again); a reconnect resumes after the last event received.
 */
export function useEventStream(namespace?: string): EventStream {
  const session = useRef<FoldedSession>(freshSession());
  const [state, setState] = useState<Omit<EventStream, 'session'>>({ connection: 'connecting', sources: [], version: 0 });

  useEffect(() => {
    let sessionId: string | undefined;
    let frame: number | undefined;
    let pending: CutoverEvent[] = [];
    let lastSeq = -1;
    session.current = freshSession();
    const flush = () => {
      frame = undefined;
      const s = session.current;
      for (const e of pending) {
        reduce(s.fold, e);
        recordReplicaSetEvent(s.history, e);
        s.events.push(e);
      }
      pending = [];
      setState((previous) => ({ ...previous, version: previous.version + 1 }));
    };
    const schedule = () => {
      frame ??= requestAnimationFrame(flush);
    };
    const enqueue = (events: readonly CutoverEvent[]) => {
      for (const e of events) {
        if (e.seq <= lastSeq) continue;
        lastSeq = e.seq;
        pending.push(e);
      }
      schedule();
    };
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(UI_NAMESPACE, { transports: ['websocket'] });

    socket.on('connect', () => {
      setState((previous) => ({ ...previous, connection: 'connected' }));
      socket.emit('subscribe', { ...(namespace ? { namespace } : {}), ...(sessionId && lastSeq >= 0 ? { afterSeq: lastSeq } : {}) }, (ack) => {
        if (!ack.ok) setState((previous) => ({ ...previous, error: ack.error }));
      });
    });
    let reconnect: ReturnType<typeof setTimeout> | undefined;
    socket.on('disconnect', (reason) => {
      setState((previous) => ({ ...previous, connection: 'disconnected' }));
      // socket.io does not retry a disconnect the server chose (a restart): retry it ourselves.
      if (reason === 'io server disconnect') reconnect = setTimeout(() => socket.connect(), 1000);
    });
    socket.on('connect_error', (error) => setState((previous) => ({ ...previous, connection: 'disconnected', error: error.message })));
    socket.on('snapshot', (snapshot) => {
      // A new server session (restart) or a fresh subscription starts over; a resume appends what was missed.
      if (snapshot.complete || snapshot.sessionId !== sessionId) {
        session.current = freshSession();
        pending = [];
        lastSeq = -1;
      }
      sessionId = snapshot.sessionId;
      enqueue(snapshot.events);
    });
    socket.on('events', enqueue);
    socket.on('status', (sources) => setState((previous) => ({ ...previous, sources })));

    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      if (reconnect !== undefined) clearTimeout(reconnect);
      socket.disconnect();
    };
  }, [namespace]);

  return { ...state, session: session.current };
}
