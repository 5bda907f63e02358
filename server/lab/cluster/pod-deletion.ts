import { type Pod, isPodTerminal, kubeTime } from '../api/kube-types';
import type { ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import type { LabClock } from '../lab-clock';

const PODS = resourceForKind('Pod');

/**
 * Graceful pod deletion as kube-apiserver does it (registry/core/pod/strategy.go CheckGracefulDelete):
 * a DELETE only stamps `deletionTimestamp = now + grace` and `deletionGracePeriodSeconds`; the kubelet
 * then runs preStop, SIGTERM and the kill, and finishes with a grace-0 delete that moves the
 * timestamp back to the request time before the object is removed.
 *
 * In the lab the grace period is scenario time, so deletionTimestamp is request time + grace / scale:
 * the wall-clock moment the kill is really due.
 */
export function requestPodDeletion(store: ObjectStore, clock: LabClock, namespace: string | undefined, name: string, gracePeriodSeconds?: number): Pod {
  const pod = store.get(PODS, namespace, name) as Pod;
  const grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  // Never scheduled or already finished: nothing runs that could shut down gracefully.
  if (!pod.spec.nodeName || isPodTerminal(pod)) return store.remove(PODS, namespace, name) as Pod;
  if (grace === 0) return forceRemove(store, clock, pod);
  const deadline = clock.now() + clock.real(grace * 1000);
  const current = pod.metadata.deletionTimestamp;
  if (current !== undefined) {
    // A second DELETE may only shorten the grace period.
    if (Date.parse(current) <= deadline) return pod;
  }
  return store.update(PODS, {
    ...pod,
    metadata: { ...pod.metadata, deletionTimestamp: kubeTime(deadline), deletionGracePeriodSeconds: grace },
  }) as Pod;
}

function forceRemove(store: ObjectStore, clock: LabClock, pod: Pod): Pod {
  store.update(PODS, { ...pod, metadata: { ...pod.metadata, deletionTimestamp: kubeTime(clock.now()), deletionGracePeriodSeconds: 0 } });
  return store.remove(PODS, pod.metadata.namespace, pod.metadata.name) as Pod;
}

/** The kubelet's final grace-0 delete: timestamp back to the request time, grace 0, then gone. */
export function finalizePodDeletion(store: ObjectStore, clock: LabClock, namespace: string | undefined, name: string): void {
  const pod = store.tryGet(PODS, namespace, name) as Pod | undefined;
  if (!pod) return;
  const due = pod.metadata.deletionTimestamp !== undefined ? Date.parse(pod.metadata.deletionTimestamp) : clock.now();
  const requestedAt = due - clock.real((pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000);
  store.update(PODS, { ...pod, metadata: { ...pod.metadata, deletionTimestamp: kubeTime(requestedAt), deletionGracePeriodSeconds: 0 } });
  store.remove(PODS, namespace, name);
}
