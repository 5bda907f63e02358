import type { RolloutOutcome } from '../../lib/measure/select-rollouts';
import type { LagFigure, RolloutReport } from '../../lib/report/report-model';

export interface RolloutLabels {
  namespace: string;
  deployment: string;
}

/** What one ended rollout adds to the histograms and counters, in Prometheus units (seconds, counts). */
export interface EndedRolloutObservation {
  id: string;
  /** What makes it observed once: see observationKey. */
  key: string;
  labels: RolloutLabels;
  outcome: Exclude<RolloutOutcome, 'in-progress'>;
  controlPlaneOverlapSeconds: number;
  /** Null without probe data: nothing is observed rather than a false zero. */
  dataPlaneOverlapSeconds: number | null;
  addLags: Array<{ node: string; seconds: number }>;
  removalLags: Array<{ node: string; seconds: number }>;
  droppedByNode: Array<{ node: string; count: number }>;
  staleAfterDeletion: number;
  staleAfterEndpointRemoval: number;
  singleton: { dataPlaneSeconds: number; controlPlaneSeconds: number } | null;
}

export interface ObservationPlan {
  /** Rollouts to observe now, oldest first; each id appears once over the life of a session. */
  ended: EndedRolloutObservation[];
}

export interface PlanOptions {
  /**
   * How long after a rollout's end (fold time) its figures are observed: probe batches from an agent that
   * was briefly cut off arrive late, and a figure observed once cannot be corrected.
   */
  finalizeAfterMs: number;
}

/**
 * A rollout's id (`namespace/name#index`) repeats when a Deployment is deleted and created again under the
 * same name; its start time tells the two apart.
 */
export function observationKey(r: Pick<RolloutReport, 'id' | 'startedAtMs'>): string {
  return `${r.id}@${r.startedAtMs}`;
}

const seconds = (ms: number) => Math.max(0, ms) / 1000;

function lagSeconds(lags: readonly LagFigure[]): Array<{ node: string; seconds: number }> {
  return lags.map((l) => ({ node: l.node, seconds: seconds(l.lagMs.value) }));
}

function labelsOf(r: RolloutReport): RolloutLabels {
  return { namespace: r.deployment.namespace, deployment: r.deployment.name };
}

export function endedObservation(r: RolloutReport, outcome: EndedRolloutObservation['outcome']): EndedRolloutObservation {
  const m = r.measurements;
  return {
    id: r.id,
    key: observationKey(r),
    labels: labelsOf(r),
    outcome,
    controlPlaneOverlapSeconds: seconds(m.controlPlaneOverlapMs.value),
    dataPlaneOverlapSeconds: m.dataPlaneOverlapMs ? seconds(m.dataPlaneOverlapMs.value) : null,
    addLags: lagSeconds(r.lags.add),
    removalLags: lagSeconds(r.lags.removal),
    droppedByNode: r.nodes.filter((n) => n.dropped.value > 0).map((n) => ({ node: n.node, count: n.dropped.value })),
    staleAfterDeletion: m.staleResponses.afterDeletion.value,
    staleAfterEndpointRemoval: m.staleResponses.afterEndpointRemoval.value,
    singleton: m.singletonViolation
      ? { dataPlaneSeconds: seconds(m.singletonViolation.dataPlaneMs.value), controlPlaneSeconds: seconds(m.singletonViolation.controlPlaneMs.value) }
      : null,
  };
}

/**
 * Maps the session's report onto metric observations. A rollout is observed when it has ended and
 * `finalizeAfterMs` of fold time has passed since, and only if its key is not in `observed`: the caller
 * adds the keys it applied, so a rollout measured many times is observed once.
 */
export function planObservations(rollouts: readonly RolloutReport[], nowMs: number, observed: ReadonlySet<string>, options: PlanOptions): ObservationPlan {
  const ended: EndedRolloutObservation[] = [];
  for (const r of rollouts) {
    const done = r.outcome !== 'in-progress' && r.endedAtMs !== null && nowMs - r.endedAtMs >= options.finalizeAfterMs;
    if (done && r.outcome !== 'in-progress' && !observed.has(observationKey(r))) ended.push(endedObservation(r, r.outcome));
  }
  return { ended };
}
