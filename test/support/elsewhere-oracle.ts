// Test support: the statistical searches as they were before they were indexed (commit 42303f3), kept
// verbatim as the oracle that lib/measure/requests-elsewhere.ts must equal value for value. They walk a
// node's runs one by one, so they are slow on long sessions, and never used outside tests.
import { HORIZON_MS, nthSmallest } from '../../lib/measure/requests-elsewhere-walk';
import { spacingOf, type Segment } from '../../lib/measure/routed-requests';

/** A node's requests with a known destination, in the two orders the searches walk. */
export interface OracleRuns {
  byLast: readonly Segment[];
  byFirst: readonly Segment[];
  spacing: number;
}

/** The runs ordered as the routed-request index ordered them before it was columns (stable sorts of objects). */
export function oracleRuns(known: readonly Segment[], spacing: number): OracleRuns {
  return { byLast: [...known].sort((a, b) => a.last - b.last), byFirst: [...known].sort((a, b) => a.first - b.first), spacing };
}

/** First index whose key is > t. */
function upperIndex(list: readonly Segment[], t: number, key: 'first' | 'last'): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Segment)[key] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function oracleElsewhereAfter(index: OracleRuns, from: number, needed: number, isTarget: (to: string | undefined) => boolean): number | undefined {
  const candidates: Segment[] = [];
  let latest = -Infinity;
  let whole = 0;
  for (let i = upperIndex(index.byLast, from, 'last'); i < index.byLast.length && whole < needed; i++) {
    const s = index.byLast[i] as Segment;
    if (s.last > from + HORIZON_MS) break;
    if (isTarget(s.to)) continue;
    candidates.push(s);
    latest = Math.max(latest, s.last);
    whole += s.first > from ? s.count : 1;
  }
  if (!Number.isFinite(latest)) return undefined;
  const times: number[] = [];
  for (const s of candidates) {
    const c = s.count;
    const sp = spacingOf(s, index.spacing);
    for (let k = c; k >= 1; k--) {
      const earliest = k === c ? s.last : s.first + (k - 1) * sp;
      if (earliest <= from) break;
      times.push(k === 1 ? s.first : s.last - (c - k) * sp);
    }
  }
  if (times.length < needed) return undefined;
  return Math.ceil(nthSmallest(times, needed - 1));
}

export function oracleElsewhereBefore(index: OracleRuns, before: number, needed: number, isTarget: (to: string | undefined) => boolean): number | undefined {
  const candidates: Segment[] = [];
  let earliest = Infinity;
  let whole = 0;
  for (let i = upperIndex(index.byFirst, before - 1e-9, 'first') - 1; i >= 0 && whole < needed; i--) {
    const s = index.byFirst[i] as Segment;
    if (s.first >= before || s.last < before - HORIZON_MS || isTarget(s.to)) continue;
    if (s.first < before - HORIZON_MS) break;
    candidates.push(s);
    earliest = Math.min(earliest, s.first);
    whole += s.last < before ? s.count : 1;
  }
  if (!Number.isFinite(earliest)) return undefined;
  const times: number[] = [];
  for (const s of candidates) {
    const c = s.count;
    const sp = spacingOf(s, index.spacing);
    for (let k = 1; k <= c; k++) {
      const latest = k === 1 ? s.first : s.last - (c - k) * sp;
      if (latest >= before) break;
      times.push(k === c ? s.last : s.first + (k - 1) * sp);
    }
  }
  if (times.length < needed) return undefined;
  return Math.floor(nthSmallest(times, times.length - needed));
}
