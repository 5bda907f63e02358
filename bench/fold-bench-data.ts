import type { CutoverEvent } from '../lib/events/event-schema';
import { slimDeployment } from '../lib/kube/slim-deployment';
import { slimEndpointSlice } from '../lib/kube/slim-endpoint-slice';
import { slimPod } from '../lib/kube/slim-pod';
import { slimReplicaSet } from '../lib/kube/slim-replica-set';
import { ProbeRunAccumulator } from '../lib/probes/probe-run-accumulator';
import { type BenchEndpoint, rolloutEndpoints } from './rollout-endpoints';

/** A small deterministic PRNG so every bench run folds the same recording. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NS = 'bench';
const T0 = 1_800_000_000_000;

function deployment(revision: number, template: string, replicas: number) {
  return slimDeployment({
    metadata: { name: 'web', namespace: NS, uid: 'dep', annotations: { 'deployment.kubernetes.io/revision': String(revision) } },
    spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, template: { spec: { containers: [{ name: 'web', image: template, readinessProbe: { httpGet: { path: '/' } }, lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } } }] } } },
    status: { replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas },
  });
}

function rs(hash: string, revision: number, replicas: number, available: number) {
  return slimReplicaSet({
    metadata: { name: `web-${hash}`, namespace: NS, uid: `rs-${hash}`, labels: { 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'dep', controller: true }] },
    spec: { replicas },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  });
}

function pod(name: string, hash: string, node: string, ready: boolean, deleting = false) {
  return slimPod({
    metadata: { name, namespace: NS, uid: `uid-${name}`, labels: { 'pod-template-hash': hash }, ownerReferences: [{ kind: 'ReplicaSet', name: `web-${hash}`, uid: `rs-${hash}`, controller: true }], ...(deleting ? { deletionTimestamp: '2027-01-15T08:00:00Z', deletionGracePeriodSeconds: 30 } : {}) },
    spec: { nodeName: node, terminationGracePeriodSeconds: 30, containers: [{ name: 'web', readinessProbe: { httpGet: { path: '/' } } }] },
    status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [{ name: 'web', ready, state: { running: { startedAt: '2027-01-15T08:00:00Z' } } }] },
  });
}

function slice(index: number, endpoints: BenchEndpoint[]) {
  return slimEndpointSlice({
    metadata: { name: `web-${index}`, namespace: NS, uid: `slice-${index}`, labels: { 'kubernetes.io/service-name': 'web' } },
    endpoints: endpoints.map((e) => ({ addresses: ['10.0.0.1'], conditions: { ready: e.ready, serving: e.ready || e.terminating, terminating: e.terminating }, nodeName: e.node, targetRef: { kind: 'Pod', name: e.name, uid: `uid-${e.name}` } })),
  });
}

/**
 * A 1,000,000-event recording: a 100-replica Deployment on 100 nodes rolled once (200 pods), every
 * node's agent sending a probe batch every 100 ms (20 probes/s), steady before and after the rollout.
 */
export function generateFoldBenchEvents(total = 1_000_000, nodes = 100, replicas = 100): CutoverEvent[] {
  const rand = lcg(42);
  const out: CutoverEvent[] = [];
  const nodeName = (i: number) => `node-${String(i).padStart(3, '0')}`;
  const oldPods = Array.from({ length: replicas }, (_, i) => ({ name: `web-aaaa111-${i}`, node: nodeName(i % nodes) }));
  const newPods = Array.from({ length: replicas }, (_, i) => ({ name: `web-bbbb222-${i}`, node: nodeName((i + 7) % nodes) }));
  const batchMs = 100;
  const batchesPerNodeSecond = 1000 / batchMs;
  const objectEventsEstimate = replicas * 10;
  const seconds = Math.ceil((total - objectEventsEstimate) / (nodes * batchesPerNodeSecond));
  const rolloutStart = Math.floor(seconds * 0.45) * 1000;
  const stepMs = 1000;
  // Serving state over time: old pod i is replaced by new pod i at rolloutStart + i * step; one endpoint
  // list per span between changes, built once (not per probe).
  const endpoints = rolloutEndpoints(oldPods, newPods, (i) => rolloutStart + i * stepMs);
  const bySpan = new Map<number, BenchEndpoint[]>();
  const endpointsAt = (t: number): BenchEndpoint[] => {
    const span = endpoints.spanOf(t);
    let eps = bySpan.get(span);
    if (!eps) bySpan.set(span, (eps = endpoints.at(t)));
    return eps;
  };
  // Endpoints stay in their slice (pod i in slice i % 2), as the EndpointSlice controller tries to do.
  const emitSlices = (t: number) => {
    const eps = endpointsAt(t);
    for (let s = 0; s < 2; s++) out.push({ seq: 0, type: 'object', at: T0 + t, action: 'modified', object: slice(s, eps.filter((e) => Number(e.name.slice(e.name.lastIndexOf('-') + 1)) % 2 === s)) });
  };

  out.push({ seq: 0, type: 'object', at: T0, action: 'added', object: deployment(1, 'v1', replicas) });
  out.push({ seq: 0, type: 'object', at: T0, action: 'added', object: rs('aaaa111', 1, replicas, replicas) });
  for (const p of oldPods) out.push({ seq: 0, type: 'object', at: T0, action: 'added', object: pod(p.name, 'aaaa111', p.node, true) });
  emitSlices(0);

  const objectTimeline: { t: number; make: () => void }[] = [];
  objectTimeline.push({ t: rolloutStart - 50, make: () => out.push({ seq: 0, type: 'object', at: T0 + rolloutStart - 50, action: 'modified', object: deployment(1, 'v2', replicas) }) });
  objectTimeline.push({ t: rolloutStart - 40, make: () => out.push({ seq: 0, type: 'object', at: T0 + rolloutStart - 40, action: 'added', object: rs('bbbb222', 2, 1, 0) }) });
  objectTimeline.push({ t: rolloutStart - 30, make: () => out.push({ seq: 0, type: 'object', at: T0 + rolloutStart - 30, action: 'modified', object: deployment(2, 'v2', replicas) }) });
  for (let i = 0; i < replicas; i++) {
    const swap = rolloutStart + i * stepMs;
    const o = oldPods[i];
    const n = newPods[i];
    if (!o || !n) continue;
    const at = (dt: number) => T0 + swap + dt;
    objectTimeline.push({ t: swap - 3000, make: () => out.push({ seq: 0, type: 'object', at: at(-3000), action: 'added', object: pod(n.name, 'bbbb222', n.node, false) }) });
    objectTimeline.push({ t: swap + 350, make: () => out.push({ seq: 0, type: 'object', at: at(350), action: 'modified', object: pod(n.name, 'bbbb222', n.node, true) }) });
    objectTimeline.push({ t: swap + 400, make: () => emitSlices(swap + 400) });
    objectTimeline.push({ t: swap + 420, make: () => out.push({ seq: 0, type: 'object', at: at(420), action: 'modified', object: rs('bbbb222', 2, i + 1, i + 1) }) });
    objectTimeline.push({ t: swap + 450, make: () => out.push({ seq: 0, type: 'object', at: at(450), action: 'modified', object: pod(o.name, 'aaaa111', o.node, true, true) }) });
    objectTimeline.push({ t: swap + 460, make: () => out.push({ seq: 0, type: 'object', at: at(460), action: 'modified', object: rs('aaaa111', 1, replicas - i - 1, replicas - i - 1) }) });
    objectTimeline.push({ t: swap + 500, make: () => emitSlices(swap + 500) });
    objectTimeline.push({ t: swap + 5_600, make: () => emitSlices(swap + 5_600) });
    objectTimeline.push({ t: swap + 5_700, make: () => out.push({ seq: 0, type: 'object', at: at(5_700), action: 'deleted', object: pod(o.name, 'aaaa111', o.node, false, true) }) });
  }
  objectTimeline.sort((a, b) => a.t - b.t);

  // Each node's data plane follows the endpoints with its own lag; node 0 is a 3 s straggler.
  const lagOf = (node: number) => (node === 0 ? 3_000 : 20 + (node % 10) * 5);
  let next = 0;
  const acc = new ProbeRunAccumulator();
  const views = new Map<number, BenchEndpoint[]>();
  for (let t = batchMs; t <= seconds * 1000; t += batchMs) {
    views.clear();
    while (next < objectTimeline.length && (objectTimeline[next]?.t ?? Infinity) <= t) objectTimeline[next++]?.make();
    for (let n = 0; n < nodes; n++) {
      const seenAt = t - batchMs - lagOf(n);
      let view = views.get(seenAt);
      if (!view) {
        view = endpointsAt(seenAt).filter((e) => e.ready || e.terminating);
        views.set(seenAt, view);
      }
      for (let k = 0; k < 2; k++) {
        const time = T0 + t - batchMs + k * 50 + (n % 50);
        const target = view[Math.floor(rand() * view.length)];
        const latency = 1 + rand() * 3;
        // A pod past its 5 s preStop no longer answers: requests still sent to it time out.
        if (!target) acc.add({ time, outcome: 'refused', latencyMs: latency });
        else acc.add({ time, outcome: 'served', pod: target.name, status: 200, latencyMs: latency });
      }
      out.push({ seq: 0, type: 'probes', at: T0 + t + 5, node: nodeName(n), target: `${NS}/web`, intervalMs: 50, offsetUncertaintyMs: 2, runs: acc.flush() });
    }
  }
  while (next < objectTimeline.length) objectTimeline[next++]?.make();
  const sorted = out.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).slice(0, total);
  return sorted.map(({ e }, seq) => {
    e.seq = seq;
    return e;
  });
}

/** One node-hour of steady probing at `perSecond`, batched every second, behind a `replicas`-pod Service. */
export function* steadyNodeHour(node: string, replicas: number, perSecond: number, seqStart: number, seconds = 3600): Generator<CutoverEvent> {
  const rand = lcg(node.length * 7919 + replicas);
  const acc = new ProbeRunAccumulator();
  const pods = Array.from({ length: replicas }, (_, i) => `web-67c878cb69-${'abcdefghij'.slice(0, 5)}${i}`);
  let seq = seqStart;
  for (let s = 1; s <= seconds; s++) {
    for (let k = 0; k < perSecond; k++) {
      const time = T0 + (s - 1) * 1000 + Math.round((k * 1000) / perSecond);
      acc.add({ time, outcome: 'served', pod: pods[Math.floor(rand() * pods.length)], revision: '2', status: 200, latencyMs: Math.round((0.5 + rand() * 2) * 100) / 100 });
    }
    yield { seq: seq++, at: T0 + s * 1000 + 3, type: 'probes', node, target: 'demo/web', intervalMs: 1000 / perSecond, offsetUncertaintyMs: 1, runs: acc.flush() };
  }
}
