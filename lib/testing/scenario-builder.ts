import { cutoverEventSchema, type CutoverEvent, type CutoverEventInput } from '../events/event-schema';
import { slimDeployment } from '../kube/slim-deployment';
import { slimEndpointSlice } from '../kube/slim-endpoint-slice';
import { slimPod } from '../kube/slim-pod';
import { slimReplicaSet } from '../kube/slim-replica-set';
import type { ProbeOutcome, ProbeRunTuple } from '../probes/probe-run';

type Action = 'added' | 'modified' | 'deleted' | 'resynced';

export interface DeploymentSpec {
  revision: number;
  /** Anything that stands for the pod template: changing it changes the template fingerprint. */
  template: string;
  replicas?: number;
  strategy?: 'RollingUpdate' | 'Recreate';
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  preStopSleep?: number;
  grace?: number;
  minReadySeconds?: number;
  readinessProbe?: boolean;
  deadlineExceeded?: boolean;
  singleton?: boolean;
}

export interface PodSpec {
  name: string;
  rs: string;
  hash: string;
  node?: string;
  ip?: string;
  started?: boolean;
  ready?: boolean;
  deleting?: boolean;
}

export interface EndpointSpec {
  pod: string;
  node: string;
  ready: boolean;
  serving?: boolean;
  terminating?: boolean;
  /** The pod's address in the slice (10.0.0.1 unless a test ties failures to it). */
  address?: string;
}

/**
 * Run as [outcome, pod | null, first, last, count, endpoint?, reusedConntrack?] with latencies filled in:
 * `endpoint` the conntrack DNAT target (`address:port`) a failure was sent to, `reusedConntrack` as on the wire.
 */
export type RunSpec = [ProbeOutcome, string | null, number, number, number, string?, boolean?];

/**
 * Hand-built event streams for table tests: raw objects go through the real slim projections, so what the
 * fold sees is what the kube source would emit. Times are ms offsets from `t0`.
 */
export class ScenarioBuilder {
  private readonly pending: CutoverEventInput[] = [];
  constructor(
    readonly t0 = 1_800_000_000_000,
    readonly namespace = 'demo',
    readonly name = 'web',
  ) {}

  private push(event: CutoverEventInput): this {
    this.pending.push(event);
    return this;
  }

  /** The events in time order (stable), numbered and validated as the hub would. */
  build(): CutoverEvent[] {
    return this.pending
      .map((event, order) => ({ event, order }))
      .sort((a, b) => a.event.at - b.event.at || a.order - b.order)
      .map(({ event }, seq) => cutoverEventSchema.parse({ ...event, seq }));
  }

  deployment(t: number, spec: DeploymentSpec, action: Action = 'modified'): this {
    const container: Record<string, unknown> = { name: 'app', image: spec.template };
    if (spec.readinessProbe ?? true) container.readinessProbe = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1 };
    if (spec.preStopSleep) container.lifecycle = { preStop: { exec: { command: ['sleep', String(spec.preStopSleep)] } } };
    const annotations: Record<string, string> = { 'deployment.kubernetes.io/revision': String(spec.revision) };
    if (spec.singleton) annotations['cutover.dev/singleton'] = 'true';
    const object = slimDeployment({
      metadata: { name: this.name, namespace: this.namespace, uid: 'dep-uid', annotations },
      spec: {
        replicas: spec.replicas ?? 3,
        minReadySeconds: spec.minReadySeconds ?? 0,
        strategy: spec.strategy === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: spec.maxSurge ?? 1, maxUnavailable: spec.maxUnavailable ?? 0 } },
        template: { spec: { terminationGracePeriodSeconds: spec.grace ?? 30, containers: [container] } },
      },
      // Status is only read on first sight (a rollout already under way); a settled one unless told.
      status: {
        replicas: spec.replicas ?? 3,
        updatedReplicas: spec.replicas ?? 3,
        readyReplicas: spec.replicas ?? 3,
        availableReplicas: spec.replicas ?? 3,
        ...(spec.deadlineExceeded ? { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } : {}),
      },
    });
    return this.push({ type: 'object', at: this.t0 + t, action, object });
  }

  replicaSet(t: number, hash: string, revision: number, replicas: number, available: number, action: Action = 'modified'): this {
    const object = slimReplicaSet({
      metadata: {
        name: `${this.name}-${hash}`,
        namespace: this.namespace,
        uid: `rs-${hash}`,
        labels: { 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': String(revision) },
        ownerReferences: [{ kind: 'Deployment', name: this.name, uid: 'dep-uid', controller: true }],
      },
      spec: { replicas },
      status: { replicas, readyReplicas: available, availableReplicas: available },
    });
    return this.push({ type: 'object', at: this.t0 + t, action, object });
  }

  pod(t: number, spec: PodSpec, action: Action = 'modified', resync = false): this {
    const conditions = [];
    if (spec.node) conditions.push({ type: 'PodScheduled', status: 'True' });
    conditions.push({ type: 'Ready', status: spec.ready ? 'True' : 'False' });
    const metadata: Record<string, unknown> = {
      name: spec.name,
      namespace: this.namespace,
      uid: `uid-${spec.name}`,
      labels: { 'pod-template-hash': spec.hash },
      ownerReferences: [{ kind: 'ReplicaSet', name: `${this.name}-${spec.hash}`, uid: `rs-${spec.hash}`, controller: true }],
    };
    if (spec.deleting) Object.assign(metadata, { deletionTimestamp: '2027-01-15T08:00:00Z', deletionGracePeriodSeconds: 30 });
    const object = slimPod({
      metadata,
      spec: spec.node ? { nodeName: spec.node, containers: [{ name: 'app' }] } : { containers: [{ name: 'app' }] },
      status: {
        phase: spec.started ? 'Running' : 'Pending',
        podIP: spec.ip,
        conditions,
        containerStatuses: spec.started ? [{ name: 'app', ready: spec.ready ?? false, state: { running: { startedAt: '2027-01-15T08:00:00Z' } } }] : [],
      },
    });
    return this.push(resync && action === 'deleted' ? { type: 'object', at: this.t0 + t, action, object, resync: true } : { type: 'object', at: this.t0 + t, action, object });
  }

  slice(t: number, endpoints: EndpointSpec[], action: Action = 'modified'): this {
    const object = slimEndpointSlice({
      metadata: { name: `${this.name}-abc`, namespace: this.namespace, uid: 'slice-uid', labels: { 'kubernetes.io/service-name': this.name } },
      endpoints: endpoints.map((e) => ({
        addresses: [e.address ?? '10.0.0.1'],
        conditions: { ready: e.ready, serving: e.serving ?? e.ready, terminating: e.terminating ?? false },
        nodeName: e.node,
        targetRef: { kind: 'Pod', name: e.pod, uid: `uid-${e.pod}` },
      })),
    });
    return this.push({ type: 'object', at: this.t0 + t, action, object });
  }

  probes(t: number, node: string, runs: RunSpec[], intervalMs = 50, offsetUncertaintyMs = 0): this {
    const tuples: ProbeRunTuple[] = runs.map(([outcome, pod, first, last, count, endpoint, reused]) => {
      const t: ProbeRunTuple = [outcome, pod, null, outcome === 'served' ? 200 : outcome === 'http-error' ? 503 : null, this.t0 + first, this.t0 + last, count, 1, 2, 1.5 * count];
      if (reused !== undefined) t.push(endpoint ?? null, reused);
      else if (endpoint !== undefined) t.push(endpoint);
      return t;
    });
    return this.push({ type: 'probes', at: this.t0 + t, node, target: `${this.namespace}/${this.name}`, intervalMs, offsetUncertaintyMs, runs: tuples });
  }

  /**
   * A kube-proxy sync an agent reported at `t`: synced at `synced`, counted exactly or not, the sample
   * before at `notBefore`, and the Service's endpoints the rules held (read at `readAt`) when they were read.
   */
  proxySync(t: number, node: string, sync: { synced: number; exact: boolean; notBefore?: number; endpoints?: string[]; readAt?: number }): this {
    return this.push({
      type: 'dataplane',
      at: this.t0 + t,
      node,
      observation: 'proxy-sync',
      syncedAt: this.t0 + sync.synced,
      upperBound: !sync.exact,
      target: `${this.namespace}/${this.name}`,
      ...(sync.notBefore !== undefined ? { notBefore: this.t0 + sync.notBefore } : {}),
      ...(sync.endpoints !== undefined ? { endpoints: sync.endpoints } : {}),
      ...(sync.readAt !== undefined ? { rulesReadAt: this.t0 + sync.readAt } : {}),
    });
  }

  gap(t: number, from: number, reason: 'watch-reconnect' | 'relist' | 'agent-offline', node?: string): this {
    return this.push(node ? { type: 'gap', at: this.t0 + t, from: this.t0 + from, source: 'test', reason, node } : { type: 'gap', at: this.t0 + t, from: this.t0 + from, source: 'test', reason });
  }

  marker(t: number, label: string): this {
    return this.push({ type: 'marker', at: this.t0 + t, label });
  }
}
