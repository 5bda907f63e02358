import { type Pod, type ReplicaSet, controllerOf, isPodActive, isPodReady, omitZero } from '../api/kube-types';
import { matchesLabels, selectorFromMatchLabels } from '../api/label-selector';
import type { ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import type { LabClock } from '../lab-clock';
import { ControllerLoop } from './controller-loop';
import { rankForDeletion } from './pod-ranking';

const PODS = resourceForKind('Pod');
const REPLICA_SETS = resourceForKind('ReplicaSet');

/**
 * The ReplicaSet controller: creates pods from the template up to spec.replicas, deletes the surplus
 * gracefully in the real controller's order, and reports replicas / ready / available (a pod is
 * available once Ready for minReadySeconds) with zero counters omitted.
 */
export class ReplicaSetController {
  private readonly loop: ControllerLoop;
  /** When this controller first saw each pod Ready (real ms): minReadySeconds needs sub-second precision. */
  private readonly readySince = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: LabClock,
    private readonly deletePod: (namespace: string | undefined, name: string) => void,
  ) {
    this.loop = new ControllerLoop(store, (c) => c.resource === 'pods' || c.resource === 'apps/replicasets', () => this.syncAll());
  }

  stop(): void {
    this.loop.stop();
  }

  /** When a pod became Ready as observed by the control plane, for the Deployment controller too. */
  readyAt(pod: Pod): number | undefined {
    return this.readySince.get(pod.metadata.uid);
  }

  isAvailable(pod: Pod, minReadySeconds: number): boolean {
    if (!isPodReady(pod)) return false;
    if (minReadySeconds <= 0) return true;
    const since = this.readySince.get(pod.metadata.uid);
    return since !== undefined && this.clock.now() - since >= this.clock.real(minReadySeconds * 1000);
  }

  private syncAll(): void {
    const pods = this.store.list(PODS, { selector: [] }).items as Pod[];
    const seen = new Set<string>();
    for (const pod of pods) {
      seen.add(pod.metadata.uid);
      if (isPodReady(pod)) {
        if (!this.readySince.has(pod.metadata.uid)) this.readySince.set(pod.metadata.uid, this.clock.now());
      } else this.readySince.delete(pod.metadata.uid);
    }
    for (const uid of this.readySince.keys()) if (!seen.has(uid)) this.readySince.delete(uid);
    for (const rs of this.store.list(REPLICA_SETS, { selector: [] }).items as ReplicaSet[]) {
      if (rs.metadata.deletionTimestamp !== undefined) continue;
      this.syncReplicaSet(rs, pods);
    }
  }

  private syncReplicaSet(rs: ReplicaSet, allPods: readonly Pod[]): void {
    const selector = selectorFromMatchLabels(rs.spec.selector.matchLabels ?? {});
    const controlled = allPods.filter((pod) => pod.metadata.namespace === rs.metadata.namespace && controllerOf(pod)?.uid === rs.metadata.uid);
    const owned = controlled.filter((pod) => matchesLabels(selector, pod.metadata.labels));
    // A pod relabelled out of the selector is released (its ownerReference removed), as the real
    // controller's ClaimPods does: it no longer counts, and the ReplicaSet's deletion no longer takes it along.
    for (const pod of controlled) if (!owned.includes(pod)) this.release(pod, rs);
    const active = owned.filter(isPodActive);
    const want = rs.spec.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) this.createPod(rs);
    } else if (active.length > want) {
      for (const pod of rankForDeletion(active, (p) => this.readyAt(p)).slice(0, active.length - want)) {
        this.deletePod(pod.metadata.namespace, pod.metadata.name);
      }
    }
    const after = this.store.list(PODS, { selector, ...(rs.metadata.namespace !== undefined ? { namespace: rs.metadata.namespace } : {}) }).items as Pod[];
    const current = after.filter((p) => controllerOf(p)?.uid === rs.metadata.uid && isPodActive(p));
    const minReady = rs.spec.minReadySeconds ?? 0;
    const ready = current.filter(isPodReady);
    const available = current.filter((p) => this.isAvailable(p, minReady));
    // A ready pod still inside minReadySeconds becomes available later: look again then.
    for (const pod of ready) {
      if (available.includes(pod)) continue;
      const since = this.readySince.get(pod.metadata.uid) ?? this.clock.now();
      const remaining = since + this.clock.real(minReady * 1000) - this.clock.now();
      this.clock.setTimeout(() => this.loop.trigger(), this.clock.scenario(Math.max(remaining, 0) + 1));
    }
    const status = {
      replicas: current.length,
      ...omitZero({ fullyLabeledReplicas: current.length, readyReplicas: ready.length, availableReplicas: available.length }),
      ...(rs.metadata.generation !== undefined ? { observedGeneration: rs.metadata.generation } : {}),
    };
    if (JSON.stringify(status) !== JSON.stringify(rs.status)) {
      const fresh = this.store.get(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name) as ReplicaSet;
      this.store.update(REPLICA_SETS, { ...fresh, status }, { expectResourceVersion: rs.metadata.resourceVersion });
    }
  }

  private release(pod: Pod, rs: ReplicaSet): void {
    const current = this.store.tryGet(PODS, pod.metadata.namespace, pod.metadata.name) as Pod | undefined;
    if (!current || current.metadata.uid !== pod.metadata.uid) return;
    const ownerReferences = (current.metadata.ownerReferences ?? []).filter((o) => o.uid !== rs.metadata.uid);
    const { ownerReferences: _dropped, ...metadata } = current.metadata;
    this.store.update(PODS, { ...current, metadata: ownerReferences.length > 0 ? { ...metadata, ownerReferences } : metadata });
  }

  private createPod(rs: ReplicaSet): void {
    const template = rs.spec.template;
    this.store.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${rs.metadata.name}-`,
        ...(rs.metadata.namespace !== undefined ? { namespace: rs.metadata.namespace } : {}),
        labels: { ...template.metadata?.labels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: structuredClone(template.spec),
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
  }
}
