import type { Gap, Marker } from '../fold/fold-types';
import type { PodView } from '../measure/deployment-view';
import type { Span } from '../measure/intervals';
import type { RolloutView } from '../measure/select-rollouts';

export type MarkerKind = 'rollout-start' | 'rollout-end' | 'deletion' | 'endpoint-ready' | 'endpoint-unready' | 'user';

export interface TimelineMarker {
  at: number;
  kind: MarkerKind;
  label: string;
  pod?: string;
}

/** Rollout start and end, every deletion, every endpoint change and user marks inside the window, by time. */
export function timelineMarkers(r: RolloutView, pods: readonly PodView[], userMarkers: readonly Marker[], window: Span): TimelineMarker[] {
  const out: TimelineMarker[] = [{ at: r.startAt, kind: 'rollout-start', label: `rollout to revision ${r.record.toRevision} started` }];
  if (r.endAt !== undefined) out.push({ at: r.endAt, kind: 'rollout-end', label: `rollout ${r.outcome}` });
  for (const { lane, endpoint } of pods) {
    if (lane.deletionObservedAt !== undefined) out.push({ at: lane.deletionObservedAt, kind: 'deletion', label: `${lane.name} deleted`, pod: lane.name });
    for (const i of endpoint?.ready ?? []) {
      out.push({ at: i.from, kind: 'endpoint-ready', label: `${lane.name} ready in endpoints`, pod: lane.name });
      if (i.to !== undefined) out.push({ at: i.to, kind: 'endpoint-unready', label: `${lane.name} out of endpoints`, pod: lane.name });
    }
  }
  for (const m of userMarkers) out.push({ at: m.at, kind: 'user', label: m.label });
  return out.filter((m) => m.at >= window.from && m.at <= window.to).sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind));
}

/** Source gaps inside the window: drawn hatched, the figures across them are bounds. */
export function gapsIn(gaps: readonly Gap[], window: Span): Gap[] {
  return gaps.filter((g) => g.to >= window.from && g.from <= window.to);
}
