import type { HistoryRow, RecordingSummary } from '../http-contract';
import type { Report, RolloutReport } from '../report/report-model';
import { rolloutOverlap, worstRolloutLag } from '../report/rollout-extremes';

export interface HistorySource {
  recordingId: string;
  recordingName: string;
  live: boolean;
}

/** One history row from a rollout's report: the figures the report holds, none measured again. */
export function historyRow(source: HistorySource, r: RolloutReport): HistoryRow {
  const worst = worstRolloutLag(r);
  return {
    ...source,
    rolloutId: r.id,
    namespace: r.deployment.namespace,
    deployment: r.deployment.name,
    fromRevision: r.revisions.from,
    toRevision: r.revisions.to,
    rollback: r.rollback,
    outcome: r.outcome,
    startedAtMs: r.startedAtMs,
    durationMs: r.durationMs,
    dropped: r.measurements.droppedRequests.total.value,
    stale: r.measurements.staleResponses.afterSigterm.value,
    overlap: rolloutOverlap(r),
    worstLag: worst
      ? { direction: worst.direction, ms: worst.lag.lagMs.value, hiUnknown: worst.lag.lagMs.hi === null || !Number.isFinite(worst.lag.lagMs.hi), node: worst.lag.node, pod: worst.lag.pod }
      : null,
    failedChecks: r.mitigation.filter((c) => c.status === 'fail').map((c) => c.id),
    // What to change: a mitigation's measured effect (`ok`) is not advice to act on.
    advice: r.advice.filter((a) => a.severity !== 'ok').length,
  };
}

/** Every rollout of a recording's report as history rows. */
export function historyRows(source: HistorySource, report: Report): HistoryRow[] {
  return report.rollouts.map((r) => historyRow(source, r));
}

/** Newest first; within one start time by Deployment, so the order never depends on the files' order. */
export function sortHistory(rows: readonly HistoryRow[]): HistoryRow[] {
  return [...rows].sort((a, b) => b.startedAtMs - a.startedAtMs || a.namespace.localeCompare(b.namespace) || a.deployment.localeCompare(b.deployment) || a.recordingId.localeCompare(b.recordingId));
}

export interface HistoryFilter {
  /** `namespace/name`, or '' for all. */
  deployment: string;
  /** An outcome, or '' for all. */
  outcome: string;
  /** Only rollouts that dropped or served stale requests, failed, or failed a check. */
  problemsOnly: boolean;
}

export const NO_HISTORY_FILTER: HistoryFilter = { deployment: '', outcome: '', problemsOnly: false };

export const deploymentOf = (row: Pick<HistoryRow, 'namespace' | 'deployment'>): string => `${row.namespace}/${row.deployment}`;

/** Whether a rollout did harm or says it will: what "problems only" keeps. */
export function hasProblem(row: HistoryRow): boolean {
  return row.dropped > 0 || row.stale > 0 || row.outcome === 'failed' || row.outcome === 'rolled-back' || row.failedChecks.length > 0;
}

export function filterHistory(rows: readonly HistoryRow[], filter: HistoryFilter): HistoryRow[] {
  return rows.filter(
    (row) =>
      (filter.deployment === '' || deploymentOf(row) === filter.deployment) &&
      (filter.outcome === '' || row.outcome === filter.outcome) &&
      (!filter.problemsOnly || hasProblem(row)),
  );
}

/** The choices the filters offer: each Deployment and outcome present, with how many rollouts have it. */
export function historyFacets(rows: readonly HistoryRow[]): { deployments: Array<[string, number]>; outcomes: Array<[string, number]> } {
  const count = (key: (row: HistoryRow) => string) => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => a.localeCompare(b));
  };
  return { deployments: count(deploymentOf), outcomes: count((row) => row.outcome) };
}

/** The page's link to a rollout: its recording, opened on that rollout. */
export function historyLink(row: Pick<HistoryRow, 'recordingId' | 'rolloutId'>): string {
  return `/recordings/${encodeURIComponent(row.recordingId)}?rollout=${encodeURIComponent(row.rolloutId)}`;
}

/** What an upload added, in one sentence: the file, and each rollout it holds as the history lists it. */
export function uploadConfirmation(summary: Pick<RecordingSummary, 'id' | 'name' | 'cluster' | 'namespace'>, rows: readonly HistoryRow[]): string {
  const mine = rows.filter((row) => row.recordingId === summary.id);
  const where = summary.cluster ? ` (${summary.cluster}${summary.namespace ? ` / ${summary.namespace}` : ''})` : '';
  if (mine.length === 0) return `Added ${summary.name}${where}: it holds no rollout.`;
  const shown = mine.slice(0, 5).map((row) => `${deploymentOf(row)} ${row.fromRevision ?? '?'} → ${row.toRevision} ${row.outcome}, ${row.dropped} dropped`);
  const more = mine.length > shown.length ? `, and ${mine.length - shown.length} more` : '';
  return `Added ${summary.name}${where} with ${mine.length} rollout${mine.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}.`;
}
