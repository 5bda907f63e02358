import type { KubeObject, StoreChange } from '../api/object-store';

/** What the hosts know about a pod address: physical truth, with no propagation lag. */
export interface PodLocation {
  name: string;
  namespace: string;
  nodeName: string | undefined;
  revision: string;
  /** deletionTimestamp is set: anything it serves from now on is stale. */
  terminating: boolean;
}

interface PodShape {
  spec?: { nodeName?: unknown };
  status?: { podIP?: unknown };
}

/**
 * Pod addresses → pods, kept from the store's pod changes. A pod's address exists (its network
 * namespace is up) from when it has a podIP until the pod object is removed; the proxies use this to
 * fail a connection to a dead pod the way a real node does (refused while the address exists on the
 * same node, a timeout once it is gone or when it lives on another node).
 */
export class PodDirectory {
  private readonly byAddress = new Map<string, PodLocation>();
  private readonly addressOfPod = new Map<string, string>();

  get(address: string): PodLocation | undefined {
    return this.byAddress.get(address);
  }

  get size(): number {
    return this.byAddress.size;
  }

  apply(change: StoreChange): void {
    if (change.resource !== 'pods') return;
    const pod = change.object;
    const id = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    const previous = this.addressOfPod.get(id);
    if (change.type === 'DELETED') {
      if (previous !== undefined) this.byAddress.delete(previous);
      this.addressOfPod.delete(id);
      return;
    }
    const shape = pod as KubeObject & PodShape;
    const address = typeof shape.status?.podIP === 'string' && shape.status.podIP.length > 0 ? shape.status.podIP : undefined;
    if (previous !== undefined && previous !== address) this.byAddress.delete(previous);
    if (address === undefined) {
      this.addressOfPod.delete(id);
      return;
    }
    this.addressOfPod.set(id, address);
    this.byAddress.set(address, {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace ?? '',
      nodeName: typeof shape.spec?.nodeName === 'string' ? shape.spec.nodeName : undefined,
      revision: pod.metadata.labels?.['pod-template-hash'] ?? '',
      terminating: pod.metadata.deletionTimestamp !== undefined,
    });
  }
}
