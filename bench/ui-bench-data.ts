import type { CutoverEvent } from '../lib/events/event-schema';
import { slimDeployment } from '../lib/kube/slim-deployment';
import { slimEndpointSlice } from '../lib/kube/slim-endpoint-slice';
import { type BenchEndpoint, rolloutEndpoints } from './rollout-endpoints';
import { slimPod } from '../lib/kube/slim-pod';
import { slimReplicaSet } from '../lib/kube/slim-replica-set';
import { ProbeRunAccumulator } from '../lib/probes/probe-run-accumulator';
import type { RecordingHeaderInput } from '../lib/recording/recording-header';
import { lcg } from './fold-bench-data';

export interface RolloutRecordingOptions {
  nodes: number;
  /** Replicas per revision: the recording holds twice as many pods. */
  replicas: number;
  durationMs: number;
  /** Each node's probe interval. */
  probeIntervalMs: number;
  /** How often each node's agent sends its batch. */
  batchMs: number;
  /** How long an old pod keeps answering after its endpoint is removed (no preStop: short). */
  answersAfterRemovalMs: number;
  seed?: number;
}

/** The UI bench's recording: 200 pods, 100 nodes, a rollout that takes the whole hour. */
export const UI_BENCH_RECORDING: RolloutRecordingOptions = { nodes: 100, replicas: 100, durationMs: 3_600_000, probeIntervalMs: 1000, batchMs: 5000, answersAfterRemovalMs: 1000 };

type EventBody<E = CutoverEvent> = E extends CutoverEvent ? Omit<E, 'seq' | 'at'> : never;

const NS = 'bench';
const T0 = 1_800_000_000_000;
const OLD = 'aaaa111';
const NEW = 'bbbb222';

const deployment = (revision: number, image: string, replicas: number) =>
  slimDeployment({
    metadata: { name: 'web', namespace: NS, uid: 'dep', generation: revision, annotations: { 'deployment.kubernetes.io/revision': String(revision) } },
    spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, template: { spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'web', image, readinessProbe: { httpGet: { path: '/' } } }] } } },
    status: { replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas },
  });

const replicaSet = (hash: string, revision: number, replicas: number, available: number) =>
  slimReplicaSet({
    metadata: { name: `web-${hash}`, namespace: NS, uid: `rs-${hash}`, labels: { 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'dep', controller: true }] },
    spec: { replicas },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  });

const pod = (name: string, hash: string, node: string, state: 'pending' | 'started' | 'ready' | 'deleting') =>
  slimPod({
    metadata: {
      name,
      namespace: NS,
      uid: `uid-${name}`,
      labels: { 'pod-template-hash': hash },
      ownerReferences: [{ kind: 'ReplicaSet', name: `web-${hash}`, uid: `rs-${hash}`, controller: true }],
      ...(state === 'deleting' ? { deletionTimestamp: '2027-01-15T08:00:00Z', deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: { nodeName: node, terminationGracePeriodSeconds: 30, containers: [{ name: 'web', readinessProbe: { httpGet: { path: '/' } } }] },
    status: {
      phase: state === 'pending' ? 'Pending' : 'Running',
      podIP: '10.0.0.1',
      conditions: [{ type: 'Ready', status: state === 'ready' ? 'True' : 'False' }],
      ...(state === 'pending' ? {} : { containerStatuses: [{ name: 'web', ready: state === 'ready', state: { running: { startedAt: '2027-01-15T08:00:00Z' } } }] }),
    },
  });

const slice = (index: number, endpoints: readonly BenchEndpoint[]) =>
  slimEndpointSlice({
    metadata: { name: `web-${index}`, namespace: NS, uid: `slice-${index}`, labels: { 'kubernetes.io/service-name': 'web' } },
    endpoints: endpoints.map((e) => ({ addresses: ['10.0.0.1'], conditions: { ready: e.ready, serving: e.ready || e.terminating, terminating: e.terminating }, nodeName: e.node, targetRef: { kind: 'Pod', name: e.name, uid: `uid-${e.name}` } })),
  });

/**
 * A recorded rolling update with real shape: old pod i is replaced by new pod i, one after another across
 * the whole duration; every node's data plane follows the endpoints with its own lag (node 0 a 3 s
 * straggler), old pods answer only briefly after their endpoint is removed (no preStop), so lagging nodes
 * drop requests and serve stale ones. Deterministic for a given seed.
 */
export function generateRolloutRecording(o: RolloutRecordingOptions): { header: Omit<RecordingHeaderInput, 'format' | 'version'>; events: CutoverEvent[] } {
  const rand = lcg(o.seed ?? 7);
  const nodeName = (i: number) => `node-${String(i).padStart(3, '0')}`;
  const oldPods = Array.from({ length: o.replicas }, (_, i) => ({ name: `web-${OLD}-${i}`, node: nodeName(i % o.nodes) }));
  const newPods = Array.from({ length: o.replicas }, (_, i) => ({ name: `web-${NEW}-${i}`, node: nodeName((i + 7) % o.nodes) }));
  const lead = Math.min(60_000, o.durationMs * 0.1);
  const rolloutStart = lead;
  const step = (o.durationMs - 2 * lead) / o.replicas;
  const swapOf = (i: number) => rolloutStart + i * step;
  const events: CutoverEvent[] = [];
  const push = (at: number, e: EventBody) => events.push({ ...e, seq: 0, at: T0 + at } as CutoverEvent);

  const endpoints = rolloutEndpoints(oldPods, newPods, swapOf);
  const endpointsAt = endpoints.at;
  // The data plane's view of the ready endpoints, one per span between changes.
  const readyViews = new Map<number, BenchEndpoint[]>();
  const readyAt = (t: number): BenchEndpoint[] => {
    const lo = endpoints.spanOf(t);
    let view = readyViews.get(lo);
    if (!view) readyViews.set(lo, (view = endpointsAt(t).filter((e) => e.ready)));
    return view;
  };
  const emitSlice = (t: number, index: number) => {
    const s = index % 2;
    push(t, { type: 'object', action: 'modified', object: slice(s, endpointsAt(t).filter((e) => Number(e.name.slice(e.name.lastIndexOf('-') + 1)) % 2 === s)) });
  };

  push(0, { type: 'object', action: 'added', object: deployment(1, 'web:v1', o.replicas) });
  push(0, { type: 'object', action: 'added', object: replicaSet(OLD, 1, o.replicas, o.replicas) });
  for (const p of oldPods) push(0, { type: 'object', action: 'added', object: pod(p.name, OLD, p.node, 'ready') });
  emitSlice(0, 0);
  emitSlice(0, 1);
  push(rolloutStart - 3050, { type: 'object', action: 'modified', object: deployment(2, 'web:v2', o.replicas) });
  push(rolloutStart - 3040, { type: 'object', action: 'added', object: replicaSet(NEW, 2, 1, 0) });
  for (let i = 0; i < o.replicas; i++) {
    const swap = swapOf(i);
    const oldP = oldPods[i];
    const newP = newPods[i];
    if (!oldP || !newP) continue;
    push(swap - 3000, { type: 'object', action: 'added', object: pod(newP.name, NEW, newP.node, 'pending') });
    push(swap - 1500, { type: 'object', action: 'modified', object: pod(newP.name, NEW, newP.node, 'started') });
    push(swap + 350, { type: 'object', action: 'modified', object: pod(newP.name, NEW, newP.node, 'ready') });
    emitSlice(swap + 400, i);
    push(swap + 420, { type: 'object', action: 'modified', object: replicaSet(NEW, 2, Math.min(o.replicas, i + 2), i + 1) });
    push(swap + 450, { type: 'object', action: 'modified', object: pod(oldP.name, OLD, oldP.node, 'deleting') });
    push(swap + 460, { type: 'object', action: 'modified', object: replicaSet(OLD, 1, o.replicas - i - 1, o.replicas - i - 1) });
    emitSlice(swap + 500, i);
    emitSlice(swap + 5_600, i);
    push(swap + 5_700, { type: 'object', action: 'deleted', object: pod(oldP.name, OLD, oldP.node, 'deleting') });
  }

  // The data plane: each node routes by the endpoints it last applied; a removed old pod stops answering soon.
  const lagOf = (n: number) => (n === 0 ? 3000 : 20 + (n % 10) * 30);
  const deadAfter = (i: number) => swapOf(i) + 500 + o.answersAfterRemovalMs;
  const podIndex = (name: string) => Number(name.slice(name.lastIndexOf('-') + 1));
  for (let n = 0; n < o.nodes; n++) {
    const acc = new ProbeRunAccumulator();
    const phase = (n * 37) % o.probeIntervalMs;
    for (let batchEnd = o.batchMs; batchEnd <= o.durationMs; batchEnd += o.batchMs) {
      for (let t = batchEnd - o.batchMs + phase; t < batchEnd; t += o.probeIntervalMs) {
        const view = readyAt(t - lagOf(n));
        const target = view[Math.floor(rand() * view.length)];
        const latencyMs = 1 + rand() * 3;
        if (!target) acc.add({ time: T0 + t, outcome: 'refused', latencyMs });
        else if (target.name.includes(OLD) && t >= deadAfter(podIndex(target.name))) acc.add({ time: T0 + t, outcome: 'timeout', latencyMs: 900 });
        else acc.add({ time: T0 + t, outcome: 'served', pod: target.name, status: 200, latencyMs });
      }
      push(batchEnd + 5, { type: 'probes', node: nodeName(n), target: `${NS}/web`, intervalMs: o.probeIntervalMs, offsetUncertaintyMs: 2, runs: acc.flush() });
    }
  }

  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  return {
    header: { cluster: 'generated', namespace: NS, startedAt: T0, tool: 'cutover ui bench' },
    events: sorted.map(({ e }, seq) => ({ ...e, seq })),
  };
}
