import type { CutoverEvent } from '../events/event-schema';

/** One ReplicaSet's desired and ready counts over time: a step series, one point per change. */
export interface ReplicaSetSeries {
  uid: string;
  name: string;
  namespace: string;
  deploymentUid?: string;
  templateHash?: string;
  revision?: number;
  points: { at: number; desired: number; ready: number }[];
}

/**
 * The fold keeps only each ReplicaSet's latest state; the timeline needs its history. A side accumulator
 * fed the same events, in place (like the fold) so a long live session costs one point per change.
 */
export type ReplicaSetHistory = Map<string, ReplicaSetSeries>;

export function createReplicaSetHistory(): ReplicaSetHistory {
  return new Map();
}

export function recordReplicaSetEvent(history: ReplicaSetHistory, e: CutoverEvent): void {
  if (e.type !== 'object' || e.object.kind !== 'ReplicaSet') return;
  const rs = e.object;
  let series = history.get(rs.meta.uid);
  if (!series) {
    series = { uid: rs.meta.uid, name: rs.meta.name, namespace: rs.meta.namespace, points: [] };
    history.set(rs.meta.uid, series);
  }
  if (rs.meta.owner?.kind === 'Deployment') series.deploymentUid = rs.meta.owner.uid;
  if (rs.templateHash !== undefined) series.templateHash = rs.templateHash;
  if (rs.revision !== undefined) series.revision = rs.revision;
  const point = e.action === 'deleted' ? { at: e.at, desired: 0, ready: 0 } : { at: e.at, desired: rs.replicas, ready: rs.status.readyReplicas };
  const last = series.points[series.points.length - 1];
  if (last && last.desired === point.desired && last.ready === point.ready) return;
  if (last && last.at === point.at) series.points[series.points.length - 1] = point;
  else series.points.push(point);
}

export function recordReplicaSetEvents(history: ReplicaSetHistory, events: Iterable<CutoverEvent>): ReplicaSetHistory {
  for (const e of events) recordReplicaSetEvent(history, e);
  return history;
}
