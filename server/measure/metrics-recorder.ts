import type { RolloutReport } from '../../lib/report/report-model';
import type { MeasurementMetrics } from './measurement-metrics';
import { type CurrentRolloutGauges, type EndedRolloutObservation, type PlanOptions, type RolloutLabels, planObservations } from './rollout-observations';

const keyOf = (labels: RolloutLabels) => `${labels.namespace}/${labels.deployment}`;

/**
 * Applies the session's measurements to the Prometheus metrics: each ended rollout once (its id is
 * remembered for the session), the gauges of each Deployment's current rollout on every call.
 */
export class MetricsRecorder {
  private readonly observed = new Set<string>();
  /** Deployments that have current-rollout gauges, so they can be cleared when the rollout is observed. */
  private readonly current = new Map<string, RolloutLabels>();

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
    const seen = new Set<string>();
    for (const gauges of plan.current) {
      seen.add(keyOf(gauges.labels));
      this.setCurrent(gauges);
    }
    for (const [key, labels] of this.current) {
      if (seen.has(key)) continue;
      this.clearCurrent(labels);
      this.current.delete(key);
    }
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

  private setCurrent(g: CurrentRolloutGauges): void {
    const m = this.metrics;
    const labels = g.labels;
    this.current.set(keyOf(labels), labels);
    m.inProgress.set(labels, g.inProgress ? 1 : 0);
    m.currentStarted.set(labels, g.startedSeconds);
    m.currentControlPlaneOverlap.set(labels, g.controlPlaneOverlapSeconds);
    m.currentDropped.set(labels, g.dropped);
    m.currentStale.set(labels, g.staleAfterDeletion);
    setOrRemove(m.currentDataPlaneOverlap, labels, g.dataPlaneOverlapSeconds);
    setOrRemove(m.currentMaxAddLag, labels, g.maxAddLagSeconds);
    setOrRemove(m.currentMaxRemovalLag, labels, g.maxRemovalLagSeconds);
    setOrRemove(m.currentSingletonViolation, labels, g.singletonDataPlaneSeconds);
  }

  /** The rollout was observed: its Deployment has none in progress, and its figures now live in the histograms. */
  private clearCurrent(labels: RolloutLabels): void {
    const m = this.metrics;
    m.inProgress.set(labels, 0);
    for (const gauge of [m.currentStarted, m.currentControlPlaneOverlap, m.currentDataPlaneOverlap, m.currentMaxAddLag, m.currentMaxRemovalLag, m.currentDropped, m.currentStale, m.currentSingletonViolation]) {
      gauge.remove(labels);
    }
  }
}

interface LabelledGauge {
  set(labels: RolloutLabels, value: number): void;
  remove(labels: RolloutLabels): void;
}

function setOrRemove(gauge: LabelledGauge, labels: RolloutLabels, value: number | null): void {
  if (value === null) gauge.remove(labels);
  else gauge.set(labels, value);
}
