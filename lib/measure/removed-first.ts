import type { Bound } from './bound';
import type { PodView } from './deployment-view';
import { endpointStopAt, type LagEvidence, type PodNodeLag, worstLag } from './measure-lags';
import type { RolloutView } from './select-rollouts';

/** One node's "all clear" for a pod: when its data plane stopped sending the pod new connections. */
export interface NodeAllClear {
  node: string;
  /** Server ms: the pod's endpoint stop plus the node's removal lag. */
  at: number;
  lag: Bound;
  evidence: LagEvidence;
}

/**
 * A pod taken out of the Service before it was deleted ("relabel first", a readiness flip before
 * SIGTERM, a drain controller): it left the ready endpoints while not terminating, and kept running
 * until `deletedAt`. Each node's all-clear is its removal lag for the pod; the last one is the wait a
 * script or controller needed between taking the pod out and deleting it.
 */
export interface RemovedFirst {
  pod: string;
  /** Server ms the pod stopped being a ready endpoint. */
  leftAt: number;
  /** Server ms its deletion was observed; absent while it was still running at the window's end. */
  deletedAt?: number;
  /** How long the pod ran out of the Service before its deletion (to the window's end if not deleted). */
  waitedMs: number;
  /** Per node, by node name. */
  nodes: NodeAllClear[];
  /** The node that cleared last (the worst removal lag, in the one ranking of lags). */
  last?: NodeAllClear;
  /**
   * The wait the pod needed: the last node's lag, upper end of its bound (its value when the bound has
   * no upper end). Undefined when no node's lag was measured.
   */
  neededMs?: number;
}

/**
 * Pods of the rollout that left the ready endpoints before they were deleted, with each node's all-clear.
 * A pod counts when its endpoint stopped being ready at a time it was neither terminating in the slices
 * nor observed deleted. Known limitation: a pod that dropped out because it crashed also counts (the
 * slices cannot tell a pod taken out from one that fell out); its later failures are still counted as
 * dropped, and its lags are the same removal lags.
 */
export function removedFirst(r: RolloutView, pods: readonly PodView[], removals: readonly PodNodeLag[]): RemovedFirst[] {
  const out: RemovedFirst[] = [];
  for (const p of pods) {
    const stop = endpointStopAt(p, r);
    if (!stop) continue;
    const terminatingFrom = p.endpoint?.terminatingFrom;
    const deletedAt = p.lane.deletionObservedAt;
    if (terminatingFrom !== undefined && terminatingFrom <= stop.at) continue;
    if (deletedAt !== undefined && deletedAt <= stop.at) continue;
    const lags = removals.filter((l) => l.pod === p.lane.name && l.endpointAt === stop.at);
    const nodes = lags
      .map((l): NodeAllClear => ({ node: l.node, at: stop.at + l.lag.value, lag: l.lag, evidence: l.evidence }))
      .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    const worst = worstLag(lags);
    const last = worst ? nodes.find((n) => n.node === worst.node) : undefined;
    const entry: RemovedFirst = { pod: p.lane.name, leftAt: stop.at, waitedMs: (deletedAt ?? r.windowEnd) - stop.at, nodes };
    if (deletedAt !== undefined) entry.deletedAt = deletedAt;
    if (last) {
      entry.last = last;
      entry.neededMs = Number.isFinite(last.lag.hi) ? last.lag.hi : last.lag.value;
    }
    out.push(entry);
  }
  return out;
}
