import { isPodReady, type SlimPod } from '../kube/slim-pod';

export interface LivePod {
  uid: string;
  name: string;
  namespace: string;
  node?: string;
  revision?: string;
  phase?: string;
  ready: boolean;
  terminating: boolean;
  /** `at` of the last event that touched this pod. */
  updatedAt: number;
}

function toLivePod(pod: SlimPod, at: number): LivePod {
  const live: LivePod = {
    uid: pod.meta.uid,
    name: pod.meta.name,
    namespace: pod.meta.namespace,
    ready: isPodReady(pod),
    terminating: pod.meta.deletionTimestamp !== undefined,
    updatedAt: at,
  };
  if (pod.nodeName !== undefined) live.node = pod.nodeName;
  if (pod.templateHash !== undefined) live.revision = pod.templateHash;
  if (pod.phase !== undefined) live.phase = pod.phase;
  return live;
}

/** The pods that exist now, read from the fold's lanes (no second pass over the events). */
export function livePodsFromFold(lanes: Iterable<{ uid: string; name: string; namespace: string; node?: string; templateHash?: string; goneAt?: number; deletionObservedAt?: number; pod: SlimPod }>, at: number): LivePod[] {
  const out: LivePod[] = [];
  for (const lane of lanes) {
    if (lane.goneAt !== undefined) continue;
    const pod = toLivePod(lane.pod, at);
    if (lane.deletionObservedAt !== undefined) pod.terminating = true;
    out.push(pod);
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
