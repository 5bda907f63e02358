'use client';

import { useCallback, useEffect, useState } from 'react';
import {
  API_ROUTES,
  HISTORY_ROUTES,
  MAX_UPLOAD_BYTES,
  apiErrorSchema,
  historyResponseSchema,
  recordingListSchema,
  recordingSummarySchema,
  type HistoryResponse,
  type RecordingSummary,
} from '../../lib/http-contract';
import { uploadConfirmation } from '../../lib/views/rollout-history';
import styles from './history.module.css';
import { RolloutHistory } from './rollout-history';

async function errorOf(response: Response): Promise<string> {
  const body = apiErrorSchema.safeParse(await response.json().catch(() => null));
  return body.success ? body.data.error : `${response.status} ${response.statusText}`;
}

async function fetchHistory(): Promise<HistoryResponse> {
  const response = await fetch(HISTORY_ROUTES.history);
  if (!response.ok) throw new Error(`rollout history: ${await errorOf(response)}`);
  const parsed = historyResponseSchema.safeParse(await response.json());
  if (!parsed.success) throw new Error('the server sent a rollout history this page cannot read');
  return parsed.data;
}

/**
 * `/recordings`: every rollout across the server's recordings, then the files themselves, with upload,
 * download and delete. Every response is validated.
 */
export function RecordingList() {
  const [items, setItems] = useState<RecordingSummary[]>();
  const [history, setHistory] = useState<HistoryResponse>();
  const [error, setError] = useState<string>();
  const [added, setAdded] = useState<string>();
  const load = useCallback(async (): Promise<HistoryResponse | undefined> => {
    try {
      const response = await fetch(API_ROUTES.recordings);
      if (!response.ok) throw new Error(await errorOf(response));
      const parsed = recordingListSchema.safeParse(await response.json());
      if (!parsed.success) throw new Error('the server sent a recording list this page cannot read');
      setItems(parsed.data.recordings);
      const next = await fetchHistory();
      setHistory(next);
      return next;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    setAdded(undefined);
    if (file.size > MAX_UPLOAD_BYTES) return setError(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / 1e6} MB`);
    const response = await fetch(`${API_ROUTES.recordings}?name=${encodeURIComponent(file.name)}`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: file });
    if (!response.ok) {
      setError(`upload failed: ${await errorOf(response)}`);
      await load();
      return;
    }
    const summary = recordingSummarySchema.safeParse(await response.json().catch(() => null));
    const next = await load();
    if (summary.success && next) setAdded(uploadConfirmation(summary.data, next.rows));
  };
  const remove = async (r: RecordingSummary) => {
    if (!window.confirm(`Delete ${r.name}?`)) return;
    const response = await fetch(API_ROUTES.recording(r.id), { method: 'DELETE' });
    if (!response.ok) setError(`delete failed: ${await errorOf(response)}`);
    await load();
  };
  return (
    <section data-testid="recordings">
      <div className="log-filters">
        <label>
          Upload a recording <input type="file" accept=".jsonl,.ndjson" onChange={(e) => void upload(e.target.files?.[0])} data-testid="upload" />
        </label>
        <a href="/replay">or open one from disk without uploading</a>
      </div>
      {added ? (
        <p className={styles.confirm} role="status" data-testid="upload-added">
          {added}
        </p>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
      <RolloutHistory history={history} />
      <h2>Files</h2>
      {items === undefined ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="empty">No recordings yet. `cutover serve` records the live session; upload one or open one from disk.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Started</th>
              <th>Cluster / namespace</th>
              <th>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-recording={r.id}>
                <td>
                  <a href={`/recordings/${encodeURIComponent(r.id)}`} className="mono">
                    {r.name}
                  </a>{' '}
                  {r.live ? <span className="pill ok">recording</span> : null}
                </td>
                <td>{r.startedAt !== undefined ? new Date(r.startedAt).toLocaleString() : '—'}</td>
                <td>
                  {r.cluster ?? '—'}
                  {r.namespace ? ` / ${r.namespace}` : ''}
                </td>
                <td>{(r.sizeBytes / 1024).toFixed(0)} KiB</td>
                <td>
                  <a href={API_ROUTES.recording(r.id)} download={r.name}>
                    download
                  </a>{' '}
                  <button type="button" onClick={() => void remove(r)} disabled={r.live}>
                    delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
