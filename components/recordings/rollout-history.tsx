'use client';

import { useMemo, useState } from 'react';
import type { HistoryResponse, HistoryRow } from '../../lib/http-contract';
import { formatMs } from '../../lib/views/headline-figures';
import { NO_HISTORY_FILTER, deploymentOf, filterHistory, hasProblem, historyFacets, historyLink } from '../../lib/views/rollout-history';
import styles from './history.module.css';

function outcomeText(row: HistoryRow): string {
  if (row.outcome !== 'in-progress') return `${row.outcome}${row.rollback ? ' (rollback)' : ''}`;
  // A finished recording's in-progress rollout was cut short by the end of the file, not still running.
  return row.live ? 'in progress' : 'recording ended mid-rollout';
}

function Row({ row }: { row: HistoryRow }) {
  const lag = row.worstLag;
  return (
    <tr data-rollout={row.rolloutId} data-recording={row.recordingId} data-problem={hasProblem(row)}>
      <td data-label="Deployment">
        <a href={historyLink(row)} className="mono">
          {deploymentOf(row)}
        </a>
      </td>
      <td data-label="Revisions" className="mono">
        {row.fromRevision ?? '?'} → {row.toRevision}
      </td>
      <td data-label="Outcome" className={row.outcome === 'failed' || row.outcome === 'rolled-back' ? styles.bad : undefined}>
        {outcomeText(row)}
        {row.failedChecks.length > 0 ? <span className={styles.sub}>{row.failedChecks.length} check(s) failed</span> : null}
      </td>
      <td data-label="Duration" className={styles.num}>
        {row.durationMs === null ? '—' : formatMs(row.durationMs)}
      </td>
      <td data-label="Dropped" className={`${styles.num} ${row.dropped > 0 ? styles.bad : ''}`}>
        {row.dropped}
        {row.stale > 0 ? <span className={styles.sub}>{row.stale} stale</span> : null}
      </td>
      <td data-label="Overlap" className={styles.num}>
        {formatMs(row.overlap.ms)}
        <span className={styles.sub}>{row.overlap.plane === 'data' ? 'data plane' : 'control plane (no probes)'}</span>
      </td>
      <td data-label="Worst lag" className={styles.num}>
        {lag ? `${lag.hiUnknown ? '≥ ' : ''}${formatMs(lag.ms)}` : '—'}
        {lag ? <span className={styles.sub}>{`${lag.direction} · ${lag.node}`}</span> : null}
      </td>
      <td data-label="When">
        {new Date(row.startedAtMs).toLocaleString()}
        <span className={`${styles.sub} mono`}>{row.recordingName}</span>
      </td>
    </tr>
  );
}

/** Every rollout across the recordings, newest first, filtered by Deployment, outcome and harm done. */
export function RolloutHistory({ history }: { history: HistoryResponse | undefined }) {
  const [filter, setFilter] = useState(NO_HISTORY_FILTER);
  const rows = history?.rows ?? [];
  const facets = useMemo(() => historyFacets(rows), [rows]);
  const shown = useMemo(() => filterHistory(rows, filter), [rows, filter]);
  return (
    <section className={styles.history} data-testid="rollout-history" aria-labelledby="history-heading">
      <div className={styles.filters}>
        <h2 id="history-heading">Rollouts</h2>
        <label>
          Deployment{' '}
          <select value={filter.deployment} onChange={(e) => setFilter({ ...filter, deployment: e.target.value })} data-testid="history-deployment">
            <option value="">all</option>
            {facets.deployments.map(([key, n]) => (
              <option key={key} value={key}>{`${key} (${n})`}</option>
            ))}
          </select>
        </label>
        <label>
          Outcome{' '}
          <select value={filter.outcome} onChange={(e) => setFilter({ ...filter, outcome: e.target.value })} data-testid="history-outcome">
            <option value="">all</option>
            {facets.outcomes.map(([key, n]) => (
              <option key={key} value={key}>{`${key} (${n})`}</option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={filter.problemsOnly} onChange={(e) => setFilter({ ...filter, problemsOnly: e.target.checked })} data-testid="history-problems" /> only with dropped or stale requests, failures or failed checks
        </label>
        <span className="muted" data-testid="history-count">
          {history ? `${shown.length} of ${rows.length} rollouts in ${history.recordings} recording(s)` : 'reading the recordings…'}
        </span>
      </div>
      {history && history.unreadable.length > 0 ? (
        <p className="error" data-testid="history-unreadable">
          {history.unreadable.length} recording(s) could not be read: {history.unreadable.slice(0, 3).map((u) => `${u.recordingId}: ${u.error}`).join('; ')}
        </p>
      ) : null}
      {history && rows.length === 0 ? (
        <p className="empty">No rollout in any recording yet: a rollout shows here once a Deployment changes its pod template while Cutover records.</p>
      ) : history && shown.length === 0 ? (
        <p className="empty">No rollout matches these filters.</p>
      ) : history ? (
        <div className={styles.scroll}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Deployment</th>
                <th>Revisions</th>
                <th>Outcome</th>
                <th className={styles.num}>Duration</th>
                <th className={styles.num}>Dropped</th>
                <th className={styles.num}>Overlap</th>
                <th className={styles.num}>Worst lag</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <Row key={`${row.recordingId}:${row.rolloutId}`} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
