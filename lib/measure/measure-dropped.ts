import type { ProbeOutcome } from '../probes/probe-run';
import { addBounds, countInWindow, exact, type Bound } from './bound';
import type { AttributedRun } from './deployment-view';
import type { Span } from './intervals';
import type { PodNodeLag } from './measure-lags';

export interface DroppedRequests {
  total: Bound;
  byNode: { node: string; count: Bound; byOutcome: Partial<Record<ProbeOutcome, number>> }[];
  /** `pod` null: nothing tied the failure to a pod (no DNAT target read, and no pod answered). */
  byPod: { pod: string | null; count: Bound }[];
  firstAt?: number;
  lastAt?: number;
}

/** Refused / reset / timeout / 5xx probe outcomes within [from, to] (the rollout, or a sub-window of it). */
export function droppedRequests(runs: readonly AttributedRun[], windows: readonly Span[]): DroppedRequests {
  const out: DroppedRequests = { total: exact(0), byNode: [], byPod: [] };
  const nodes = new Map<string, DroppedRequests['byNode'][number]>();
  const podRows = new Map<string | null, Bound>();
  for (const { run, pod } of runs) {
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
    // A failure names its pod when the agent read where the node's DNAT sent it.
    const name = pod?.lane.name ?? run.pod;
    podRows.set(name, addBounds(podRows.get(name) ?? exact(0), count));
  }
  out.byNode = [...nodes.values()].sort((a, b) => (a.node < b.node ? -1 : 1));
  out.byPod = [...podRows].map(([pod, count]) => ({ pod, count })).sort((a, b) => b.count.value - a.count.value || String(a.pod).localeCompare(String(b.pod)));
  return out;
}

/**
 * Conntrack tail (DESIGN.md): failures at a node after its rules were already correct, sent to a gone
 * pod because a new connection reused the source port of an earlier failed one and matched its leftover
 * conntrack entry (kube-proxy does not flush TCP entries). Known two ways: the agent read the entry and
 * saw it was older than the connection (`conntrack`), or the node's rules had dropped every old pod of
 * the rollout before the failure (`node-rules`). Counted apart from the removal lag, which it is not.
 */
export interface ConntrackTail {
  total: Bound;
  byNode: { node: string; count: Bound; firstAt: number; lastAt: number; rulesCorrectAt?: number }[];
}

/**
 * `removals` are the rollout's removal lags: a node whose rules were read and dropped every old pod it
 * routed is correct from the latest of those switches on.
 */
export function conntrackTail(failed: readonly AttributedRun[], removals: readonly PodNodeLag[], window: Span): ConntrackTail {
  const correctAt = new Map<string, number>();
  const unknown = new Set<string>();
  for (const l of removals) {
    if (l.evidence !== 'node-rules' || l.rulesAt === undefined) unknown.add(l.node);
    else correctAt.set(l.node, Math.max(correctAt.get(l.node) ?? -Infinity, l.rulesAt));
  }
  const rows = new Map<string, ConntrackTail['byNode'][number]>();
  let total = exact(0);
  for (const { run } of failed) {
    if (run.outcome === 'served') continue;
    const rulesAt = unknown.has(run.node) ? undefined : correctAt.get(run.node);
    let count = exact(0);
    let from = window.from;
    if (run.reusedConntrack === true) count = countInWindow(run, window.from, window.to);
    else if (rulesAt !== undefined) {
      from = Math.max(window.from, rulesAt + 1e-6);
      count = countInWindow(run, from, window.to);
    }
    if (count.hi === 0) continue;
    total = addBounds(total, count);
    const row = rows.get(run.node);
    const firstAt = Math.max(run.first, from);
    const lastAt = Math.min(run.last, window.to);
    if (row) {
      row.count = addBounds(row.count, count);
      row.firstAt = Math.min(row.firstAt, firstAt);
      row.lastAt = Math.max(row.lastAt, lastAt);
    } else {
      const fresh: ConntrackTail['byNode'][number] = { node: run.node, count, firstAt, lastAt };
      if (rulesAt !== undefined) fresh.rulesCorrectAt = rulesAt;
      rows.set(run.node, fresh);
    }
  }
  return { total, byNode: [...rows.values()].sort((a, b) => (a.node < b.node ? -1 : 1)) };
}
