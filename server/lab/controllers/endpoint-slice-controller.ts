import type { KubeObject, ObjectStore, StoreChange } from '../api/object-store';
import { matchesLabels, selectorFromMatchLabels } from '../api/label-selector';
import { resourceForKind } from '../api/resource-registry';

const PODS = resourceForKind('Pod');
const SERVICES = resourceForKind('Service');
const SLICES = resourceForKind('EndpointSlice');

interface PodShape {
  spec?: { nodeName?: string };
  status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

function isReady(pod: KubeObject): boolean {
  const status = (pod as PodShape).status;
  return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Keeps one EndpointSlice per Service in step with its pods, as the real controller sets the
 * conditions: a terminating pod is ready=false, serving per its readiness, terminating=true; a pod with
 * an IP that is not yet ready is listed false/false/false.
 */
export class EndpointSliceController {
  private pending = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = store.subscribe((change) => this.onChange(change));
    this.schedule();
  }

  stop(): void {
    this.unsubscribe();
  }

  private onChange(change: StoreChange): void {
    if (change.resource === 'pods' || change.resource === 'services') this.schedule();
  }

  /** Changes are batched to the next turn of the event loop, like a controller's work queue. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.syncAll();
    });
  }

  syncAll(): void {
    for (const service of this.store.list(SERVICES, { selector: [] }).items) this.syncService(service);
  }

  private syncService(service: KubeObject): void {
    const spec = service.spec as { selector?: Record<string, string> } | undefined;
    if (!spec?.selector) return;
    const selector = selectorFromMatchLabels(spec.selector);
    const namespace = service.metadata.namespace;
    const pods = this.store
      .list(PODS, { selector: [], ...(namespace !== undefined ? { namespace } : {}) })
      .items.filter((pod) => matchesLabels(selector, pod.metadata.labels) && (pod as PodShape).status?.podIP);
    const endpoints = pods.map((pod) => {
      const ready = isReady(pod);
      const terminating = pod.metadata.deletionTimestamp !== undefined;
      const shape = pod as PodShape;
      return {
        addresses: [shape.status?.podIP ?? ''],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
        ...(shape.spec?.nodeName ? { nodeName: shape.spec.nodeName } : {}),
      };
    });
    const name = service.metadata.name;
    const existing = this.store
      .list(SLICES, { selector: [{ key: 'kubernetes.io/service-name', op: 'in', values: [name] }], ...(namespace !== undefined ? { namespace } : {}) })
      .items[0];
    const triggerTime = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (!existing) {
      this.store.create(SLICES, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${name}-`,
          ...(namespace !== undefined ? { namespace } : {}),
          labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
          annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': triggerTime },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints,
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      });
      return;
    }
    if (JSON.stringify(existing.endpoints) === JSON.stringify(endpoints)) return;
    this.store.update(SLICES, {
      ...existing,
      metadata: { ...existing.metadata, annotations: { ...existing.metadata.annotations, 'endpoints.kubernetes.io/last-change-trigger-time': triggerTime } },
      endpoints,
    });
  }
}
