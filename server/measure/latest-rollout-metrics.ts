import { Gauge, type Registry } from 'prom-client';
import type { LatestRolloutSeries } from './latest-rollout-series';

const ROLLOUT = ['namespace', 'deployment', 'revision'] as const;
const NODE = [...ROLLOUT, 'node'] as const;
const LAG = [...NODE, 'direction', 'evidence'] as const;

/**
 * The `cutover_rollout_*` gauges: each Deployment's latest rollout, in progress or ended, labelled with its
 * revision. They are what a rollout gate (Argo Rollouts, Flagger) and a dashboard read; a Deployment's series
 * are replaced when its next rollout starts, so at most one revision per Deployment is exported.
 */
export function createLatestRolloutMetrics(registry: Registry) {
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers });
  return {
    done: gauge('cutover_rollout_done', '1 once the Deployment\'s latest rollout has ended (complete, superseded, rolled back or failed), 0 while in progress', ROLLOUT),
    started: gauge('cutover_rollout_started_timestamp_seconds', 'Start of the Deployment\'s latest rollout, seconds since the epoch', ROLLOUT),
    ended: gauge('cutover_rollout_ended_timestamp_seconds', 'End of the Deployment\'s latest rollout, seconds since the epoch (absent while in progress)', ROLLOUT),
    controlPlaneOverlap: gauge('cutover_rollout_control_plane_overlap_seconds', 'Latest rollout: time the EndpointSlices listed ready endpoints of both revisions', ROLLOUT),
    dataPlaneOverlap: gauge('cutover_rollout_data_plane_overlap_seconds', 'Latest rollout: first response from the new revision to last response from the old, cluster-wide (absent without probe data)', ROLLOUT),
    nodeDataPlaneOverlap: gauge('cutover_rollout_node_data_plane_overlap_seconds', 'Latest rollout: data-plane overlap seen from one probing node', NODE),
    dropped: gauge('cutover_rollout_dropped_requests', 'Latest rollout: probe requests refused, reset, timed out or answered 5xx, by probing node', NODE),
    conntrackTail: gauge('cutover_rollout_conntrack_tail_requests', 'Latest rollout: dropped requests sent to a gone pod by a leftover conntrack entry after the node\'s rules were correct (part of the dropped ones)', NODE),
    nodeLag: gauge('cutover_rollout_node_lag_seconds', 'Latest rollout: the node\'s worst lag (direction add or removal), with the evidence it stands on', LAG),
    nodeLagLower: gauge('cutover_rollout_node_lag_lower_bound_seconds', 'Latest rollout: lower end of the bound of cutover_rollout_node_lag_seconds', LAG),
    nodeLagUpper: gauge('cutover_rollout_node_lag_upper_bound_seconds', 'Latest rollout: upper end of the bound of cutover_rollout_node_lag_seconds; absent when nothing showed the node had switched (unknown)', LAG),
    stale: gauge('cutover_rollout_stale_responses', 'Latest rollout: responses served by a pod after SIGTERM (after="sigterm"), after its deletion (after="deletion"), or after it left the ready endpoints (after="endpoint-removal")', [...ROLLOUT, 'after']),
    singleton: gauge('cutover_rollout_singleton_violation_seconds', 'Latest rollout of a singleton Deployment: time two pods served (plane="data") or were ready endpoints (plane="control") together', [...ROLLOUT, 'plane']),
  };
}
export type LatestRolloutMetrics = ReturnType<typeof createLatestRolloutMetrics>;

/**
 * Sets the gauges to exactly these rollouts. Everything is reset and set again in one synchronous pass, so a
 * scrape never sees a half-updated set, and series of a replaced revision (or a lag whose evidence changed) go.
 */
export function setLatestRollouts(m: LatestRolloutMetrics, series: readonly LatestRolloutSeries[]): void {
  for (const g of Object.values(m)) g.reset();
  for (const s of series) {
    const l = s.labels;
    m.done.set(l, s.done ? 1 : 0);
    m.started.set(l, s.startedSeconds);
    if (s.endedSeconds !== null) m.ended.set(l, s.endedSeconds);
    m.controlPlaneOverlap.set(l, s.controlPlaneOverlapSeconds);
    if (s.dataPlaneOverlapSeconds !== null) m.dataPlaneOverlap.set(l, s.dataPlaneOverlapSeconds);
    for (const n of s.nodes) {
      const nl = { ...l, node: n.node };
      m.dropped.set(nl, n.dropped);
      m.conntrackTail.set(nl, n.conntrackTail);
      if (n.dataPlaneOverlapSeconds !== null) m.nodeDataPlaneOverlap.set(nl, n.dataPlaneOverlapSeconds);
    }
    for (const lag of s.lags) {
      const ll = { ...l, node: lag.node, direction: lag.direction, evidence: lag.evidence };
      m.nodeLag.set(ll, lag.seconds);
      m.nodeLagLower.set(ll, lag.lowerSeconds);
      if (lag.upperSeconds !== null) m.nodeLagUpper.set(ll, lag.upperSeconds);
    }
    m.stale.set({ ...l, after: 'sigterm' }, s.stale.afterSigterm);
    m.stale.set({ ...l, after: 'deletion' }, s.stale.afterDeletion);
    m.stale.set({ ...l, after: 'endpoint-removal' }, s.stale.afterEndpointRemoval);
    if (s.singleton) {
      m.singleton.set({ ...l, plane: 'data' }, s.singleton.dataPlaneSeconds);
      m.singleton.set({ ...l, plane: 'control' }, s.singleton.controlPlaneSeconds);
    }
  }
}
