import type { CutoverEvent } from '../events/event-schema';

export const EVENT_KINDS = ['changes', 'all', 'Deployment', 'ReplicaSet', 'Pod', 'EndpointSlice', 'probes', 'dataplane', 'gap', 'marker'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface EventFilter {
  /** `changes`: every event but probe batches and data-plane syncs (the default: they drown the rest). */
  kind: EventKind;
  /** Substring of a pod name the event must mention. */
  pod: string;
  /** Exact node the event must concern. */
  node: string;
}

export const DEFAULT_EVENT_FILTER: EventFilter = { kind: 'changes', pod: '', node: '' };

export function eventKind(e: CutoverEvent): Exclude<EventKind, 'changes' | 'all'> {
  return e.type === 'object' ? e.object.kind : e.type;
}

/** Pod names an event mentions (the pod itself, the endpoints of a slice, the pods that served probes). */
export function eventPods(e: CutoverEvent): string[] {
  switch (e.type) {
    case 'object':
      if (e.object.kind === 'Pod') return [e.object.meta.name];
      if (e.object.kind === 'EndpointSlice') return e.object.endpoints.flatMap((p) => (p.podName ? [p.podName] : []));
      return [];
    case 'probes':
      return [...new Set(e.runs.flatMap((r) => (r[1] ? [r[1]] : [])))];
    case 'dataplane':
      return e.pods ?? [];
    case 'gap':
    case 'marker':
      return [];
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function eventNode(e: CutoverEvent): string | undefined {
  switch (e.type) {
    case 'object':
      return e.object.kind === 'Pod' ? e.object.nodeName : undefined;
    case 'probes':
    case 'dataplane':
      return e.node;
    case 'gap':
      return e.node;
    case 'marker':
      return undefined;
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

/** One line of plain words per event. */
export function describeEvent(e: CutoverEvent): string {
  switch (e.type) {
    case 'object': {
      const o = e.object;
      const base = `${o.kind} ${o.meta.name} ${e.action}${e.resync ? ' (resync)' : ''}`;
      if (o.kind === 'ReplicaSet') return `${base}: ${o.status.readyReplicas}/${o.replicas} ready`;
      if (o.kind === 'Deployment') return `${base}: ${o.replicas} replicas${o.revision !== undefined ? `, revision ${o.revision}` : ''}`;
      if (o.kind === 'Pod') {
        const ready = o.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
        return `${base}${o.meta.deletionTimestamp ? ', terminating' : ready ? ', ready' : o.phase ? `, ${o.phase}` : ''}${o.nodeName ? ` on ${o.nodeName}` : ''}`;
      }
      const ready = o.endpoints.filter((p) => p.ready).length;
      return `${base}: ${ready}/${o.endpoints.length} endpoints ready`;
    }
    case 'gap':
      return `gap in ${e.source}${e.node ? ` (${e.node})` : ''}: ${e.reason}, ${((e.at - e.from) / 1000).toFixed(1)} s`;
    case 'marker':
      return `marker: ${e.label}`;
    case 'probes': {
      const counts = new Map<string, number>();
      for (const r of e.runs) {
        const key = r[0] === 'served' ? `served by ${r[1] ?? '?'}` : r[0];
        counts.set(key, (counts.get(key) ?? 0) + r[6]);
      }
      return `${e.node}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no probes'}`;
    }
    case 'dataplane':
      return `${e.node} proxy synced${e.upperBound ? ' (upper bound)' : ''}${e.pods ? `: ${e.pods.length} pods` : ''}`;
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function matchesFilter(e: CutoverEvent, f: EventFilter): boolean {
  const kind = eventKind(e);
  if (f.kind === 'changes' ? kind === 'probes' || kind === 'dataplane' : f.kind !== 'all' && f.kind !== kind) return false;
  if (f.node !== '' && eventNode(e) !== f.node) return false;
  if (f.pod !== '' && !eventPods(e).some((p) => p.includes(f.pod))) return false;
  return true;
}

export function filterEvents(events: readonly CutoverEvent[], f: EventFilter): CutoverEvent[] {
  return events.filter((e) => matchesFilter(e, f));
}

/** Index of the last event at or before t (events sorted by `at`), -1 if none: where the cursor is in the log. */
export function indexAtTime(events: readonly { at: number }[], t: number): number {
  let lo = 0;
  let hi = events.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = events[mid];
    if (e && e.at <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The rows to draw around the cursor: never the whole log (a recording can hold a million events). */
export function logWindow<T>(events: readonly T[], cursorIndex: number, before: number, after: number): { rows: T[]; offset: number } {
  const anchor = cursorIndex < 0 ? 0 : cursorIndex;
  const from = Math.max(0, anchor - before);
  const to = Math.min(events.length, anchor + after + 1);
  return { rows: events.slice(from, to), offset: from };
}

/** Nodes and pods named by the events, for the filter's choices. */
export function filterChoices(events: readonly CutoverEvent[]): { nodes: string[]; pods: string[] } {
  const nodes = new Set<string>();
  const pods = new Set<string>();
  for (const e of events) {
    const n = eventNode(e);
    if (n) nodes.add(n);
    if (e.type === 'object' && e.object.kind === 'Pod') pods.add(e.object.meta.name);
  }
  return { nodes: [...nodes].sort(), pods: [...pods].sort() };
}
