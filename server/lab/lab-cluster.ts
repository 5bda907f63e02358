import { LabApiServer } from './api/api-server';
import type { Deployment, Pod } from './api/kube-types';
import { type KubeObject, ObjectStore } from './api/object-store';
import { resourceForKind } from './api/resource-registry';
import { clusterApi } from './cluster/cluster-api';
import { requestPodDeletion } from './cluster/pod-deletion';
import { DeploymentController } from './controllers/deployment-controller';
import { EndpointSliceController } from './controllers/endpoint-slice-controller';
import { GarbageCollector } from './controllers/garbage-collector';
import { relabelFirstDeleter } from './controllers/relabel-first';
import { ReplicaSetController } from './controllers/replica-set-controller';
import { Scheduler } from './controllers/scheduler';
import { DataPlane } from './data-plane/data-plane';
import { labKubeconfig } from './kubeconfig';
import { Kubelet } from './kubelet/kubelet';
import { type PodRuntime, realPodRuntime } from './kubelet/pod-runtime';
import type { PodLifecycleListener } from './kubelet/pod-worker';
import { LabClock } from './lab-clock';
import { deploymentManifest, nodeManifests, rolloutPatch, serviceManifest, serviceSelector } from './scenarios/scenario-manifests';
import { loadScenario } from './scenarios/scenario-loader';
import type { Scenario } from './scenarios/scenario-schema';

const PODS = resourceForKind('Pod');
const DEPLOYMENTS = resourceForKind('Deployment');

export interface LabClusterOptions {
  /** A built-in scenario's name or a parsed scenario. Default 'broken'. */
  scenario?: string | Scenario;
  /** Every scenario duration is divided by this (tests use 10-20). Default 1. */
  timeScale?: number;
  host?: string;
  port?: number;
  /** Overrides of the scenario, kept for callers of the first lab. */
  namespace?: string;
  nodes?: string[];
  replicas?: number;
  bookmarkIntervalMs?: number;
  /** How many changes watches can resume across before 410 Gone. */
  historyLimit?: number;
  /** Wait in start() until the Deployment is fully available. Default true. */
  waitUntilAvailable?: boolean;
  /** The container runtime; the default runs real pod servers on loopback addresses. */
  podRuntime?: PodRuntime;
  /** Run the data plane (node proxies, load balancer, ground truth). Default true. */
  dataPlane?: boolean;
  /** Ground truth: every pod start, readiness change, preStop, SIGTERM, exit and removal, with real times. */
  onPodLifecycle?: PodLifecycleListener;
}

/**
 * The embedded cluster: a Kubernetes API server over an in-memory store, the scheduler, Deployment,
 * ReplicaSet, EndpointSlice and garbage-collection controllers, and one kubelet per node running real
 * pod servers. Cutover and kubectl talk to it exactly as to a real cluster.
 */
export class LabCluster {
  readonly store: ObjectStore;
  readonly clock: LabClock;
  readonly scenario: Scenario;
  readonly namespace: string;
  readonly nodes: string[];
  /** Node proxies standing in for kube-proxy, the optional load balancer, and the data plane's ground truth. */
  readonly dataPlane: DataPlane | undefined;
  private readonly api: LabApiServer;
  private readonly stoppers: Array<() => void> = [];
  private readonly kubelets: Kubelet[];
  private readonly lifecycleListeners = new Set<PodLifecycleListener>();
  private url = '';

  private constructor(scenario: Scenario, options: LabClusterOptions) {
    this.scenario = scenario;
    this.clock = new LabClock(options.timeScale ?? 1);
    this.namespace = scenario.namespace;
    this.nodes = scenario.nodes.map((n) => n.name);
    this.store = new ObjectStore({ now: () => this.clock.now(), ...(options.historyLimit !== undefined ? { historyLimit: options.historyLimit } : {}) });
    this.api = new LabApiServer({
      store: this.store,
      behaviour: clusterApi(this.store, this.clock),
      ...(options.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
    });
    if (options.onPodLifecycle) this.lifecycleListeners.add(options.onPodLifecycle);
    this.dataPlane =
      options.dataPlane === false
        ? undefined
        : new DataPlane({
            store: this.store,
            clock: this.clock,
            nodes: scenario.nodes,
            loadBalancer: scenario.loadBalancer,
            service: { namespace: scenario.namespace, name: scenario.deployment.name },
          });
    const deleteNow = (namespace: string | undefined, name: string) => void requestPodDeletion(this.store, this.clock, namespace, name);
    const relabelFirst = scenario.deployment.relabelFirst;
    const deletePod = relabelFirst
      ? relabelFirstDeleter({ store: this.store, clock: this.clock, serviceSelector: serviceSelector(scenario), waitMs: relabelFirst.waitSeconds * 1000, deletePod: deleteNow })
      : deleteNow;
    const replicaSets = new ReplicaSetController(this.store, this.clock, deletePod);
    const controllers = [new Scheduler(this.store, () => this.clock.now()), replicaSets, new DeploymentController(this.store, this.clock), new EndpointSliceController(this.store), new GarbageCollector(this.store, deletePod)];
    for (const c of controllers) this.stoppers.push(() => c.stop());
    this.kubelets = this.nodes.map(
      (nodeName) =>
        new Kubelet({
          nodeName,
          store: this.store,
          clock: this.clock,
          runtime: options.podRuntime ?? realPodRuntime,
          onLifecycle: (pod, event, at) => {
            for (const listener of this.lifecycleListeners) listener(pod, event, at);
          },
        }),
    );
  }

  static async start(options: LabClusterOptions = {}): Promise<LabCluster> {
    const base = typeof options.scenario === 'object' ? options.scenario : await loadScenario(options.scenario ?? 'broken');
    const scenario = applyOverrides(base, options);
    const lab = new LabCluster(scenario, options);
    const waitUntilAvailable = options.waitUntilAvailable ?? true;
    // The nodes were running before the lab looked: when the lab waits for its Deployment, their proxies
    // start from the state it reached (so no node is still learning of the first pods, after its lag, when
    // a rollout begins); otherwise they start at once and take the first pods in after their lag.
    if (!waitUntilAvailable) await lab.dataPlane?.start();
    try {
      lab.seed();
      lab.url = await lab.api.listen(options.port ?? 0, options.host ?? '127.0.0.1');
      if (waitUntilAvailable) {
        await lab.waitForDeployment((d) => (d.status?.availableReplicas ?? 0) >= (d.spec.replicas ?? 1) && !d.status?.unavailableReplicas, 30_000);
        await lab.dataPlane?.start();
      }
    } catch (error) {
      await lab.stop().catch(() => undefined);
      throw error;
    }
    const auto = scenario.rollout.autoStartAfterMs;
    if (auto !== undefined) lab.clock.setTimeout(() => void lab.rollout(), auto);
    return lab;
  }

  get apiUrl(): string {
    return this.url;
  }

  get deploymentName(): string {
    return this.scenario.deployment.name;
  }

  kubeconfig(): string {
    return labKubeconfig(this.url, this.namespace);
  }

  /** Subscribes to pod lifecycle ground truth; returns the unsubscribe function. */
  onPodLifecycle(listener: PodLifecycleListener): () => void {
    this.lifecycleListeners.add(listener);
    return () => this.lifecycleListeners.delete(listener);
  }

  /** Performs the scenario's rollout as `kubectl set image` does: a strategic merge patch of the Deployment. */
  rollout(): Deployment {
    this.dataPlane?.markEpoch();
    const handle = clusterApi(this.store, this.clock).handle;
    const result = handle?.({
      method: 'PATCH',
      def: DEPLOYMENTS,
      namespace: this.namespace,
      name: this.deploymentName,
      contentType: 'application/strategic-merge-patch+json',
      body: rolloutPatch(this.scenario),
      query: new URLSearchParams(),
    });
    return result as Deployment;
  }

  /** Resolves once the Deployment satisfies `done`; rejects after `timeoutMs` real ms. */
  waitForDeployment(done: (d: Deployment) => boolean, timeoutMs = 60_000): Promise<Deployment> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const d = this.store.tryGet(DEPLOYMENTS, this.namespace, this.deploymentName) as Deployment | undefined;
        if (d && done(d)) {
          finish();
          resolve(d);
        }
      };
      const unsubscribe = this.store.subscribe((c) => {
        if (c.resource === 'apps/deployments') setImmediate(check);
      });
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`deployment ${this.deploymentName} did not reach the expected state within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        unsubscribe();
      };
      check();
    });
  }

  /** Creates a bare pod (no owner) as a client would; the scheduler and a kubelet run it for real. */
  createPod(labels: Record<string, string>, generateName: string): KubeObject {
    return this.store.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName, namespace: this.namespace, labels },
      spec: {
        terminationGracePeriodSeconds: 30,
        containers: [{ name: 'web', image: 'cutover/web:bare', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
  }

  pods(): Pod[] {
    return this.store.list(PODS, { selector: [], namespace: this.namespace }).items as Pod[];
  }

  async stop(): Promise<void> {
    for (const stop of this.stoppers) stop();
    this.clock.stopAll();
    await Promise.all(this.kubelets.map((k) => k.stop()));
    await this.dataPlane?.stop();
    this.clock.stopAll();
    await this.api.close();
  }

  private seed(): void {
    const s = this.scenario;
    this.store.create(resourceForKind('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.namespace, labels: { 'kubernetes.io/metadata.name': s.namespace } }, status: { phase: 'Active' } });
    for (const node of nodeManifests(s)) this.store.create(resourceForKind('Node'), node);
    this.store.create(resourceForKind('Service'), serviceManifest(s));
    const prepare = clusterApi(this.store, this.clock).beforeCreate;
    const deployment = deploymentManifest(s) as unknown as KubeObject;
    this.store.create(DEPLOYMENTS, prepare ? prepare(DEPLOYMENTS, deployment) : deployment);
  }
}

function applyOverrides(scenario: Scenario, options: LabClusterOptions): Scenario {
  const out = structuredClone(scenario);
  if (options.namespace !== undefined) out.namespace = options.namespace;
  if (options.replicas !== undefined) out.deployment.replicas = options.replicas;
  if (options.nodes !== undefined) {
    out.nodes = options.nodes.map((name) => out.nodes.find((n) => n.name === name) ?? { name, lag: { kind: 'fixed', ms: 0 }, minSyncPeriodMs: 1000 });
  }
  return out;
}
