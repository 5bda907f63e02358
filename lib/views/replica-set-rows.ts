import type { Span } from '../measure/intervals';
import type { ReplicaSetSeries } from './replica-set-history';

/** One row per change of any ReplicaSet: `at` plus `desired:<hash>` / `ready:<hash>` for each (step values). */
export type ReplicaSetRow = { at: number } & Record<string, number>;

export const desiredKey = (hash: string): string => `desired:${hash}`;
export const readyKey = (hash: string): string => `ready:${hash}`;

/**
 * The ReplicaSets' step series on a shared set of times (every change, plus the window's edges), so one
 * chart and one tooltip can show them all at the exact times they changed.
 */
export function replicaSetRows(series: readonly ReplicaSetSeries[], window: Span): ReplicaSetRow[] {
  const times = new Set<number>([window.from, window.to]);
  for (const s of series) for (const p of s.points) if (p.at > window.from && p.at < window.to) times.add(p.at);
  const sorted = [...times].sort((a, b) => a - b);
  const cursor = series.map(() => -1);
  return sorted.map((at) => {
    const row: ReplicaSetRow = { at };
    series.forEach((s, i) => {
      let c = cursor[i] ?? -1;
      while (c + 1 < s.points.length && (s.points[c + 1]?.at ?? Infinity) <= at) c++;
      cursor[i] = c;
      const p = s.points[c];
      const hash = s.templateHash ?? s.uid;
      row[desiredKey(hash)] = p?.desired ?? 0;
      row[readyKey(hash)] = p?.ready ?? 0;
    });
    return row;
  });
}

/** `n` evenly spaced samples of the step rows over the window: the zoom brush's overview, and its index→time map. */
export function sampleRows(rows: readonly ReplicaSetRow[], window: Span, n: number): ReplicaSetRow[] {
  const out: ReplicaSetRow[] = [];
  let j = 0;
  for (let i = 0; i < n; i++) {
    const at = window.from + ((window.to - window.from) * i) / Math.max(1, n - 1);
    while (j + 1 < rows.length && (rows[j + 1]?.at ?? Infinity) <= at) j++;
    const row = rows[j];
    out.push({ ...(row ?? {}), at });
  }
  return out;
}
