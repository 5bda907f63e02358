import type { KubeObject, ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import { POD_PORT, allocatePodAddress, releasePodAddress } from './pod-address';
import { type PodServerHandle, type ShutdownBehaviour, startPodServer } from './pod-server';

/**
 * Drives the data plane without the control plane: writes pods and one EndpointSlice straight into a
 * store and runs their pod servers. For the data plane's own integration tests and the lab bench; the
 * real lab gets these objects from its controllers and kubelets.
 */

const PODS = resourceForKind('Pod');
const SLICES = resourceForKind('EndpointSlice');

export interface FixturePod {
  name: string;
  node: string;
  revision: string;
  address: string;
  server: PodServerHandle | undefined;
  ready: boolean;
  terminating: boolean;
}

export class DataPlaneFixture {
  readonly pods = new Map<string, FixturePod>();
  private sliceName: string | undefined;

  constructor(
    private readonly store: ObjectStore,
    readonly namespace = 'demo',
    readonly service = 'web',
  ) {}

  /** Creates a running, ready pod with its server (or without one: `serve: false`). */
  async addPod(name: string, node: string, revision: string, options: { shutdown?: ShutdownBehaviour; serve?: boolean; publish?: boolean } = {}): Promise<FixturePod> {
    const address = allocatePodAddress();
    const server =
      options.serve === false
        ? undefined
        : await startPodServer({ podName: name, namespace: this.namespace, revision, nodeName: node, host: address, shutdown: options.shutdown ?? 'immediate' });
    const pod: FixturePod = { name, node, revision, address, server, ready: true, terminating: false };
    this.pods.set(name, pod);
    this.store.create(PODS, this.podObject(pod));
    if (options.publish !== false) this.publish();
    return pod;
  }

  /** The pod is deleted: deletionTimestamp set, its endpoint turns ready=false, terminating=true. */
  terminate(name: string): void {
    const pod = this.must(name);
    pod.terminating = true;
    this.store.update(PODS, this.podObject(pod));
    this.publish();
  }

  /** The pod object is removed for good: its address no longer exists on its node. */
  async remove(name: string, options: { publish?: boolean } = {}): Promise<void> {
    const pod = this.must(name);
    this.pods.delete(name);
    await pod.server?.kill();
    this.store.remove(PODS, this.namespace, name);
    releasePodAddress(pod.address);
    if (options.publish !== false) this.publish();
  }

  /** Writes the Service's EndpointSlice from the pods, as the EndpointSlice controller would. */
  publish(): void {
    const endpoints = [...this.pods.values()].map((pod) => ({
      addresses: [pod.address],
      conditions: { ready: pod.ready && !pod.terminating, serving: pod.ready, terminating: pod.terminating },
      targetRef: { kind: 'Pod', namespace: this.namespace, name: pod.name },
      nodeName: pod.node,
    }));
    if (this.sliceName === undefined) {
      const created = this.store.create(SLICES, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${this.service}-abcde`, namespace: this.namespace, labels: { 'kubernetes.io/service-name': this.service } },
        addressType: 'IPv4',
        endpoints,
        ports: [{ name: 'http', port: POD_PORT, protocol: 'TCP' }],
      });
      this.sliceName = created.metadata.name;
      return;
    }
    const current = this.store.get(SLICES, this.namespace, this.sliceName);
    this.store.update(SLICES, { ...current, endpoints });
  }

  async close(): Promise<void> {
    for (const pod of this.pods.values()) {
      await pod.server?.kill();
      releasePodAddress(pod.address);
    }
    this.pods.clear();
  }

  private must(name: string): FixturePod {
    const pod = this.pods.get(name);
    if (!pod) throw new Error(`no pod ${name}`);
    return pod;
  }

  private podObject(pod: FixturePod): KubeObject {
    const existing = this.store.tryGet(PODS, this.namespace, pod.name);
    const metadata = existing?.metadata ?? { name: pod.name, namespace: this.namespace, uid: '', resourceVersion: '', creationTimestamp: '' };
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...metadata,
        labels: { app: this.service, 'pod-template-hash': pod.revision },
        ...(pod.terminating ? { deletionTimestamp: new Date().toISOString() } : {}),
      },
      spec: { nodeName: pod.node, containers: [{ name: 'web', image: `cutover/web:${pod.revision}` }] },
      status: {
        phase: 'Running',
        podIP: pod.address,
        conditions: [{ type: 'Ready', status: pod.ready && !pod.terminating ? 'True' : 'False' }],
      },
    };
  }
}
