import { Counter, Histogram, type Registry } from 'prom-client';
import { createLatestRolloutMetrics } from './latest-rollout-metrics';

/** Propagation lags: kube-proxy syncs in tens of ms, load balancers take tens of seconds, stragglers minutes. */
export const LAG_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
/** Overlap windows: from a clean sub-second hand-over to a rollout that ran both versions for minutes. */
export const OVERLAP_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

const ROLLOUT = ['namespace', 'deployment'] as const;
const ROLLOUT_NODE = ['namespace', 'deployment', 'node'] as const;

/**
 * The measurements as Prometheus metrics. A rollout's figures are observed once, when it ends, so the
 * histograms and counters are monotonic (and carry no revision, which would grow without bound); the
 * `cutover_rollout_*` gauges (`latest`) give each Deployment's latest rollout, with its revision, for gates.
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
    measureDuration: new Histogram({
      name: 'cutover_measure_duration_seconds',
      help: 'Time one recomputation of the live session\'s measurements took',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    latest: createLatestRolloutMetrics(registry),
  };
}
export type MeasurementMetrics = ReturnType<typeof createMeasurementMetrics>;
