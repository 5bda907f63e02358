import type { DataPlaneEvent, ProbeBatchEvent } from '../events/event-schema';
import type { FoldState, NodeProbeTrack, ProbeRunRecord } from './fold-types';

function nodeTrack(state: FoldState, node: string, at: number): NodeProbeTrack {
  let track = state.nodes.get(node);
  if (!track) {
    track = { node, intervalMs: 0, maxUncertaintyMs: 0, runs: [], open: new Map(), firstAt: at, lastAt: at };
    state.nodes.set(node, track);
  }
  return track;
}

/**
 * Appends a batch's runs to the node's runs. In steady state a run extends the open run of the same
 * pod/outcome when it follows within `runMergeGapMs`, so steady traffic stays a handful of runs; while a
 * rollout is going on runs are kept as sent, so transitions keep exact times and counts.
 * Hot path: no allocation beyond the key string and new runs.
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
    // Open runs are found by pod, then by a scan of the few outcomes seen for it: no key string per run.
    const podKey = pod ?? '';
    let open = track.open.get(podKey);
    let match: ProbeRunRecord | undefined;
    if (open) {
      for (const candidate of open) {
        if (candidate.outcome === outcome && candidate.revision === revision && candidate.status === status && candidate.target === target) {
          match = candidate;
          break;
        }
      }
    }
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
    if (!open) track.open.set(podKey, (open = []));
    if (match) open[open.indexOf(match)] = run;
    else open.push(run);
  }
}

/** An agent that went quiet: runs on either side of the silence must not be merged across it. */
export function closeNodeRuns(state: FoldState, node: string): void {
  state.nodes.get(node)?.open.clear();
}

export function applyDataPlane(state: FoldState, e: DataPlaneEvent): void {
  const sync: FoldState['dataPlane'][number] = { node: e.node, syncedAt: e.syncedAt, upperBound: e.upperBound };
  if (e.target !== undefined) sync.target = e.target;
  if (e.pods !== undefined) sync.pods = [...e.pods];
  state.dataPlane.push(sync);
}
