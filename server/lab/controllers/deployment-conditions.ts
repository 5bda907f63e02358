import type { Condition, DeploymentStatus } from '../api/kube-types';

/**
 * The Deployment's Available / Progressing conditions, as deployment_util.go words and times them:
 * lastUpdateTime moves whenever the condition is set again, lastTransitionTime only when its status flips.
 */
export type ProgressReason = 'NewReplicaSetCreated' | 'FoundNewReplicaSet' | 'ReplicaSetUpdated' | 'NewReplicaSetAvailable' | 'ProgressDeadlineExceeded';

export function progressingCondition(reason: ProgressReason, rsName: string, time: string): Condition {
  switch (reason) {
    case 'NewReplicaSetCreated':
      return { type: 'Progressing', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason, message: `Created new replica set "${rsName}"` };
    case 'FoundNewReplicaSet':
      return { type: 'Progressing', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason, message: `Found new replica set "${rsName}"` };
    case 'ReplicaSetUpdated':
      return { type: 'Progressing', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason, message: `ReplicaSet "${rsName}" is progressing.` };
    case 'NewReplicaSetAvailable':
      return { type: 'Progressing', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason, message: `ReplicaSet "${rsName}" has successfully progressed.` };
    case 'ProgressDeadlineExceeded':
      return { type: 'Progressing', status: 'False', lastUpdateTime: time, lastTransitionTime: time, reason, message: `ReplicaSet "${rsName}" has timed out progressing.` };
    default: {
      const unreachable: never = reason;
      throw new Error(`unknown reason ${String(unreachable)}`);
    }
  }
}

export function availableCondition(available: boolean, time: string): Condition {
  return available
    ? { type: 'Available', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
    : { type: 'Available', status: 'False', lastUpdateTime: time, lastTransitionTime: time, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };
}

/** Puts `next` in place of the condition of its type, keeping times that did not really change. */
export function setCondition(conditions: readonly Condition[], next: Condition, touch = false): Condition[] {
  const current = conditions.find((c) => c.type === next.type);
  let merged = next;
  if (current) {
    if (current.status === next.status && current.reason === next.reason && current.message === next.message) {
      if (!touch) return [...conditions];
      return conditions.map((c) => (c === current ? { ...current, lastUpdateTime: next.lastUpdateTime ?? current.lastUpdateTime } : c));
    }
    if (current.status === next.status) merged = { ...next, lastTransitionTime: current.lastTransitionTime ?? next.lastTransitionTime };
  }
  const out = conditions.filter((c) => c.type !== next.type);
  // Available first, then Progressing, as the API server returns them.
  out.push(merged);
  return out.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
}

/** DeploymentProgressing: did this status make progress over the previous one? */
export function madeProgress(previous: DeploymentStatus | undefined, next: DeploymentStatus, oldReplicasBefore: number, oldReplicasNow: number): boolean {
  const p = previous ?? {};
  return (
    (next.updatedReplicas ?? 0) > (p.updatedReplicas ?? 0) ||
    oldReplicasNow < oldReplicasBefore ||
    (next.readyReplicas ?? 0) > (p.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (p.availableReplicas ?? 0)
  );
}
