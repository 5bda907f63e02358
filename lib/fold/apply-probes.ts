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
    const key = `${outcome}|${pod ?? ''}|${revision ?? ''}|${status ?? ''}|${target ?? ''}`;
    const openIndex = track.open.get(key);
    const open = openIndex === undefined ? undefined : track.runs[openIndex];
    if (steady && open !== undefined && first - open.last <= gapMs && last - open.first >= -gapMs) {
      if (first < open.first) open.first = first;
      if (last > open.last) open.last = last;
      open.count += count;
      if (latMin < open.latMin) open.latMin = latMin;
      if (latMax > open.latMax) open.latMax = latMax;
      open.latSum += latSum;
      continue;
    }
    const run: ProbeRunRecord = { node: e.node, outcome, pod, revision, status, first, last, count, latMin, latMax, latSum };
    if (target !== undefined) run.target = target;
    track.open.set(key, track.runs.length);
    track.runs.push(run);
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
