import { controllerOf } from '../api/kube-types';
import type { ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import { ControllerLoop } from './controller-loop';

const DEPLOYMENTS = resourceForKind('Deployment');
const REPLICA_SETS = resourceForKind('ReplicaSet');
const PODS = resourceForKind('Pod');

/**
 * Background cascading deletion: ReplicaSets whose Deployment is gone are deleted, and pods whose
 * ReplicaSet is gone are deleted gracefully (through the same path as a DELETE request).
 */
export class GarbageCollector {
  private readonly loop: ControllerLoop;

  constructor(
    private readonly store: ObjectStore,
    private readonly deletePod: (namespace: string | undefined, name: string) => void,
  ) {
    this.loop = new ControllerLoop(store, (c) => c.type === 'DELETED' && (c.resource === 'apps/deployments' || c.resource === 'apps/replicasets'), () => this.collect());
  }

  stop(): void {
    this.loop.stop();
  }

  private collect(): void {
    const deployments = new Set(this.store.list(DEPLOYMENTS, { selector: [] }).items.map((d) => d.metadata.uid));
    for (const rs of this.store.list(REPLICA_SETS, { selector: [] }).items) {
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment' && !deployments.has(owner.uid)) this.store.remove(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name);
    }
    const replicaSets = new Set(this.store.list(REPLICA_SETS, { selector: [] }).items.map((r) => r.metadata.uid));
    for (const pod of this.store.list(PODS, { selector: [] }).items) {
      const owner = controllerOf(pod);
      if (owner?.kind === 'ReplicaSet' && !replicaSets.has(owner.uid) && pod.metadata.deletionTimestamp === undefined) {
        this.deletePod(pod.metadata.namespace, pod.metadata.name);
      }
    }
  }
}
