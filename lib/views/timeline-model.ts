import type { FoldState, Gap } from '../fold/fold-types';
import type { RolloutMeasurements } from '../measure/measure-rollout';
import type { DeploymentRollouts } from '../measure/select-rollouts';
import type { Span } from '../measure/intervals';
import { formatCount } from '../report/report-text';
import { NodeRunCollector, type NodeLane } from './node-lanes';
import { PodRunCollector, type PodBar } from './pod-bars';
import type { ReplicaSetHistory, ReplicaSetSeries } from './replica-set-history';
import { assignRevisions, type RevisionInfo } from './revision-palette';
import { gapsIn, timelineMarkers, type TimelineMarker } from './timeline-markers';

export interface OverlapBands {
  /** Control plane: both revisions listed as ready endpoints. */
  control: Span[];
  controlMs: number;
  /** Data plane: first new response to last old response, cluster-wide. */
  data?: Span;
  dataMs?: number;
}

/** Everything the timeline draws for one rollout: plain data, computed once per fold version. */
export interface TimelineModel {
  rolloutId: string;
  window: Span;
  revisions: RevisionInfo[];
  replicaSets: (ReplicaSetSeries & { colour: number })[];
  pods: PodBar[];
  nodes: NodeLane[];
  markers: TimelineMarker[];
  gaps: Gap[];
  bands: OverlapBands;
}

export interface TimelineOptions {
  /** Resolution of the drawing: spans closer than this are merged (default: window / 2000, at least the probe interval). */
  mergeGapMs?: number;
}

/** The view window: the rollout with a margin on either side, so its start and end are visible. */
export function rolloutWindow(m: RolloutMeasurements, d: DeploymentRollouts): Span {
  const r = m.rollout;
  let from = r.startAt;
  let to = r.windowEnd;
  // Pods that were created for the rollout before its start was noticed still belong in view.
  for (const p of d.pods) if (p.lane.templateHash === r.record.toHash && !p.lane.preexisting) from = Math.min(from, p.lane.createdAt);
  const margin = Math.max(2000, (to - from) * 0.08);
  return { from: from - margin, to: to + margin };
}

/**
 * Each node's drops during the rollout and, apart, its conntrack tail, as measured: the lane's label and
 * tooltip say what the figures and the lag table say (the lane also draws drops in the margins around it).
 */
function withRolloutDrops(lanes: NodeLane[], m: RolloutMeasurements): NodeLane[] {
  const dropped = new Map(m.dropped.byNode.map((d) => [d.node, d.count]));
  const tails = new Map(m.conntrackTail.byNode.map((t) => [t.node, t]));
  return lanes.map((lane) => {
    const out: NodeLane = { ...lane };
    const d = dropped.get(lane.node);
    if (d && d.hi > 0) out.rolloutDropped = { count: d.value, text: formatCount(d) };
    const t = tails.get(lane.node);
    if (t && t.count.hi > 0) {
      out.conntrackTail = { count: t.count.value, text: formatCount(t.count), firstAt: t.firstAt, lastAt: t.lastAt };
      if (t.rulesCorrectAt !== undefined) out.conntrackTail.rulesCorrectAt = t.rulesCorrectAt;
    }
    return out;
  });
}

export function buildTimeline(state: FoldState, d: DeploymentRollouts, m: RolloutMeasurements, history: ReplicaSetHistory, options: TimelineOptions = {}): TimelineModel {
  const r = m.rollout;
  const window = rolloutWindow(m, d);
  const mergeGapMs = options.mergeGapMs ?? Math.max((window.to - window.from) / 2000, m.timing.intervalMs * 1.5);
  // One walk over the Deployment's runs for both the pod bars and the node lanes.
  const podRuns = new PodRunCollector(window, r);
  const nodeRuns = new NodeRunCollector(window, mergeGapMs);
  for (const a of d.runs) {
    podRuns.add(a);
    nodeRuns.add(a);
  }
  const pods = podRuns.bars(d.pods, mergeGapMs);
  const series = [...history.values()].filter((s) => s.deploymentUid === d.track.uid && s.points.some((p, i, all) => p.at <= window.to && (all[i + 1]?.at ?? Infinity) >= window.from && (p.desired > 0 || p.ready > 0)));
  const revisions = assignRevisions(r.record.fromHash, r.record.toHash, [
    ...series.map((s) => ({ hash: s.templateHash ?? '', ...(s.revision !== undefined ? { revision: s.revision } : {}) })),
    ...pods.map((p) => ({ hash: p.hash })),
  ]);
  const colourOf = (hash: string) => revisions.find((x) => x.hash === hash)?.colour ?? 0;
  const cp = m.controlPlaneOverlap;
  const dp = m.dataPlaneOverlap.cluster;
  const bands: OverlapBands = { control: cp.spans, controlMs: cp.total.value };
  if (dp.firstNewAt !== undefined && dp.lastOldAt !== undefined && dp.lastOldAt > dp.firstNewAt) {
    bands.data = { from: dp.firstNewAt, to: dp.lastOldAt };
    bands.dataMs = dp.overlap?.value ?? dp.lastOldAt - dp.firstNewAt;
  } else if (dp.overlap) bands.dataMs = dp.overlap.value; // measured, with no band to draw (e.g. 0 s): the legend says what the figure says
  return {
    rolloutId: r.id,
    window,
    revisions,
    replicaSets: series.sort((a, b) => colourOf(a.templateHash ?? '') - colourOf(b.templateHash ?? '')).map((s) => ({ ...s, colour: colourOf(s.templateHash ?? '') })),
    pods,
    nodes: withRolloutDrops(nodeRuns.lanes(), m),
    markers: timelineMarkers(r, d.pods, state.markers, window),
    gaps: gapsIn(r.gaps, window),
    bands,
  };
}
