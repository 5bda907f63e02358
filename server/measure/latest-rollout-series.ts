import type { LagEvidence } from '../../lib/measure/measure-lags';
import type { Bound } from '../../lib/measure/bound';
import type { LagFigure, RolloutReport } from '../../lib/report/report-model';

/** Labels of every `cutover_rollout_*` series: one revision per Deployment at a time, so cardinality stays bounded. */
export interface LatestRolloutLabels {
  namespace: string;
  deployment: string;
  /** The Deployment revision the rollout rolls to (`deployment.kubernetes.io/revision`). */
  revision: string;
}

export type LagDirection = 'add' | 'removal';

/** A node's worst lag in one direction, in seconds; `upperSeconds` is null when nothing bounds it (unknown, not small). */
export interface NodeLagSeries {
  node: string;
  direction: LagDirection;
  evidence: LagEvidence;
  seconds: number;
  lowerSeconds: number;
  upperSeconds: number | null;
}

/** What a gate or a dashboard reads about a Deployment's latest rollout, in Prometheus units. */
export interface LatestRolloutSeries {
  labels: LatestRolloutLabels;
  done: boolean;
  startedSeconds: number;
  endedSeconds: number | null;
  controlPlaneOverlapSeconds: number;
  /** Null without probe data: nothing is exported rather than a false zero. */
  dataPlaneOverlapSeconds: number | null;
  nodes: Array<{ node: string; dropped: number; conntrackTail: number; dataPlaneOverlapSeconds: number | null }>;
  lags: NodeLagSeries[];
  stale: { afterSigterm: number; afterDeletion: number; afterEndpointRemoval: number };
  singleton: { dataPlaneSeconds: number; controlPlaneSeconds: number } | null;
}

/** Lags and overlaps are never negative; a bound's ends are clamped with its value, so lo ≤ value ≤ hi holds. */
const seconds = (ms: number) => Math.max(0, ms) / 1000;

function lagSeries(node: string, direction: LagDirection, lag: LagFigure | null): NodeLagSeries[] {
  if (!lag) return [];
  const b: Bound = lag.lagMs;
  return [{ node, direction, evidence: lag.evidence, seconds: seconds(b.value), lowerSeconds: seconds(b.lo), upperSeconds: Number.isFinite(b.hi) ? seconds(b.hi) : null }];
}

/**
 * The series of one rollout, read from its report (the same figures `cutover report` prints): per node the
 * worst lag each way by lib's one ranking, the drops and the conntrack tail (part of the drops).
 */
export function latestRolloutSeries(r: RolloutReport): LatestRolloutSeries {
  const m = r.measurements;
  return {
    labels: { namespace: r.deployment.namespace, deployment: r.deployment.name, revision: String(r.revisions.to) },
    done: r.outcome !== 'in-progress',
    startedSeconds: r.startedAtMs / 1000,
    endedSeconds: r.endedAtMs === null ? null : r.endedAtMs / 1000,
    controlPlaneOverlapSeconds: seconds(m.controlPlaneOverlapMs.value),
    dataPlaneOverlapSeconds: m.dataPlaneOverlapMs ? seconds(m.dataPlaneOverlapMs.value) : null,
    nodes: r.nodes.map((n) => ({
      node: n.node,
      dropped: n.dropped.value,
      conntrackTail: n.conntrackTail.value,
      dataPlaneOverlapSeconds: n.dataPlaneOverlapMs ? seconds(n.dataPlaneOverlapMs.value) : null,
    })),
    lags: r.nodes.flatMap((n) => [...lagSeries(n.node, 'add', n.worstAddLag), ...lagSeries(n.node, 'removal', n.worstRemovalLag)]),
    stale: { afterSigterm: m.staleResponses.afterSigterm.value, afterDeletion: m.staleResponses.afterDeletion.value, afterEndpointRemoval: m.staleResponses.afterEndpointRemoval.value },
    singleton: m.singletonViolation ? { dataPlaneSeconds: seconds(m.singletonViolation.dataPlaneMs.value), controlPlaneSeconds: seconds(m.singletonViolation.controlPlaneMs.value) } : null,
  };
}

/** Each Deployment's latest rollout (the report lists a Deployment's rollouts in start order), ended or not. */
export function latestRollouts(rollouts: readonly RolloutReport[]): RolloutReport[] {
  const latest = new Map<string, RolloutReport>();
  for (const r of rollouts) latest.set(`${r.deployment.namespace}/${r.deployment.name}`, r);
  return [...latest.values()];
}
