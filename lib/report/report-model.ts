import type { Advice } from '../advice/advice';
import type { MitigationCheck } from '../advice/mitigation-check';
import type { FoldState } from '../fold/fold-types';
import type { Bound } from '../measure/bound';
import { worstLag, type LagEvidence, type PodNodeLag } from '../measure/measure-lags';
import { type RolloutMeasurements, measureAll } from '../measure/measure-rollout';
import type { RolloutOutcome, SelectOptions } from '../measure/select-rollouts';
import type { RecordingHeader } from '../recording/recording-header';

/** Bumped when a field changes meaning or goes away; adding fields does not bump it. */
export const REPORT_VERSION = 1;

export interface LagFigure {
  pod: string;
  node: string;
  endpointAtMs: number;
  /** First (add) or last (removal) request of the node that reached the pod; absent when none did. */
  responseAtMs?: number;
  /** Removal lags from requests alone: the probe after the last one that could have reached the pod. */
  firstNotSeenAtMs?: number;
  /** With node-rule evidence: when the node's rules took the pod in or out. */
  rulesAtMs?: number;
  /** What the bound stands on: `node-rules`, `attributed-failures` or `responses`. */
  evidence: LagEvidence;
  /** For `attributed-failures` and `responses`: the probability that the truth lies in `lagMs`. */
  confidence?: number;
  /** `hi` is null when nothing showed the node had switched by the end of the capture (unknown). */
  lagMs: Bound;
  spansGap: boolean;
}

export interface NodeFigures {
  node: string;
  firstNewAtMs?: number;
  lastOldAtMs?: number;
  dataPlaneOverlapMs: Bound | null;
  worstAddLag: LagFigure | null;
  worstRemovalLag: LagFigure | null;
  dropped: Bound;
  conntrackTail: Bound;
}

export interface RemovedFirstFigure {
  pod: string;
  leftAtMs: number;
  deletedAtMs: number | null;
  waitedMs: number;
  /** The last node's all-clear after the pod left (upper end of its bound); null when no node's lag was measured. */
  neededMs: number | null;
  lastNode: string | null;
  nodes: Array<{ node: string; allClearAtMs: number; lagMs: Bound; evidence: LagEvidence }>;
}

export interface RolloutReport {
  id: string;
  deployment: { namespace: string; name: string };
  revisions: { from: number | null; to: number; fromHash: string | null; toHash: string | null };
  outcome: RolloutOutcome;
  rollback: boolean;
  startedAtMs: number;
  endedAtMs: number | null;
  durationMs: number | null;
  probe: { intervalMs: number; clockUncertaintyMs: number };
  spansGap: boolean;
  gaps: Array<{ source: string; reason: string; fromMs: number; toMs: number; node: string | null }>;
  measurements: {
    controlPlaneOverlapMs: Bound;
    dataPlaneOverlapMs: Bound | null;
    worstAddLag: LagFigure | null;
    worstRemovalLag: LagFigure | null;
    staleResponses: { afterDeletion: Bound; afterSigterm: Bound; afterEndpointRemoval: Bound; latestAtMs: number | null };
    droppedRequests: { total: Bound; byPod: Array<{ pod: string | null; count: Bound }> };
    /** Failures after a node's rules were already correct (leftover conntrack entries), part of the dropped ones. */
    conntrackTail: { total: Bound; byNode: Array<{ node: string; count: Bound; firstAtMs: number; lastAtMs: number; rulesCorrectAtMs: number | null }> };
    noReadyEndpoint: { totalMs: number; dropped: Bound };
    singletonViolation: { dataPlaneMs: Bound; controlPlaneMs: Bound } | null;
    /** Pods taken out of the Service before their deletion: each node's all-clear, the wait used and the one needed. */
    removedFirst: RemovedFirstFigure[];
  };
  nodes: NodeFigures[];
  lags: { add: LagFigure[]; removal: LagFigure[] };
  mitigation: MitigationCheck[];
  advice: Advice[];
}

export interface Report {
  reportVersion: number;
  recording: { cluster: string; namespace: string | null; startedAtMs: number; timeSource: string } | null;
  rollouts: RolloutReport[];
}

function lagFigure(lag: PodNodeLag): LagFigure {
  const figure: LagFigure = { pod: lag.pod, node: lag.node, endpointAtMs: lag.endpointAt, evidence: lag.evidence, lagMs: lag.lag, spansGap: lag.spansGap };
  if (lag.responseAt !== undefined) figure.responseAtMs = lag.responseAt;
  if (lag.firstNotSeenAt !== undefined) figure.firstNotSeenAtMs = lag.firstNotSeenAt;
  if (lag.rulesAt !== undefined) figure.rulesAtMs = lag.rulesAt;
  if (lag.confidence !== undefined) figure.confidence = lag.confidence;
  return figure;
}

function worst(lags: readonly PodNodeLag[]): LagFigure | null {
  const top = worstLag(lags);
  return top ? lagFigure(top) : null;
}

function nodeFigures(m: RolloutMeasurements): NodeFigures[] {
  const names = new Set<string>();
  for (const n of m.dataPlaneOverlap.perNode) if (n.node) names.add(n.node);
  for (const lag of [...m.addLags, ...m.removalLags]) names.add(lag.node);
  for (const d of m.dropped.byNode) names.add(d.node);
  // Lags per node, in their order, grouped once: a lag per pod and node makes a filter per node quadratic.
  const byNode = (lags: readonly PodNodeLag[]) => {
    const out = new Map<string, PodNodeLag[]>();
    for (const l of lags) {
      const list = out.get(l.node);
      if (list) list.push(l);
      else out.set(l.node, [l]);
    }
    return out;
  };
  const adds = byNode(m.addLags);
  const removals = byNode(m.removalLags);
  return [...names].sort().map((node) => {
    const overlap = m.dataPlaneOverlap.perNode.find((n) => n.node === node);
    const figures: NodeFigures = {
      node,
      dataPlaneOverlapMs: overlap?.overlap ?? null,
      worstAddLag: worst(adds.get(node) ?? []),
      worstRemovalLag: worst(removals.get(node) ?? []),
      dropped: m.dropped.byNode.find((d) => d.node === node)?.count ?? { value: 0, lo: 0, hi: 0 },
      conntrackTail: m.conntrackTail.byNode.find((d) => d.node === node)?.count ?? { value: 0, lo: 0, hi: 0 },
    };
    if (overlap?.firstNewAt !== undefined) figures.firstNewAtMs = overlap.firstNewAt;
    if (overlap?.lastOldAt !== undefined) figures.lastOldAtMs = overlap.lastOldAt;
    return figures;
  });
}

export function rolloutReport(m: RolloutMeasurements): RolloutReport {
  const { rollout } = m;
  const record = rollout.record;
  return {
    id: rollout.id,
    deployment: { namespace: rollout.deployment.namespace, name: rollout.deployment.name },
    revisions: { from: record.fromRevision ?? null, to: record.toRevision, fromHash: record.fromHash ?? null, toHash: record.toHash ?? null },
    outcome: rollout.outcome,
    rollback: record.isRollback,
    startedAtMs: rollout.startAt,
    endedAtMs: rollout.endAt ?? null,
    durationMs: rollout.endAt !== undefined ? rollout.endAt - rollout.startAt : null,
    probe: { intervalMs: m.timing.intervalMs, clockUncertaintyMs: m.timing.uncertaintyMs },
    spansGap: m.spansGap,
    gaps: rollout.gaps.map((g) => ({ source: g.source, reason: g.reason, fromMs: g.from, toMs: g.to, node: g.node ?? null })),
    measurements: {
      controlPlaneOverlapMs: m.controlPlaneOverlap.total,
      dataPlaneOverlapMs: m.dataPlaneOverlap.cluster.overlap ?? null,
      worstAddLag: worst(m.addLags),
      worstRemovalLag: worst(m.removalLags),
      staleResponses: { afterDeletion: m.stale.afterDeletion, afterSigterm: m.stale.afterSigterm, afterEndpointRemoval: m.stale.afterEndpointRemoval, latestAtMs: m.stale.latestAt ?? null },
      droppedRequests: { total: m.dropped.total, byPod: m.dropped.byPod },
      conntrackTail: {
        total: m.conntrackTail.total,
        byNode: m.conntrackTail.byNode.map((n) => ({ node: n.node, count: n.count, firstAtMs: n.firstAt, lastAtMs: n.lastAt, rulesCorrectAtMs: n.rulesCorrectAt ?? null })),
      },
      noReadyEndpoint: { totalMs: m.noReadyEndpoint.totalMs, dropped: m.noReadyEndpoint.dropped },
      singletonViolation: m.singleton ? { dataPlaneMs: m.singleton.dataPlane, controlPlaneMs: m.singleton.controlPlane } : null,
      removedFirst: m.removedFirst.map((r) => ({
        pod: r.pod,
        leftAtMs: r.leftAt,
        deletedAtMs: r.deletedAt ?? null,
        waitedMs: r.waitedMs,
        neededMs: r.neededMs ?? null,
        lastNode: r.last?.node ?? null,
        nodes: r.nodes.map((n) => ({ node: n.node, allClearAtMs: n.at, lagMs: n.lag, evidence: n.evidence })),
      })),
    },
    nodes: nodeFigures(m),
    lags: { add: m.addLags.map(lagFigure), removal: m.removalLags.map(lagFigure) },
    mitigation: m.mitigation,
    advice: m.advice,
  };
}

/**
 * The report of every rollout in a folded stream: what `cutover report --format json` prints. A finished
 * recording passes `{ captureEnded: true }` (judged at its end); a live session passes nothing.
 */
export function buildReport(state: FoldState, header?: RecordingHeader, options: SelectOptions = {}): Report {
  return {
    reportVersion: REPORT_VERSION,
    recording: header
      ? { cluster: header.cluster, namespace: header.namespace ?? null, startedAtMs: header.startedAt, timeSource: header.timeSource }
      : null,
    rollouts: measureAll(state, options).map(rolloutReport),
  };
}
