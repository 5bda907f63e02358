'use client';

import { useEffect, useRef, useState } from 'react';
import { type Socket, io } from 'socket.io-client';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { type ClientToServerEvents, type ServerToClientEvents, type SourceStatus, UI_NAMESPACE } from '../../lib/socket-contract';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface EventStream {
  connection: ConnectionState;
  sources: SourceStatus[];
  /** Every event of the session seen so far, oldest first. */
  events: readonly CutoverEvent[];
  error?: string;
}

/**
 * Subscribes to the server's event stream. Increments are applied once per animation frame (so a burst
 * costs one render, and a hidden tab does no work); a reconnect resumes after the last event seen.
 */
export function useEventStream(namespace?: string): EventStream {
  const [state, setState] = useState<EventStream>({ connection: 'connecting', sources: [], events: [] });
  const eventsRef = useRef<CutoverEvent[]>([]);

  useEffect(() => {
    let sessionId: string | undefined;
    let frame: number | undefined;
    eventsRef.current = [];
    const scheduleRender = () => {
      frame ??= requestAnimationFrame(() => {
        frame = undefined;
        const events = eventsRef.current.slice();
        setState((previous) => ({ ...previous, events }));
      });
    };
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(UI_NAMESPACE, { transports: ['websocket'] });

    socket.on('connect', () => {
      setState((previous) => ({ ...previous, connection: 'connected' }));
      const last = eventsRef.current.at(-1)?.seq;
      socket.emit('subscribe', { ...(namespace ? { namespace } : {}), ...(sessionId && last !== undefined ? { afterSeq: last } : {}) }, (ack) => {
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
      if (snapshot.complete || snapshot.sessionId !== sessionId) eventsRef.current = [...snapshot.events];
      else eventsRef.current.push(...snapshot.events);
      sessionId = snapshot.sessionId;
      scheduleRender();
    });
    socket.on('events', (batch) => {
      const last = eventsRef.current.at(-1)?.seq ?? 0;
      for (const event of batch) if (event.seq > last) eventsRef.current.push(event);
      scheduleRender();
    });
    socket.on('status', (sources) => setState((previous) => ({ ...previous, sources })));

    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      if (reconnect !== undefined) clearTimeout(reconnect);
      socket.disconnect();
    };
  }, [namespace]);

  return state;
}
