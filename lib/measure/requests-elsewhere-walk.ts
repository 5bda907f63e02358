import type { RoutedRequests } from './routed-requests';
import { earliestAt, isTarget, latestAt, spacingAt, upperIndex, type Targets } from './run-order';

/** How far from its starting point a statistical bound looks: requests beyond it are not counted (safe side). */
export const HORIZON_MS = 10 * 60_000;

/**
 * The statistical searches of requests-elsewhere.ts walked run by run, as they are defined: for a node whose
 * runs are not in order of their key (a time that is not a number), an odd spacing or number needed, or a
 * run without whole, positive count and ends in order, where the indexed search cannot reason.
 */
export function walkAfter(index: RoutedRequests, from: number, needed: number, targets: Targets): number | undefined {
  const order = index.byLast;
  const candidates: number[] = [];
  let latest = -Infinity;
  let whole = 0;
  for (let i = upperIndex(order.keys, from); i < order.keys.length && whole < needed; i++) {
    const last = order.lasts[i] as number;
    if (last > from + HORIZON_MS) break;
    if (isTarget(targets, order, i)) continue;
    candidates.push(i);
    latest = Math.max(latest, last);
    whole += (order.firsts[i] as number) > from ? (order.counts[i] as number) : 1;
  }
  if (!Number.isFinite(latest)) return undefined;
  const times: number[] = [];
  for (const i of candidates) {
    const sp = spacingAt(order, i, index.spacing);
    for (let k = order.counts[i] as number; k >= 1 && !(earliestAt(order, i, k, sp) <= from); k--) times.push(latestAt(order, i, k, sp));
  }
  if (times.length < needed) return undefined;
  return Math.ceil(nthSmallest(times, needed - 1));
}

export function walkBefore(index: RoutedRequests, before: number, needed: number, targets: Targets): number | undefined {
  const order = index.byFirst;
  const candidates: number[] = [];
  let earliest = Infinity;
  let whole = 0;
  for (let i = upperIndex(order.keys, before - 1e-9) - 1; i >= 0 && whole < needed; i--) {
    const first = order.firsts[i] as number;
    const last = order.lasts[i] as number;
    if (first >= before || last < before - HORIZON_MS || isTarget(targets, order, i)) continue;
    if (first < before - HORIZON_MS) break;
    candidates.push(i);
    earliest = Math.min(earliest, first);
    whole += last < before ? (order.counts[i] as number) : 1;
  }
  if (!Number.isFinite(earliest)) return undefined;
  const times: number[] = [];
  for (const i of candidates) {
    const sp = spacingAt(order, i, index.spacing);
    for (let k = 1; k <= (order.counts[i] as number) && !(latestAt(order, i, k, sp) >= before); k++) times.push(earliestAt(order, i, k, sp));
  }
  if (times.length < needed) return undefined;
  return Math.floor(nthSmallest(times, times.length - needed));
}

/**
 * The n-th smallest (0-based) of `values`, reordering them (Hoare's selection): a statistical bound asks
 * for one order statistic of a few hundred probe times per lag, and sorting them all cost most of a measure.
 */
export function nthSmallest(values: number[], n: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i++] = values[j] as number;
        values[j--] = t;
      }
    }
    if (n <= j) hi = j;
    else if (n >= i) lo = i;
    else break;
  }
  return values[n] as number;
}
