import { type Pod, isPodActive, kubeTime } from '../api/kube-types';
import type { ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import { ControllerLoop } from './controller-loop';

const PODS = resourceForKind('Pod');
const NODES = resourceForKind('Node');

/**
 * A scheduler that spreads pods: each unscheduled pod goes to the node running the fewest active pods
 * (ties by name), then gets nodeName and PodScheduled=True, as a binding does.
 */
export class Scheduler {
  private readonly loop: ControllerLoop;

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number,
  ) {
    this.loop = new ControllerLoop(store, (c) => c.resource === 'pods' && c.type === 'ADDED', () => this.scheduleAll());
  }

  stop(): void {
    this.loop.stop();
  }

  private scheduleAll(): void {
    const nodes = this.store.list(NODES, { selector: [] }).items.map((n) => n.metadata.name);
    if (nodes.length === 0) return;
    const pods = this.store.list(PODS, { selector: [] }).items as Pod[];
    const load = new Map(nodes.map((n) => [n, 0]));
    for (const pod of pods) {
      const node = pod.spec.nodeName;
      if (node && isPodActive(pod)) load.set(node, (load.get(node) ?? 0) + 1);
    }
    const pending = pods.filter((p) => !p.spec.nodeName && p.metadata.deletionTimestamp === undefined);
    pending.sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
    for (const pod of pending) {
      const node = [...load.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
      if (!node) return;
      load.set(node, (load.get(node) ?? 0) + 1);
      const time = kubeTime(this.now());
      const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True' as const, lastProbeTime: null, lastTransitionTime: time }];
      this.store.update(PODS, { ...pod, spec: { ...pod.spec, nodeName: node }, status: { phase: 'Pending', ...pod.status, conditions } }, { expectResourceVersion: pod.metadata.resourceVersion });
    }
  }
}
