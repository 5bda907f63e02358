import { LabApiServer, type ApiBehaviour } from './api/api-server';
import { type KubeObject, ObjectStore } from './api/object-store';
import { resourceForKind } from './api/resource-registry';
import { EndpointSliceController } from './controllers/endpoint-slice-controller';
import { labKubeconfig } from './kubeconfig';

const PODS = resourceForKind('Pod');

export interface LabClusterOptions {
  host?: string;
  port?: number;
  namespace?: string;
  nodes?: string[];
  /** Pods of the seeded `web` service to start with. */
  replicas?: number;
  bookmarkIntervalMs?: number;
  now?: () => number;
}

/**
 * The embedded cluster: an API server over an in-memory store, with the controllers that keep it
 * consistent. Cutover watches it through client-node exactly as it watches a real cluster.
 */
export class LabCluster {
  readonly store: ObjectStore;
  readonly namespace: string;
  readonly nodes: string[];
  private readonly api: LabApiServer;
  private readonly endpointSlices: EndpointSliceController;
  private readonly now: () => number;
  private nextIp = 10;
  private placed = 0;
  private url = '';

  private constructor(options: LabClusterOptions) {
    this.now = options.now ?? Date.now;
    this.namespace = options.namespace ?? 'demo';
    this.nodes = options.nodes ?? ['node-a', 'node-b', 'node-c'];
    this.store = new ObjectStore({ now: this.now });
    this.api = new LabApiServer({
      store: this.store,
      behaviour: this.behaviour(),
      ...(options.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
    });
    this.endpointSlices = new EndpointSliceController(this.store, this.now);
  }

  static async start(options: LabClusterOptions = {}): Promise<LabCluster> {
    const lab = new LabCluster(options);
    lab.seed(options.replicas ?? 3);
    lab.url = await lab.api.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    return lab;
  }

  get apiUrl(): string {
    return this.url;
  }

  kubeconfig(): string {
    return labKubeconfig(this.url, this.namespace);
  }

  async stop(): Promise<void> {
    this.endpointSlices.stop();
    await this.api.close();
  }

  /** Places a pod on a node and starts it, the scheduler's and kubelet's work for a pod that simply runs. */
  private behaviour(): ApiBehaviour {
    return {
      beforeCreate: (def, object) => (def.kind === 'Pod' ? this.schedule(object) : object),
    };
  }

  private schedule(pod: KubeObject): KubeObject {
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    const nodeName = spec.nodeName ?? this.nodes[this.placed++ % this.nodes.length] ?? 'node-a';
    const time = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ready = { status: 'True', lastTransitionTime: time };
    return {
      ...pod,
      spec: { ...spec, nodeName },
      status: {
        phase: 'Running',
        podIP: `10.244.0.${this.nextIp++}`,
        hostIP: '127.0.0.1',
        startTime: time,
        conditions: [
          { type: 'PodScheduled', ...ready },
          { type: 'Initialized', ...ready },
          { type: 'ContainersReady', ...ready },
          { type: 'Ready', ...ready },
        ],
      },
    };
  }

  private seed(replicas: number): void {
    const ns = this.namespace;
    this.store.create(resourceForKind('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, status: { phase: 'Active' } });
    for (const node of this.nodes) {
      this.store.create(resourceForKind('Node'), {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: node, labels: { 'kubernetes.io/hostname': node } },
        status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
      });
    }
    this.store.create(resourceForKind('Service'), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
      spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    for (let i = 0; i < replicas; i++) {
      this.createPod({ app: 'web', 'pod-template-hash': '5d8f7c9b6' }, 'web-5d8f7c9b6-');
    }
  }

  createPod(labels: Record<string, string>, generateName: string): KubeObject {
    return this.store.create(
      PODS,
      this.schedule({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: '', uid: '', resourceVersion: '', creationTimestamp: '', generateName, namespace: this.namespace, labels },
        spec: { containers: [{ name: 'web', image: 'cutover/lab-web:1' }], terminationGracePeriodSeconds: 30 },
      }),
    );
  }
}
