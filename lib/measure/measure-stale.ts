import { preStopSleepSeconds } from '../kube/slim-container';
import { addBounds, bound, countInWindow, exact, type Bound } from './bound';
import type { AttributedRun, PodView } from './deployment-view';
import { endpointStopAt } from './measure-lags';
import type { RolloutView } from './select-rollouts';

/**
 * Stale responses of one rollout (DESIGN.md): responses served by an old pod of this rollout after a
 * node should have stopped sending to it. Two edges, apart: after the pod left the ready endpoints (the
 * node lagging; while a preStop sleep runs the pod still serves, which is the mitigation working), and
 * after it got SIGTERM (its preStop over: it is shutting down, and these are the dangerous ones).
 * `afterDeletion` (from the deletion itself, preStop or not) is kept for the report's readers.
 */
export interface StaleResponses {
  /** Responses served by a pod after its deletion was observed (during its preStop sleep too). */
  afterDeletion: Bound;
  /** Responses served after the pod got SIGTERM: its deletion plus its preStop sleep. */
  afterSigterm: Bound;
  /** Responses served by a pod after it stopped being ready in the slices: the data plane lagging. */
  afterEndpointRemoval: Bound;
  latestAt?: number;
  byPod: { pod: string; node: string; afterDeletion: Bound; afterSigterm: Bound; afterEndpointRemoval: Bound; latestAt: number }[];
}

/**
 * Responses served after `edge` by a run whose times are when probes were sent: a response comes its
 * latency later, and it is the response that a shutting-down pod served. So a probe counts from
 * `edge − latency` (the run's mean latency), with bounds from the run's fastest and slowest response. A
 * node sends one probe per interval, so no more than one per interval can fall after the edge: that
 * caps a long run cut near its end.
 */
function servedAfter(run: AttributedRun['run'], edge: number | undefined, intervalMs: number): Bound {
  if (edge === undefined || run.last + run.latMax <= edge) return exact(0);
  const mean = countInWindow(run, edge - run.latSum / run.count + 1e-6, Infinity);
  const from = edge - run.latMax + 1e-6;
  const spacing = intervalMs - 1;
  const cap = spacing > 0 ? Math.floor((run.last - Math.max(from, run.first)) / spacing) + 1 : Infinity;
  const hi = Math.min(countInWindow(run, from, Infinity).hi, cap);
  return bound(Math.min(mean.value, hi), Math.min(countInWindow(run, edge - run.latMin + 1e-6, Infinity).lo, hi), hi);
}

interface StaleEdges {
  deletedAt: number | undefined;
  sigtermAt: number | undefined;
  stop: number | undefined;
  /** The earliest of them (Infinity with none): a run answered wholly before it served nothing stale. */
  earliest: number;
}

function edgesOf(pod: PodView, r: RolloutView): StaleEdges {
  const deletion = pod.lane.deletionObservedAt;
  // Only this rollout's old pods: a pod deleted in another rollout is that rollout's.
  const deletedAt = deletion !== undefined && deletion >= r.startAt && deletion <= r.windowEnd ? deletion : undefined;
  const sigtermAt = deletedAt !== undefined ? deletedAt + preStopSleepSeconds(pod.lane.pod.containers) * 1000 : undefined;
  const stop = endpointStopAt(pod, r)?.at;
  return { deletedAt, sigtermAt, stop, earliest: Math.min(deletedAt ?? Infinity, stop ?? Infinity) };
}

/** Gathers StaleResponses for a rollout run by run (in the order given: the sums are added in it). */
export class StaleCollector {
  private readonly out: StaleResponses = { afterDeletion: exact(0), afterSigterm: exact(0), afterEndpointRemoval: exact(0), byPod: [] };
  private readonly rows = new Map<string, StaleResponses['byPod'][number]>();
  // A pod's edges are the same for all its runs: computed once per pod, not once per run.
  private readonly edges = new Map<PodView, StaleEdges>();

  constructor(
    private readonly r: RolloutView,
    private readonly intervalOf: (node: string) => number,
  ) {}

  add({ run, pod }: AttributedRun): void {
    if (run.outcome !== 'served' || !pod) return;
    let edges = this.edges.get(pod);
    if (!edges) this.edges.set(pod, (edges = edgesOf(pod, this.r)));
    if (run.last + run.latMax <= edges.earliest) return;
    const interval = this.intervalOf(run.node);
    const afterDeletion = servedAfter(run, edges.deletedAt, interval);
    const afterSigterm = servedAfter(run, edges.sigtermAt, interval);
    const afterRemoval = servedAfter(run, edges.stop, interval);
    if (afterDeletion.hi === 0 && afterRemoval.hi === 0) return;
    const out = this.out;
    out.afterDeletion = addBounds(out.afterDeletion, afterDeletion);
    out.afterSigterm = addBounds(out.afterSigterm, afterSigterm);
    out.afterEndpointRemoval = addBounds(out.afterEndpointRemoval, afterRemoval);
    out.latestAt = Math.max(out.latestAt ?? run.last, run.last);
    const key = `${pod.lane.name}\u0000${run.node}`;
    const row = this.rows.get(key);
    if (row) {
      row.afterDeletion = addBounds(row.afterDeletion, afterDeletion);
      row.afterSigterm = addBounds(row.afterSigterm, afterSigterm);
      row.afterEndpointRemoval = addBounds(row.afterEndpointRemoval, afterRemoval);
      row.latestAt = Math.max(row.latestAt, run.last);
    } else this.rows.set(key, { pod: pod.lane.name, node: run.node, afterDeletion, afterSigterm, afterEndpointRemoval: afterRemoval, latestAt: run.last });
  }

  result(): StaleResponses {
    this.out.byPod = [...this.rows.values()].sort((a, b) => (a.pod === b.pod ? (a.node < b.node ? -1 : 1) : a.pod < b.pod ? -1 : 1));
    return this.out;
  }
}

export function staleResponses(r: RolloutView, runs: readonly AttributedRun[], intervalOf: (node: string) => number): StaleResponses {
  const c = new StaleCollector(r, intervalOf);
  for (const a of runs) c.add(a);
  return c.result();
}
