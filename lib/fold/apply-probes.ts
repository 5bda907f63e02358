import type { DataPlaneEvent, ProbeBatchEvent } from '../events/event-schema';
import type { FoldState, NodeProbeTrack, ProbeRunKind, ProbeRunRecord } from './fold-types';

/** The kind of a result (found by pod, then a scan of the few kinds seen from it; no key string per run). */
function runKind(state: FoldState, pod: string, outcome: ProbeRunKind['outcome'], revision: string | null, status: number | null, target: string | undefined): ProbeRunKind {
  let kinds = state.probeKinds.get(pod);
  if (!kinds) state.probeKinds.set(pod, (kinds = []));
  for (const kind of kinds) {
    if (kind.outcome === outcome && kind.revision === revision && kind.status === status && kind.target === target) return kind;
  }
  const kind: ProbeRunKind = { outcome, revision, status, target, index: state.probeKindCount++ };
  kinds.push(kind);
  return kind;
}

function nodeTrack(state: FoldState, node: string, at: number): NodeProbeTrack {
  let track = state.nodes.get(node);
  if (!track) {
    track = { node, intervalMs: 0, maxUncertaintyMs: 0, runs: [], open: [], firstAt: at, lastAt: at };
    state.nodes.set(node, track);
  }
  return track;
}

/**
 * Appends a batch's runs to the node's runs. In steady state a run extends the open run of the same
 * pod/outcome when it follows within `runMergeGapMs`, so steady traffic stays a handful of runs; while a
 * rollout is going on runs are kept as sent, so transitions keep exact times and counts.
 * Hot path: no allocation beyond new runs.
 */
export function applyProbeBatch(state: FoldState, e: ProbeBatchEvent): void {
  const track = nodeTrack(state, e.node, e.at);
  track.intervalMs = e.intervalMs;
  if (e.offsetUncertaintyMs > track.maxUncertaintyMs) track.maxUncertaintyMs = e.offsetUncertaintyMs;
  if (e.at > track.lastAt) track.lastAt = e.at;
  const gapMs = state.options.runMergeGapMs;
  const steady = state.rollingDeployments.size === 0 && state.terminatingPods.size === 0 && e.at - state.lastObjectAt >= state.options.settleMs;
  const target = e.target;
  for (const r of e.runs) {
    const [outcome, pod, revision, status, first, last, count, latMin, latMax, latSum] = r;
    const kind = runKind(state, pod ?? '', outcome, revision, status, target);
    const open = track.open;
    const match = open[kind.index];
    if (steady && match !== undefined && first - match.last <= gapMs && last - match.first >= -gapMs) {
      if (first < match.first) match.first = first;
      if (last > match.last) match.last = last;
      match.count += count;
      if (latMin < match.latMin) match.latMin = latMin;
      if (latMax > match.latMax) match.latMax = latMax;
      match.latSum += latSum;
      continue;
    }
    const run: ProbeRunRecord = { node: e.node, outcome, pod, revision, status, first, last, count, latMin, latMax, latSum, target };
    track.runs.push(run);
    // Filled up to the slot, so the array never turns sparse (a dictionary) when a node meets a new kind late.
    while (open.length < kind.index) open.push(undefined);
    open[kind.index] = run;
  }
}

/** An agent that went quiet: runs on either side of the silence must not be merged across it. */
export function closeNodeRuns(state: FoldState, node: string): void {
  const track = state.nodes.get(node);
  if (track) track.open = [];
}

export function applyDataPlane(state: FoldState, e: DataPlaneEvent): void {
  const sync: FoldState['dataPlane'][number] = { node: e.node, syncedAt: e.syncedAt, upperBound: e.upperBound };
  if (e.target !== undefined) sync.target = e.target;
  if (e.pods !== undefined) sync.pods = [...e.pods];
  state.dataPlane.push(sync);
}
