import { type Pod, isPodActive } from '../api/kube-types';
import type { ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import type { LabClock } from '../lab-clock';

const PODS = resourceForKind('Pod');

/** The label a pod carries once it has been taken out of its Service (so `kubectl get pods -l` finds it). */
export const OUT_OF_SERVICE_LABEL = 'cutover.dev/out-of-service';

export interface RelabelFirstOptions {
  store: ObjectStore;
  clock: LabClock;
  /** The Service's selector: the labels taken off the pod, so neither the Service nor its ReplicaSet selects it. */
  serviceSelector: Record<string, string>;
  /** Scenario ms between the relabel and the DELETE: the fixed wait a script or controller uses. */
  waitMs: number;
  /** The ordinary graceful DELETE, run once the wait is over. */
  deletePod: (namespace: string | undefined, name: string) => void;
}

/**
 * "Take the pod out of the Service first, delete it when every node is clear", as a script or an
 * admission controller such as pod-graceful-drain does it: a deletion the controllers ask for becomes a
 * relabel (the Service's selector labels removed, so the EndpointSlice drops the pod while it still
 * serves, and its ReplicaSet no longer counts it), and the real DELETE follows after a fixed wait. Like
 * a real script it cannot see the nodes' rules: the wait is a guess, and Cutover measures the one it
 * needed (each node's all-clear for the pod).
 *
 * Returns the `deletePod` to hand to the ReplicaSet controller and the garbage collector.
 */
export function relabelFirstDeleter(options: RelabelFirstOptions): (namespace: string | undefined, name: string) => void {
  const { store, clock, serviceSelector, waitMs, deletePod } = options;
  const pending = new Set<string>();
  return (namespace, name) => {
    const pod = store.tryGet(PODS, namespace, name) as Pod | undefined;
    if (!pod || !isPodActive(pod)) return deletePod(namespace, name);
    const labels = { ...pod.metadata.labels };
    const selected = Object.entries(serviceSelector).every(([k, v]) => labels[k] === v);
    // Already out of the Service (relabelled earlier, or never in it): nothing to wait for.
    if (!selected) {
      if (!pending.has(pod.metadata.uid)) deletePod(namespace, name);
      return;
    }
    for (const key of Object.keys(serviceSelector)) delete labels[key];
    labels[OUT_OF_SERVICE_LABEL] = 'true';
    store.update(PODS, { ...pod, metadata: { ...pod.metadata, labels } });
    pending.add(pod.metadata.uid);
    clock.setTimeout(() => {
      pending.delete(pod.metadata.uid);
      const current = store.tryGet(PODS, namespace, name);
      if (current?.metadata.uid === pod.metadata.uid) deletePod(namespace, name);
    }, waitMs);
  };
}
