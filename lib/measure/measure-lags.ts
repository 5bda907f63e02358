import type { FoldState } from '../fold/fold-types';
import type { ProbeOutcome } from '../probes/probe-run';
import { addBounds, bound, countInWindow, exact, type Bound } from './bound';
import type { AttributedRun, PodView } from './deployment-view';
import type { Span } from './intervals';
import { nextProbeAfter, previousProbeBefore } from './probe-neighbours';
import { isNewPod, type RolloutView } from './select-rollouts';

export interface PodNodeLag {
  pod: string;
  node: string;
  /** Control-plane edge: ready in the slices (add) or no longer ready / gone from them (removal). */
  endpointAt: number;
  /** Add: first response from the pod at the node. Removal: last one. */
  responseAt: number;
  /** Removal only: the next probe after the last response, the latest the node can have switched. */
  firstNotSeenAt?: number;
  lag: Bound;
  spansGap: boolean;
}

export interface Seen {
  /** First response served by the pod at the node. */
  first?: number;
  /** Last request the node sent to the pod: served, or failed with the pod known (it still routed there). */
  last: number;
}

/** Pod (lane uid) → node → what the node saw of the pod: one walk over the runs, shared by add and removal lags. */
export type SeenByPodAndNode = Map<string, Map<string, Seen>>;

/**
 * Gathers SeenByPodAndNode run by run. A Deployment's runs come node by node: they are gathered per node
 * (one lookup of the pod per run), then turned round.
 */
export class SeenCollector {
  private readonly byNode = new Map<string, Map<PodView, Seen>>();
  private node: string | undefined;
  private seenAt: Map<PodView, Seen> | undefined;

  add({ run, pod }: AttributedRun): void {
    if (!pod) return;
    let seenAt = this.seenAt;
    if (run.node !== this.node || !seenAt) {
      this.node = run.node;
      seenAt = this.byNode.get(run.node);
      if (!seenAt) this.byNode.set(run.node, (seenAt = new Map()));
      this.seenAt = seenAt;
    }
    const seen = seenAt.get(pod);
    if (!seen) seenAt.set(pod, run.outcome === 'served' ? { first: run.first, last: run.last } : { last: run.last });
    else {
      if (run.last > seen.last) seen.last = run.last;
      if (run.outcome === 'served' && (seen.first === undefined || run.first < seen.first)) seen.first = run.first;
    }
  }

  result(): SeenByPodAndNode {
    const out: SeenByPodAndNode = new Map();
    for (const [n, pods] of this.byNode) {
      for (const [pod, seen] of pods) {
        let nodes = out.get(pod.lane.uid);
        if (!nodes) out.set(pod.lane.uid, (nodes = new Map()));
        const other = nodes.get(n);
        // Two views of one pod (never from selectDeploymentRollouts, but callers may build runs themselves).
        if (!other) nodes.set(n, seen);
        else {
          other.last = Math.max(other.last, seen.last);
          if (seen.first !== undefined) other.first = Math.min(other.first ?? seen.first, seen.first);
        }
      }
    }
    return out;
  }
}

export function seenByPodAndNode(runs: readonly AttributedRun[]): SeenByPodAndNode {
  const c = new SeenCollector();
  for (const a of runs) c.add(a);
  return c.result();
}

/**
 * A pod's nodes in the order the lags list them: as `[...map].sort()` orders `[node, seen]` entries, by
 * their text `${node},[object Object]`, with that text built once per node rather than in every comparison.
 */
function nodesInOrder(seen: Map<string, Seen> | undefined, sortKeys: Map<string, string>): [string, Seen][] {
  if (!seen) return [];
  const key = (node: string): string => {
    let k = sortKeys.get(node);
    if (k === undefined) sortKeys.set(node, (k = `${node},[object Object]`));
    return k;
  };
  return [...seen].sort((a, b) => {
    const ka = key(a[0]);
    const kb = key(b[0]);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function nodeTiming(state: FoldState, node: string): { interval: number; u: number } {
  const t = state.nodes.get(node);
  return { interval: t?.intervalMs ?? 0, u: t?.maxUncertaintyMs ?? 0 };
}

/** Add lag (P, N) = first response from P at N − P became ready in an EndpointSlice. */
export function addLags(state: FoldState, r: RolloutView, pods: readonly PodView[], runs: readonly AttributedRun[], served: SeenByPodAndNode = seenByPodAndNode(runs)): PodNodeLag[] {
  const out: PodNodeLag[] = [];
  const sortKeys = new Map<string, string>();
  for (const p of pods) {
    const readyFrom = p.endpoint?.ready.find((i) => i.from >= r.startAt && i.from <= r.windowEnd)?.from;
    if (!isNewPod(r.record, p) || readyFrom === undefined || !p.endpoint) continue;
    const early = p.endpoint.earliest.readyFrom;
    const slack = early !== undefined && p.endpoint.ready[0]?.from === readyFrom ? readyFrom - early : 0;
    for (const [node, seen] of nodesInOrder(served.get(p.lane.uid), sortKeys)) {
      if (seen.first === undefined) continue;
      const { interval, u } = nodeTiming(state, node);
      const d = seen.first - readyFrom;
      // The value is the definition (first response − ready); the node may have switched as early as the
      // probe it sent before that response, so the bound reaches down to it.
      const lastNotSeen = previousProbeBefore(state, node, seen.first) ?? seen.first - interval;
      out.push({ pod: p.lane.name, node, endpointAt: readyFrom, responseAt: seen.first, lag: bound(d, lastNotSeen - readyFrom - u, d + u + slack), spansGap: slack > 0 });
    }
  }
  return out;
}

/** The time a pod stopped being ready in the slices (or left them) within the rollout, if it did. */
export function endpointStopAt(p: PodView, r: RolloutView): { at: number; earliest?: number } | undefined {
  const e = p.endpoint;
  if (!e) return undefined;
  // The last time it stopped being ready within the rollout (a pod can flap before it is removed).
  const closed = e.ready.findLast((i) => i.to !== undefined && i.to >= r.startAt && i.to <= r.windowEnd);
  if (closed?.to === undefined) return undefined;
  const last = e.ready[e.ready.length - 1];
  return e.earliest.readyTo !== undefined && last === closed ? { at: closed.to, earliest: e.earliest.readyTo } : { at: closed.to };
}

/**
 * Removal lag (P, N) = last request N sent to P (a response, or a failure known to be P's) − P stopped
 * being ready; the truth is in [last seen, first not seen], and the value is the middle of it.
 */
export function removalLags(state: FoldState, r: RolloutView, pods: readonly PodView[], runs: readonly AttributedRun[], served: SeenByPodAndNode = seenByPodAndNode(runs)): PodNodeLag[] {
  const out: PodNodeLag[] = [];
  const sortKeys = new Map<string, string>();
  for (const p of pods) {
    const stop = endpointStopAt(p, r);
    if (!stop) continue;
    const slack = stop.earliest !== undefined ? stop.at - stop.earliest : 0;
    for (const [node, seen] of nodesInOrder(served.get(p.lane.uid), sortKeys)) {
      const { interval, u } = nodeTiming(state, node);
      const d = seen.last - stop.at;
      // The first probe the node sent after the last one that reached the pod (none yet: one interval on).
      const firstNotSeenAt = nextProbeAfter(state, node, seen.last) ?? seen.last + interval;
      const hi = firstNotSeenAt - stop.at;
      out.push({
        pod: p.lane.name,
        node,
        endpointAt: stop.at,
        responseAt: seen.last,
        firstNotSeenAt,
        // The switch lies in [last seen, first not seen]: the value is its middle (see addLags).
        lag: bound(Math.max(0, (d + hi) / 2), Math.max(0, d - u), Math.max(0, hi + u + slack)),
        spansGap: slack > 0,
      });
    }
  }
  return out;
}

/** The worst lag per node (by upper bound). */
export function worstByNode(lags: readonly PodNodeLag[]): PodNodeLag[] {
  const byNode = new Map<string, PodNodeLag>();
  for (const l of lags) {
    const cur = byNode.get(l.node);
    if (!cur || l.lag.hi > cur.lag.hi || (l.lag.hi === cur.lag.hi && l.lag.value > cur.lag.value)) byNode.set(l.node, l);
  }
  return [...byNode.values()].sort((a, b) => (a.node < b.node ? -1 : 1));
}

export interface StaleResponses {
  /** Responses served by a pod after its deletionTimestamp was observed. */
  afterDeletion: Bound;
  /** Responses served by a pod after it stopped being ready in the slices: the data plane lagging. */
  afterEndpointRemoval: Bound;
  latestAt?: number;
  byPod: { pod: string; node: string; afterDeletion: Bound; afterEndpointRemoval: Bound; latestAt: number }[];
}

/**
 * Responses served after `edge` by a run whose times are when probes were sent: a response comes its
 * latency later, and it is the response that a shutting-down pod served. So a probe counts from
 * `edge − latency` (the run's mean latency), with bounds from the run's fastest and slowest response.
 */
function servedAfter(run: AttributedRun['run'], edge: number | undefined): Bound {
  if (edge === undefined || run.last + run.latMax <= edge) return exact(0);
  const mean = countInWindow(run, edge - run.latSum / run.count + 1e-6, Infinity);
  return bound(mean.value, countInWindow(run, edge - run.latMin + 1e-6, Infinity).lo, countInWindow(run, edge - run.latMax + 1e-6, Infinity).hi);
}

interface StaleEdges {
  deletedAt: number | undefined;
  stop: number | undefined;
  /** The earlier of the two (Infinity with neither): a run answered wholly before it served nothing stale. */
  earliest: number;
}

/** Gathers StaleResponses for a rollout run by run (in the order given: the sums are added in it). */
export class StaleCollector {
  private readonly out: StaleResponses = { afterDeletion: exact(0), afterEndpointRemoval: exact(0), byPod: [] };
  private readonly rows = new Map<string, StaleResponses['byPod'][number]>();
  // A pod's edges are the same for all its runs: computed once per pod, not once per run.
  private readonly edgesOf = new Map<PodView, StaleEdges>();

  constructor(private readonly r: RolloutView) {}

  add({ run, pod }: AttributedRun): void {
    if (run.outcome !== 'served' || !pod) return;
    let edges = this.edgesOf.get(pod);
    if (!edges) {
      const deletedAt = pod.lane.deletionObservedAt;
      const stop = endpointStopAt(pod, this.r)?.at;
      edges = { deletedAt, stop, earliest: Math.min(deletedAt ?? Infinity, stop ?? Infinity) };
      this.edgesOf.set(pod, edges);
    }
    if (run.last + run.latMax <= edges.earliest) return;
    const afterDeletion = servedAfter(run, edges.deletedAt);
    const afterRemoval = servedAfter(run, edges.stop);
    if (afterDeletion.hi === 0 && afterRemoval.hi === 0) return;
    const out = this.out;
    out.afterDeletion = addBounds(out.afterDeletion, afterDeletion);
    out.afterEndpointRemoval = addBounds(out.afterEndpointRemoval, afterRemoval);
    out.latestAt = Math.max(out.latestAt ?? run.last, run.last);
    const key = `${pod.lane.name}\u0000${run.node}`;
    const row = this.rows.get(key);
    if (row) {
      row.afterDeletion = addBounds(row.afterDeletion, afterDeletion);
      row.afterEndpointRemoval = addBounds(row.afterEndpointRemoval, afterRemoval);
      row.latestAt = Math.max(row.latestAt, run.last);
    } else this.rows.set(key, { pod: pod.lane.name, node: run.node, afterDeletion, afterEndpointRemoval: afterRemoval, latestAt: run.last });
  }

  result(): StaleResponses {
    this.out.byPod = [...this.rows.values()].sort((a, b) => (a.pod === b.pod ? (a.node < b.node ? -1 : 1) : a.pod < b.pod ? -1 : 1));
    return this.out;
  }
}

export function staleResponses(r: RolloutView, _pods: readonly PodView[], runs: readonly AttributedRun[]): StaleResponses {
  const c = new StaleCollector(r);
  for (const a of runs) c.add(a);
  return c.result();
}

export interface DroppedRequests {
  total: Bound;
  byNode: { node: string; count: Bound; byOutcome: Partial<Record<ProbeOutcome, number>> }[];
  /** `pod` null: the failure named no pod (a refused or timed-out connection usually cannot). */
  byPod: { pod: string | null; count: Bound }[];
  firstAt?: number;
  lastAt?: number;
}

/** Refused / reset / timeout / 5xx probe outcomes within [from, to] (the rollout, or a sub-window of it). */
export function droppedRequests(runs: readonly AttributedRun[], windows: readonly Span[]): DroppedRequests {
  const out: DroppedRequests = { total: exact(0), byNode: [], byPod: [] };
  const nodes = new Map<string, DroppedRequests['byNode'][number]>();
  const podRows = new Map<string | null, Bound>();
  for (const { run } of runs) {
    if (run.outcome === 'served') continue;
    let count = exact(0);
    for (const w of windows) count = addBounds(count, countInWindow(run, w.from, w.to));
    if (count.hi === 0) continue;
    out.total = addBounds(out.total, count);
    out.firstAt = Math.min(out.firstAt ?? run.first, run.first);
    out.lastAt = Math.max(out.lastAt ?? run.last, run.last);
    let node = nodes.get(run.node);
    if (!node) nodes.set(run.node, (node = { node: run.node, count: exact(0), byOutcome: {} }));
    node.count = addBounds(node.count, count);
    node.byOutcome[run.outcome] = (node.byOutcome[run.outcome] ?? 0) + count.value;
    podRows.set(run.pod, addBounds(podRows.get(run.pod) ?? exact(0), count));
  }
  out.byNode = [...nodes.values()].sort((a, b) => (a.node < b.node ? -1 : 1));
  out.byPod = [...podRows].map(([pod, count]) => ({ pod, count })).sort((a, b) => b.count.value - a.count.value || String(a.pod).localeCompare(String(b.pod)));
  return out;
}
