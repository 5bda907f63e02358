import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Propagation lags: kube-proxy syncs in tens of ms, load balancers take tens of seconds, stragglers minutes. */
export const LAG_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
/** Overlap windows: from a clean sub-second hand-over to a rollout that ran both versions for minutes. */
export const OVERLAP_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

const ROLLOUT = ['namespace', 'deployment'] as const;
const ROLLOUT_NODE = ['namespace', 'deployment', 'node'] as const;

/**
 * The measurements as Prometheus metrics. A rollout's figures are observed once, when it ends, so the
 * histograms and counters are monotonic; the `cutover_current_rollout_*` gauges follow the rollout in progress.
 */
export function createMeasurementMetrics(registry: Registry) {
  const registers = [registry];
  return {
    rolloutsEnded: new Counter({
      name: 'cutover_rollouts_ended_total',
      help: 'Rollouts that ended, by outcome (complete, superseded, rolled-back, failed)',
      labelNames: [...ROLLOUT, 'outcome'] as const,
      registers,
    }),
    controlPlaneOverlap: new Histogram({
      name: 'cutover_control_plane_overlap_seconds',
      help: 'Per ended rollout: time the EndpointSlices listed ready endpoints of both revisions',
      labelNames: ROLLOUT,
      buckets: OVERLAP_BUCKETS_SECONDS,
      registers,
    }),
    dataPlaneOverlap: new Histogram({
      name: 'cutover_data_plane_overlap_seconds',
      help: 'Per ended rollout with probe data: first response from the new revision to last response from the old, cluster-wide',
      labelNames: ROLLOUT,
      buckets: OVERLAP_BUCKETS_SECONDS,
      registers,
    }),
    addLag: new Histogram({
      name: 'cutover_add_lag_seconds',
      help: 'Per new pod and node of an ended rollout: first response from the pod at the node minus the time it became a ready endpoint',
      labelNames: ROLLOUT_NODE,
      buckets: LAG_BUCKETS_SECONDS,
      registers,
    }),
    removalLag: new Histogram({
      name: 'cutover_removal_lag_seconds',
      help: 'Per old pod and node of an ended rollout: last request the node sent to the pod minus the time it stopped being a ready endpoint',
      labelNames: ROLLOUT_NODE,
      buckets: LAG_BUCKETS_SECONDS,
      registers,
    }),
    droppedRequests: new Counter({
      name: 'cutover_dropped_requests_total',
      help: 'Probe requests refused, reset, timed out or answered 5xx during ended rollouts, by probing node',
      labelNames: ROLLOUT_NODE,
      registers,
    }),
    staleResponses: new Counter({
      name: 'cutover_stale_responses_total',
      help: 'Responses served during ended rollouts by a pod after its deletion was observed (after="deletion") or after it stopped being a ready endpoint (after="endpoint-removal")',
      labelNames: [...ROLLOUT, 'after'] as const,
      registers,
    }),
    singletonViolations: new Counter({
      name: 'cutover_singleton_violations_total',
      help: 'Ended rollouts of a singleton Deployment in which two pods served or were ready endpoints together',
      labelNames: ROLLOUT,
      registers,
    }),
    singletonViolationSeconds: new Counter({
      name: 'cutover_singleton_violation_seconds_total',
      help: 'Time two pods of a singleton Deployment served traffic (plane="data") or were ready endpoints (plane="control") together, over ended rollouts',
      labelNames: [...ROLLOUT, 'plane'] as const,
      registers,
    }),
    inProgress: new Gauge({
      name: 'cutover_rollout_in_progress',
      help: '1 while a rollout of the Deployment is in progress, else 0',
      labelNames: ROLLOUT,
      registers,
    }),
    currentStarted: new Gauge({
      name: 'cutover_current_rollout_started_timestamp_seconds',
      help: 'Start of the rollout in progress (until its figures are observed), seconds since the epoch',
      labelNames: ROLLOUT,
      registers,
    }),
    currentControlPlaneOverlap: new Gauge({
      name: 'cutover_current_rollout_control_plane_overlap_seconds',
      help: 'Control-plane overlap of the rollout in progress so far',
      labelNames: ROLLOUT,
      registers,
    }),
    currentDataPlaneOverlap: new Gauge({
      name: 'cutover_current_rollout_data_plane_overlap_seconds',
      help: 'Data-plane overlap of the rollout in progress so far (absent without probe data)',
      labelNames: ROLLOUT,
      registers,
    }),
    currentMaxAddLag: new Gauge({
      name: 'cutover_current_rollout_max_add_lag_seconds',
      help: 'Worst add lag of the rollout in progress so far',
      labelNames: ROLLOUT,
      registers,
    }),
    currentMaxRemovalLag: new Gauge({
      name: 'cutover_current_rollout_max_removal_lag_seconds',
      help: 'Worst removal lag of the rollout in progress so far',
      labelNames: ROLLOUT,
      registers,
    }),
    currentDropped: new Gauge({
      name: 'cutover_current_rollout_dropped_requests',
      help: 'Requests dropped during the rollout in progress so far',
      labelNames: ROLLOUT,
      registers,
    }),
    currentStale: new Gauge({
      name: 'cutover_current_rollout_stale_responses',
      help: 'Responses served after the pod\'s deletion during the rollout in progress so far',
      labelNames: ROLLOUT,
      registers,
    }),
    currentSingletonViolation: new Gauge({
      name: 'cutover_current_rollout_singleton_violation_seconds',
      help: 'Time two pods of a singleton Deployment served together (data plane) in the rollout in progress so far',
      labelNames: ROLLOUT,
      registers,
    }),
    measureDuration: new Histogram({
      name: 'cutover_measure_duration_seconds',
      help: 'Time one recomputation of the live session\'s measurements took',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
  };
}
export type MeasurementMetrics = ReturnType<typeof createMeasurementMetrics>;
