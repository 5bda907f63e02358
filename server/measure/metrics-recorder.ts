import type { RolloutReport } from '../../lib/report/report-model';
import { setLatestRollouts } from './latest-rollout-metrics';
import { latestRollouts, latestRolloutSeries } from './latest-rollout-series';
import type { MeasurementMetrics } from './measurement-metrics';
import { type EndedRolloutObservation, type PlanOptions, planObservations } from './rollout-observations';

/**
 * Applies the session's measurements to the Prometheus metrics: each ended rollout once (its id is
 * remembered for the session), the gauges of each Deployment's latest rollout on every call.
 */
export class MetricsRecorder {
  private readonly observed = new Set<string>();

  constructor(
    private readonly metrics: MeasurementMetrics,
    private readonly options: PlanOptions,
  ) {}

  record(rollouts: readonly RolloutReport[], nowMs: number): void {
    const plan = planObservations(rollouts, nowMs, this.observed, this.options);
    for (const ended of plan.ended) {
      this.observe(ended);
      this.observed.add(ended.key);
    }
    setLatestRollouts(this.metrics.latest, latestRollouts(rollouts).map(latestRolloutSeries));
  }

  private observe(o: EndedRolloutObservation): void {
    const m = this.metrics;
    m.rolloutsEnded.inc({ ...o.labels, outcome: o.outcome });
    m.controlPlaneOverlap.observe(o.labels, o.controlPlaneOverlapSeconds);
    if (o.dataPlaneOverlapSeconds !== null) m.dataPlaneOverlap.observe(o.labels, o.dataPlaneOverlapSeconds);
    for (const lag of o.addLags) m.addLag.observe({ ...o.labels, node: lag.node }, lag.seconds);
    for (const lag of o.removalLags) m.removalLag.observe({ ...o.labels, node: lag.node }, lag.seconds);
    for (const d of o.droppedByNode) m.droppedRequests.inc({ ...o.labels, node: d.node }, d.count);
    // inc(0) still creates the series, so a clean rollout shows as an explicit zero.
    m.staleResponses.inc({ ...o.labels, after: 'deletion' }, o.staleAfterDeletion);
    m.staleResponses.inc({ ...o.labels, after: 'endpoint-removal' }, o.staleAfterEndpointRemoval);
    if (o.singleton) {
      const violated = o.singleton.dataPlaneSeconds > 0 || o.singleton.controlPlaneSeconds > 0;
      m.singletonViolations.inc(o.labels, violated ? 1 : 0);
      m.singletonViolationSeconds.inc({ ...o.labels, plane: 'data' }, o.singleton.dataPlaneSeconds);
      m.singletonViolationSeconds.inc({ ...o.labels, plane: 'control' }, o.singleton.controlPlaneSeconds);
    }
  }
}
