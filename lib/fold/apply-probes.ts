import type { DataPlaneEvent, ProbeBatchEvent } from '../events/event-schema';
import type { ProbeRunTuple } from '../probes/probe-run';
import type { FoldState, NodeProbeTrack, ProbeRunKind, ProbeRunRecord } from './fold-types';
import { addProbeSendTimes, createProbeSendTimes } from './probe-send-times';
import { stableSince } from './stable-pod';

/** The kind of a result (found by pod, then a scan of the few kinds seen from it; no key string per run). */
function runKind(state: FoldState, pod: string, outcome: ProbeRunKind['outcome'], revision: string | null, status: number | null, target: string | undefined, endpoint: string | null, reused: boolean | undefined): ProbeRunKind {
  let kinds = state.probeKinds.get(pod);
  if (!kinds) state.probeKinds.set(pod, (kinds = []));
  for (const kind of kinds) {
    if (kind.outcome === outcome && kind.revision === revision && kind.status === status && kind.target === target && kind.endpoint === endpoint && kind.reusedConntrack === reused) return kind;
  }
  const kind: ProbeRunKind = { outcome, revision, status, target, endpoint, reusedConntrack: reused, index: state.probeKindCount++, stableSince: Number.POSITIVE_INFINITY, stableAsOf: -1 };
  kinds.push(kind);
  return kind;
}

function kindStableSince(state: FoldState, kind: ProbeRunKind, pod: string): number {
  if (kind.stableAsOf !== state.objectEvents) {
    kind.stableSince = stableSince(state, pod);
    kind.stableAsOf = state.objectEvents;
  }
  return kind.stableSince;
}

function nodeTrack(state: FoldState, node: string, at: number): NodeProbeTrack {
  let track = state.nodes.get(node);
  if (!track) {
    track = { node, intervalMs: 0, maxUncertaintyMs: 0, runs: [], open: [], sent: createProbeSendTimes(), lastFailureAt: Number.NEGATIVE_INFINITY, firstAt: at, lastAt: at };
    state.nodes.set(node, track);
  }
  return track;
}

/**
 * Appends a batch's runs to the node's runs. In steady state a run extends the open run of the same
 * pod/outcome when it follows within `runMergeGapMs`, so steady traffic stays a handful of runs. While a
 * rollout is going on runs are kept as sent, so transitions keep exact times and counts, except the served
 * runs of a pod with no transition to keep: ready in the endpoints since before the open run began, not
 * going away, no failure on the node and no gap in the watch since. Every measurement reads such a pod's
 * runs only through their first and last probe and their sums, which merging keeps; where the merged
 * runs' probes were is kept apart in `sent`. With a hundred pods behind a Service that is most of a rollout's runs.
 * Hot path: no allocation beyond new runs.
 */
export function applyProbeBatch(state: FoldState, e: ProbeBatchEvent): void {
  const track = nodeTrack(state, e.node, e.at);
  track.intervalMs = e.intervalMs;
  if (e.offsetUncertaintyMs > track.maxUncertaintyMs) track.maxUncertaintyMs = e.offsetUncertaintyMs;
  if (e.at > track.lastAt) track.lastAt = e.at;
  const gapMs = state.options.runMergeGapMs;
  const stableGapMs = state.options.stableMergeGapMs;
  const steady = state.rollingDeployments.size === 0 && state.terminatingPods.size === 0 && e.at - state.lastObjectAt >= state.options.settleMs;
  const kubeGapEnd = state.lastKubeGap?.to ?? Number.NEGATIVE_INFINITY;
  const target = e.target;
  const runs = e.runs;
  for (let i = 0; i < runs.length; i++) {
    // Indexed rather than destructured: this loop sees every probe result of a session.
    const r = runs[i] as ProbeRunTuple;
    const outcome = r[0];
    const pod = r[1];
    const first = r[4];
    const last = r[5];
    if (outcome !== 'served' && last > track.lastFailureAt) track.lastFailureAt = last;
    const endpoint = r[10] ?? null;
    const reused = r[11];
    const kind = runKind(state, pod ?? '', outcome, r[2], r[3], target, endpoint, reused);
    const open = track.open;
    const match = open[kind.index];
    const merges =
      match !== undefined &&
      (steady
        ? // A run kept while something changed stays as the change left it (a stable-merged one's probes
          // are accounted for in `sent`): what is measured of a rollout never depends on what came after.
          match.duringChange !== true && match.stableMerged !== true && first - match.last <= gapMs && last - match.first >= -gapMs
        : outcome === 'served' && pod !== null && first >= match.last && first - match.last <= stableGapMs && match.last >= track.lastFailureAt && match.first >= kubeGapEnd && match.first >= kindStableSince(state, kind, pod));
    if (merges) {
      if (!steady) {
        // Where its probes were, which the merged run no longer says.
        if (match.stableMerged !== true) {
          addProbeSendTimes(track.sent, match.first, match.last, match.count);
          match.stableMerged = true;
        }
        addProbeSendTimes(track.sent, first, last, r[6]);
      }
      if (first < match.first) match.first = first;
      if (last > match.last) match.last = last;
      match.count += r[6];
      if (r[7] < match.latMin) match.latMin = r[7];
      if (r[8] > match.latMax) match.latMax = r[8];
      match.latSum += r[9];
      continue;
    }
    const run: ProbeRunRecord = { node: e.node, outcome, pod, revision: r[2], status: r[3], first, last, count: r[6], latMin: r[7], latMax: r[8], latSum: r[9], target, stableMerged: false };
    if (!steady) run.duringChange = true;
    if (endpoint !== null) run.endpoint = endpoint;
    if (reused !== undefined) run.reusedConntrack = reused;
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
  if (e.notBefore !== undefined) sync.notBefore = e.notBefore;
  if (e.endpoints !== undefined) sync.endpoints = [...e.endpoints];
  if (e.rulesReadAt !== undefined) sync.rulesReadAt = e.rulesReadAt;
  state.dataPlane.push(sync);
}
