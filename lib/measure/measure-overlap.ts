import type { FoldState, Gap } from '../fold/fold-types';
import { bound, exact, type Bound } from './bound';
import type { AttributedRun, PodView } from './deployment-view';
import { clip, closeAt, complement, coveredByAtLeast, intersect, totalLength, union, type Span } from './intervals';
import { isNewPod, type RolloutView } from './select-rollouts';

export interface ProbeTiming {
  /** Largest probe interval among the nodes involved (ms). */
  intervalMs: number;
  /** Largest clock-mapping uncertainty among them (ms). */
  uncertaintyMs: number;
}

export function probeTiming(state: FoldState, nodes?: Iterable<string>): ProbeTiming {
  let intervalMs = 0;
  let uncertaintyMs = 0;
  for (const n of nodes ?? state.nodes.keys()) {
    const t = state.nodes.get(n);
    if (!t) continue;
    intervalMs = Math.max(intervalMs, t.intervalMs);
    uncertaintyMs = Math.max(uncertaintyMs, t.maxUncertaintyMs);
  }
  return { intervalMs, uncertaintyMs };
}

/** Length of the given gaps inside [from, to]: how far a control-plane time may be off across them. */
export function gapLength(gaps: readonly Gap[], from: number, to: number): number {
  return totalLength(union(clip(gaps.map((g) => ({ from: g.from, to: g.to })), from, to)));
}

export interface ControlPlaneOverlap {
  total: Bound;
  spans: Span[];
  spansGap: boolean;
}

export function readySpans(pod: PodView, end: number): Span[] {
  return pod.endpoint ? closeAt(pod.endpoint.ready, end) : [];
}

/** Time the Service's slices listed ready endpoints of both the old and the new revision. */
export function controlPlaneOverlap(r: RolloutView, pods: readonly PodView[]): ControlPlaneOverlap {
  const from = r.startAt;
  const to = r.windowEnd;
  const oldSpans = union(pods.filter((p) => !isNewPod(r.record, p)).flatMap((p) => clip(readySpans(p, to), from, to)));
  const newSpans = union(pods.filter((p) => isNewPod(r.record, p)).flatMap((p) => clip(readySpans(p, to), from, to)));
  const spans = intersect(oldSpans, newSpans);
  const value = totalLength(spans);
  const kubeGaps = r.gaps.filter((g) => g.reason !== 'agent-offline');
  const slack = gapLength(kubeGaps, from, to);
  return { total: bound(value, Math.max(0, value - slack), value + slack), spans, spansGap: slack > 0 };
}

export interface DataPlaneOverlap {
  node?: string;
  firstNewAt?: number;
  lastOldAt?: number;
  /** max(0, lastOld - firstNew), bounded by the probe interval and, across nodes, clock uncertainty. */
  overlap?: Bound;
  spansGap: boolean;
}

interface ServedEdges {
  firstNewAt?: number;
  lastOldAt?: number;
}

/** Folds one served run into the edges (first new-revision response, last old-revision one) within the rollout. */
function addServedRun(out: ServedEdges, r: RolloutView, run: AttributedRun['run'], isNew: boolean): void {
  if (isNew) {
    const t = Math.max(run.first, r.startAt);
    if (out.firstNewAt === undefined || t < out.firstNewAt) out.firstNewAt = t;
  } else {
    const t = Math.min(run.last, r.windowEnd);
    if (out.lastOldAt === undefined || t > out.lastOldAt) out.lastOldAt = t;
  }
}

function overlapOf(edges: { firstNewAt?: number; lastOldAt?: number }, timing: ProbeTiming, sameClock: boolean): Bound | undefined {
  if (edges.firstNewAt === undefined || edges.lastOldAt === undefined) return undefined;
  const d = edges.lastOldAt - edges.firstNewAt;
  const u = sameClock ? 0 : 2 * timing.uncertaintyMs;
  // Responses observed really happened (only clocks can shrink it); unprobed time at each edge can grow it.
  return bound(Math.max(0, d), Math.max(0, d - u), Math.max(0, d + 2 * timing.intervalMs + u));
}

/** Gathers the served edges of a rollout per node and cluster-wide, run by run (minima and maxima: any order). */
export class ServedEdgesCollector {
  readonly byNode = new Map<string, ServedEdges>();
  readonly cluster: ServedEdges = {};
  private node: string | undefined;
  private edges: ServedEdges | undefined;

  constructor(private readonly r: RolloutView) {}

  add({ run, pod }: AttributedRun): void {
    let edges = this.edges;
    if (run.node !== this.node || !edges) {
      this.node = run.node;
      edges = this.byNode.get(run.node);
      if (!edges) this.byNode.set(run.node, (edges = {}));
      this.edges = edges;
    }
    const r = this.r;
    if (run.outcome !== 'served' || !pod || run.last < r.startAt || run.first > r.windowEnd) return;
    const isNew = isNewPod(r.record, pod);
    addServedRun(edges, r, run, isNew);
    addServedRun(this.cluster, r, run, isNew);
  }
}

/** Data-plane overlap from the edges gathered over a Deployment's runs. */
export function dataPlaneOverlapOf(state: FoldState, r: RolloutView, c: ServedEdgesCollector): { cluster: DataPlaneOverlap; perNode: DataPlaneOverlap[] } {
  const offline = (node?: string) => r.gaps.some((g) => g.reason === 'agent-offline' && (node === undefined || g.node === node));
  const perNode = [...c.byNode.keys()].sort().map((node) => {
    const edges = c.byNode.get(node) ?? {};
    const overlap = overlapOf(edges, probeTiming(state, [node]), true);
    const out: DataPlaneOverlap = { node, ...edges, spansGap: offline(node) };
    if (overlap) out.overlap = overlap;
    return out;
  });
  const cluster: DataPlaneOverlap = { ...c.cluster, spansGap: offline() };
  const overlap = overlapOf(c.cluster, probeTiming(state, c.byNode.keys()), c.byNode.size <= 1);
  if (overlap) cluster.overlap = overlap;
  return { cluster, perNode };
}

export function dataPlaneOverlap(state: FoldState, r: RolloutView, runs: readonly AttributedRun[]): { cluster: DataPlaneOverlap; perNode: DataPlaneOverlap[] } {
  const c = new ServedEdgesCollector(r);
  for (const a of runs) c.add(a);
  return dataPlaneOverlapOf(state, r, c);
}

export interface SingletonViolation {
  /** Time two or more pods answered probes (cluster-wide). */
  dataPlane: Bound;
  /** Time two or more pods were ready endpoints together. */
  controlPlane: Bound;
  dataPlaneSpans: Span[];
  controlPlaneSpans: Span[];
}

export function singletonViolation(state: FoldState, r: RolloutView, pods: readonly PodView[], runs: readonly AttributedRun[]): SingletonViolation {
  const from = r.startAt;
  const to = r.windowEnd;
  const control = coveredByAtLeast(pods.map((p) => clip(readySpans(p, to), from, to)), 2);
  const servedBy = new Map<string, Span>();
  for (const { run, pod } of runs) {
    if (run.outcome !== 'served' || !pod || run.last < from || run.first > to) continue;
    const s = servedBy.get(pod.lane.uid);
    const a = Math.max(run.first, from);
    const b = Math.min(run.last, to);
    if (s) {
      s.from = Math.min(s.from, a);
      s.to = Math.max(s.to, b);
    } else servedBy.set(pod.lane.uid, { from: a, to: b });
  }
  const timing = probeTiming(state);
  const spans = [...servedBy.values()];
  const data = coveredByAtLeast(spans.map((s) => [s]), 2);
  const widen = timing.intervalMs + timing.uncertaintyMs;
  const wide = coveredByAtLeast(spans.map((s) => [{ from: s.from - widen, to: s.to + widen }]), 2);
  const narrow = coveredByAtLeast(spans.map((s) => [{ from: s.from + timing.uncertaintyMs, to: s.to - timing.uncertaintyMs }].filter((x) => x.to > x.from)), 2);
  const controlValue = totalLength(control);
  const slack = gapLength(r.gaps.filter((g) => g.reason !== 'agent-offline'), from, to);
  return {
    dataPlane: bound(totalLength(data), totalLength(narrow), totalLength(wide)),
    controlPlane: slack > 0 ? bound(controlValue, Math.max(0, controlValue - slack), controlValue + slack) : exact(controlValue),
    dataPlaneSpans: data,
    controlPlaneSpans: control,
  };
}

/** Spans of the rollout in which the Deployment had no ready endpoint at all (Recreate's gap, or worse). */
export function noReadyEndpointSpans(r: RolloutView, pods: readonly PodView[]): Span[] {
  if (!pods.some((p) => p.endpoint)) return [];
  return complement(pods.flatMap((p) => readySpans(p, r.windowEnd)), r.startAt, r.windowEnd);
}
