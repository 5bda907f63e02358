'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { DEFAULT_EVENT_FILTER, EVENT_KINDS, describeEvent, eventKind, filterChoices, filterEvents, indexAtTime, logWindow, type EventFilter, type EventKind } from '../../lib/views/event-log-view';
import { formatClock } from '../timeline/time-format';

const BEFORE = 80;
const AFTER = 30;

/**
 * The events under the timeline, filterable by kind, pod and node. With a cursor the log follows it (the
 * row at the cursor is highlighted and scrolled into view); live it shows the latest. Only a window of
 * rows around the cursor is drawn.
 */
export function EventLog({ events, version, cursor, onSeek }: { events: readonly CutoverEvent[]; version: number; cursor?: number; onSeek?: (t: number) => void }) {
  const [filter, setFilter] = useState<EventFilter>(DEFAULT_EVENT_FILTER);
  // `events` grows in place while live: `version` says when it changed.
  const filtered = useMemo(() => filterEvents(events, filter), [events, filter, version]);
  const choices = useMemo(() => filterChoices(events), [events, version]);
  const index = cursor === undefined ? filtered.length - 1 : indexAtTime(filtered, cursor);
  const { rows, offset } = logWindow(filtered, index, BEFORE, cursor === undefined ? 0 : AFTER);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = list.current;
    const current = el?.querySelector<HTMLElement>('[data-current="true"]');
    if (el && current) el.scrollTop = current.offsetTop - el.clientHeight / 2;
    else if (el && cursor === undefined) el.scrollTop = el.scrollHeight;
  }, [index, cursor, filtered.length]);
  return (
    <section className="event-log-panel">
      <div className="log-filters">
        <h2>Events</h2>
        <label>
          kind{' '}
          <select value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value as EventKind })} data-testid="log-kind">
            {EVENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          pod <input list="log-pods" value={filter.pod} onChange={(e) => setFilter({ ...filter, pod: e.target.value })} placeholder="any" size={16} data-testid="log-pod" />
        </label>
        <datalist id="log-pods">
          {choices.pods.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <label>
          node{' '}
          <select value={filter.node} onChange={(e) => setFilter({ ...filter, node: e.target.value })} data-testid="log-node">
            <option value="">any</option>
            {choices.nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {filtered.length} of {events.length}
        </span>
      </div>
      <ol className="event-log" data-testid="event-log" ref={list}>
        {rows.map((event, i) => {
          const current = offset + i === index && cursor !== undefined;
          return (
            <li key={event.seq} data-current={current ? 'true' : undefined} data-kind={eventKind(event)} className={cursor !== undefined && event.at > cursor ? 'future' : undefined}>
              <button type="button" className="log-time mono" onClick={onSeek ? () => onSeek(event.at) : undefined} disabled={!onSeek} title="Move the cursor here">
                {formatClock(event.at)}
              </button>
              <span>{describeEvent(event)}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
