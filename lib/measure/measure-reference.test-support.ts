// Test support: the straightforward measurements (one walk over every run per figure) as they were before
// they were optimised; the optimised ones must give exactly these results (measure-equivalence.test.ts).
import type { FoldState } from '../fold/fold-types';
import { addBounds, bound, countInWindow, exact, type Bound } from './bound';
import type { AttributedRun, PodView } from './deployment-view';
import { preStopSleepSeconds } from '../kube/slim-container';
import { endpointStopAt } from './measure-lags';
import type { StaleResponses } from './measure-stale';
import { probeTiming, type DataPlaneOverlap, type ProbeTiming } from './measure-overlap';
import { isNewPod, type RolloutView } from './select-rollouts';

export function referenceStaleResponses(state: FoldState, r: RolloutView, runs: readonly AttributedRun[]): StaleResponses {
  const out: StaleResponses = { afterDeletion: exact(0), afterSigterm: exact(0), afterEndpointRemoval: exact(0), byPod: [] };
  const rows = new Map<string, StaleResponses['byPod'][number]>();
  for (const { run, pod } of runs) {
    if (run.outcome !== 'served' || !pod) continue;
    const deletion = pod.lane.deletionObservedAt;
    const deletedAt = deletion !== undefined && deletion >= r.startAt && deletion <= r.windowEnd ? deletion : undefined;
    const sigtermAt = deletedAt === undefined ? undefined : deletedAt + preStopSleepSeconds(pod.lane.pod.containers) * 1000;
    const stop = endpointStopAt(pod, r)?.at;
    const interval = state.nodes.get(run.node)?.intervalMs ?? 0;
    const after = (edge: number | undefined): Bound => {
      if (edge === undefined || run.last + run.latMax <= edge) return exact(0);
      const from = edge - run.latMax + 1e-6;
      // One probe per interval at most, from the first that may count to the run's last.
      const cap = interval > 1 ? Math.floor((run.last - Math.max(from, run.first)) / (interval - 1)) + 1 : Infinity;
      const hi = Math.min(countInWindow(run, from, Infinity).hi, cap);
      const mean = countInWindow(run, edge - run.latSum / run.count + 1e-6, Infinity);
      return bound(Math.min(mean.value, hi), Math.min(countInWindow(run, edge - run.latMin + 1e-6, Infinity).lo, hi), hi);
    };
    const afterDeletion = after(deletedAt);
    const afterSigterm = after(sigtermAt);
    const afterRemoval = after(stop);
    if (afterDeletion.hi === 0 && afterRemoval.hi === 0) continue;
    out.afterDeletion = addBounds(out.afterDeletion, afterDeletion);
    out.afterSigterm = addBounds(out.afterSigterm, afterSigterm);
    out.afterEndpointRemoval = addBounds(out.afterEndpointRemoval, afterRemoval);
    out.latestAt = Math.max(out.latestAt ?? run.last, run.last);
    const key = `${pod.lane.name}\u0000${run.node}`;
    const row = rows.get(key);
    if (row) {
      row.afterDeletion = addBounds(row.afterDeletion, afterDeletion);
      row.afterSigterm = addBounds(row.afterSigterm, afterSigterm);
      row.afterEndpointRemoval = addBounds(row.afterEndpointRemoval, afterRemoval);
      row.latestAt = Math.max(row.latestAt, run.last);
    } else rows.set(key, { pod: pod.lane.name, node: run.node, afterDeletion, afterSigterm, afterEndpointRemoval: afterRemoval, latestAt: run.last });
  }
  out.byPod = [...rows.values()].sort((a, b) => (a.pod === b.pod ? (a.node < b.node ? -1 : 1) : a.pod < b.pod ? -1 : 1));
  return out;
}

function servedEdges(r: RolloutView, runs: readonly AttributedRun[]): { firstNewAt?: number; lastOldAt?: number } {
  const out: { firstNewAt?: number; lastOldAt?: number } = {};
  for (const { run, pod } of runs) {
    if (run.outcome !== 'served' || !pod || run.last < r.startAt || run.first > r.windowEnd) continue;
    if (isNewPod(r.record, pod)) {
      const t = Math.max(run.first, r.startAt);
      if (out.firstNewAt === undefined || t < out.firstNewAt) out.firstNewAt = t;
    } else {
      const t = Math.min(run.last, r.windowEnd);
      if (out.lastOldAt === undefined || t > out.lastOldAt) out.lastOldAt = t;
    }
  }
  return out;
}

function overlapOf(edges: { firstNewAt?: number; lastOldAt?: number }, timing: ProbeTiming, sameClock: boolean): Bound | undefined {
  if (edges.firstNewAt === undefined || edges.lastOldAt === undefined) return undefined;
  const d = edges.lastOldAt - edges.firstNewAt;
  const u = sameClock ? 0 : 2 * timing.uncertaintyMs;
  return bound(Math.max(0, d), Math.max(0, d - u), Math.max(0, d + 2 * timing.intervalMs + u));
}

export function referenceDataPlaneOverlap(state: FoldState, r: RolloutView, runs: readonly AttributedRun[]): { cluster: DataPlaneOverlap; perNode: DataPlaneOverlap[] } {
  const byNode = new Map<string, AttributedRun[]>();
  for (const a of runs) {
    const list = byNode.get(a.run.node);
    if (list) list.push(a);
    else byNode.set(a.run.node, [a]);
  }
  const offline = (node?: string) => r.gaps.some((g) => g.reason === 'agent-offline' && (node === undefined || g.node === node));
  const perNode = [...byNode.keys()].sort().map((node) => {
    const edges = servedEdges(r, byNode.get(node) ?? []);
    const overlap = overlapOf(edges, probeTiming(state, [node]), true);
    const out: DataPlaneOverlap = { node, ...edges, spansGap: offline(node) };
    if (overlap) out.overlap = overlap;
    return out;
  });
  const edges = servedEdges(r, runs);
  const cluster: DataPlaneOverlap = { ...edges, spansGap: offline() };
  const overlap = overlapOf(edges, probeTiming(state, byNode.keys()), byNode.size <= 1);
  if (overlap) cluster.overlap = overlap;
  return { cluster, perNode };
}

/** The data plane's last old response of each rollout, one walk per rollout (as `describe` did). */
export function referenceDataPlaneDoneAt(rollouts: readonly RolloutView[], runs: readonly AttributedRun[], now: number): (number | undefined)[] {
  return rollouts.map((view, i) => {
    const rollout = view.record;
    const to = rollouts[i + 1]?.startAt ?? now;
    let last: number | undefined;
    for (const { run, pod } of runs) {
      if (pod ? isNewPod(rollout, pod) : run.outcome === 'served') continue;
      if (run.last < rollout.startAt || run.first > to) continue;
      const t = Math.min(run.last, to);
      if (last === undefined || t > last) last = t;
    }
    return last;
  });
}
