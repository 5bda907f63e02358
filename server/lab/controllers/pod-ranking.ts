import { type Pod, isPodReady } from '../api/kube-types';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The order in which a ReplicaSet picks pods to delete (controller.ActivePods in kube-controller-manager):
 * unscheduled before scheduled, pending before running, not ready before ready, ready for a shorter
 * time before longer, more restarts first, newer before older. Pods earlier in the result go first.
 */
export function rankForDeletion(pods: readonly Pod[], readySince: (pod: Pod) => number | undefined): Pod[] {
  return [...pods].sort((a, b) => {
    const scheduled = Number(Boolean(a.spec.nodeName)) - Number(Boolean(b.spec.nodeName));
    if (scheduled !== 0) return scheduled;
    const phase = (PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0) - (PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0);
    if (phase !== 0) return phase;
    const ready = Number(isPodReady(a)) - Number(isPodReady(b));
    if (ready !== 0) return ready;
    if (isPodReady(a) && isPodReady(b)) {
      const since = (readySince(b) ?? 0) - (readySince(a) ?? 0);
      if (since !== 0) return since;
    }
    const restarts = restartCount(b) - restartCount(a);
    if (restarts !== 0) return restarts;
    return Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp) || (a.metadata.name < b.metadata.name ? 1 : -1);
  });
}

function restartCount(pod: Pod): number {
  return pod.status?.containerStatuses?.reduce((sum, c) => sum + c.restartCount, 0) ?? 0;
}
