import { HORIZON_MS, nthSmallest, walkAfter, walkBefore } from './requests-elsewhere-walk';
import type { RoutedRequests } from './routed-requests';
import {
  earliestAt,
  elsewhereCount,
  hasRunIn,
  isPlainRun,
  isTarget,
  latestAt,
  lowerIndex,
  reachBackward,
  reachForward,
  spacingAt,
  upperIndex,
  type DestinationRuns,
  type RunOrder,
  type Targets,
} from './run-order';

export type { Targets } from './run-order';

/**
 * Where enough of a node's requests provably went elsewhere than a pod (DESIGN.md, "Evidence and bounds",
 * responses only): the searches behind the statistical lag bounds. Their definition, which
 * test/support/elsewhere-oracle.ts keeps as the plain walk this must equal value for value:
 * - after `from`: take the runs not to the pod in order of their last probe (ending after `from`, within
 *   the horizon) until their whole counts reach `needed` (a run reaching back to `from` counts 1); place
 *   each of their probes after `from` at the latest its run's spacing allows; the needed-th earliest of
 *   those times, rounded up;
 * - before `before`: mirrored, runs in order of their first probe, latest first (starting before
 *   `before`, within the horizon), probes at the earliest; the needed-th latest, rounded down.
 *
 * How it avoids walking a few hundred runs per lag. A node's runs are indexed with prefix sums of their
 * counts, overall and per destination (run-order.ts), so the probes of a span of runs that went elsewhere
 * than the pod are a difference of sums, and with stretches: spans of runs each starting no earlier than
 * the one before ended, as a node's probes during a rollout do (steady-state runs merged across others do
 * not). Within a stretch only its first run taken can reach back across `from` (its last across
 * `before`), the others count whole, and the probe times, each inside its run, come in run order. So:
 * - the runs taken are found stretch by stretch, a binary search over the sums crossing each;
 * - the needed-th time is one order statistic of a few sorted sequences (one per stretch): each is cut to
 *   the window of its own ranks that can hold the answer, the longest window stays implicit but for as
 *   many of its times as the others hold, and what is left is written out and selected (select). With
 *   one stretch, that is one time, read off the sums.
 * Times each lie within their run even in floating point: a spacing is at most (last − first)/(count − 1),
 * so no k-th placement passes either end. Orders that are not sorted (a time that is not a number), odd
 * spacings, counts or numbers needed go the plain walk (requests-elsewhere-walk.ts).
 */

/** The pod's destinations with runs at positions [lo, hi): usually none, and the sums need no correction. */
function destinations(order: RunOrder, targets: Targets, lo: number, hi: number): DestinationRuns[] {
  const out: DestinationRuns[] = [];
  for (let i = 0; i < targets.length; i++) {
    const d = order.byDestination.get(targets[i] as string);
    if (d && hasRunIn(d, lo, hi)) out.push(d);
  }
  return out;
}

/** What a search took of one stretch: a run that may count in part, and runs [lo, hi) that count whole. */
interface Taken {
  head: number;
  /** The head's probes kFrom … kFrom + inc − 1 count (none when it went to the pod). */
  kFrom: number;
  inc: number;
  lo: number;
  hi: number;
  /** Whether the head's times come before the others' (after `from`) or after them (before `before`). */
  headFirst: boolean;
  /** How many probe times this part holds. */
  length: number;
}

interface Search {
  order: RunOrder;
  spacing: number;
  targets: Targets;
  ts: DestinationRuns[];
  /** Probes placed at the latest (after `from`) or at the earliest (before `before`). */
  latest: boolean;
}

/** Appends the times of `t` at ranks [from, to) (ascending within `t`) to `out`. */
function emit(q: Search, t: Taken, from: number, to: number, out: number[]): void {
  const { order, targets, ts, latest, spacing } = q;
  const whole = t.length - t.inc;
  const headAt = t.headFirst ? 0 : whole;
  const spHead = spacingAt(order, t.head, spacing);
  for (let i = Math.max(from, headAt); i < Math.min(to, headAt + t.inc); i++) {
    const k = t.kFrom + i - headAt;
    out.push(latest ? latestAt(order, t.head, k, spHead) : earliestAt(order, t.head, k, spHead));
  }
  const wholeAt = t.headFirst ? t.inc : 0;
  let i = Math.max(from, wholeAt);
  const stop = Math.min(to, wholeAt + whole);
  if (i >= stop) return;
  // The run holding rank i, then on run by run (the pod's own left out).
  let j = reachForward(order, ts, t.lo, t.hi, i - wholeAt + 1) - 1;
  let k = 1 + i - wholeAt - elsewhereCount(order, ts, t.lo, j);
  for (; i < stop; j++, k = 1) {
    if (isTarget(targets, order, j)) continue;
    const c = order.counts[j] as number;
    const sp = spacingAt(order, j, spacing);
    if (latest) for (; k <= c && i < stop; k++, i++) out.push(latestAt(order, j, k, sp));
    else for (; k <= c && i < stop; k++, i++) out.push(earliestAt(order, j, k, sp));
  }
}

/** How many of a part's times can be the answer (see select). */
function window(t: Taken, fromTop: number, r: number): number {
  return Math.max(0, Math.min(t.length, r) - Math.max(0, t.length - fromTop));
}

/**
 * The r-th smallest (1-based) of the times of all parts taken; r ≤ their total. A part's times at its own
 * ranks r and up are above the answer, and those with `total − r + 1` or more of its own above them are
 * below it: only the window between counts, and the rank drops by what falls below. Then the longest
 * window's times below rank r − (the other windows' size) are below the answer too, whatever the others
 * hold. What is left is written out.
 */
function select(q: Search, taken: readonly Taken[], total: number, r: number): number {
  const fromTop = total - r + 1;
  let below = 0;
  let kept = 0;
  let big = taken[0] as Taken;
  for (const t of taken) {
    below += Math.max(0, t.length - fromTop);
    kept += window(t, fromTop, r);
    if (window(t, fromTop, r) > window(big, fromTop, r)) big = t;
  }
  const rank = r - below;
  const others = kept - window(big, fromTop, r);
  const out: number[] = [];
  for (const t of taken) if (t !== big) emit(q, t, Math.max(0, t.length - fromTop), Math.min(t.length, r), out);
  const skip = Math.max(0, rank - 1 - others);
  const start = Math.max(0, big.length - fromTop);
  emit(q, big, start + skip, start + Math.min(rank, window(big, fromTop, r)), out);
  return nthSmallest(out, rank - 1 - skip);
}

/**
 * The earliest time by which at least `needed` requests sent after `from` provably went to a destination
 * other than `targets`; undefined when the node's requests never add up to that (within the horizon).
 */
export function elsewhereAfter(index: RoutedRequests, from: number, needed: number, targets: Targets): number | undefined {
  const order = index.byLast;
  const { spacing } = index;
  if (!order.sorted || !(spacing >= 0) || !Number.isInteger(needed) || needed < 1) return walkAfter(index, from, needed, targets);
  const start = upperIndex(order.keys, from);
  const end = upperIndex(order.keys, from + HORIZON_MS);
  const q: Search = { order, spacing, targets, ts: destinations(order, targets, start, end), latest: true };
  const taken: Taken[] = [];
  let whole = 0;
  let total = 0;
  for (let a = start; a < end && whole < needed; ) {
    const first = order.firsts[a] as number;
    const count = order.counts[a] as number;
    if (!isPlainRun(first, order.lasts[a] as number, count)) return walkAfter(index, from, needed, targets);
    let kFrom = 1;
    let inc = 0;
    if (!isTarget(targets, order, a)) {
      whole += first > from ? count : 1;
      if (first <= from) {
        // Reaches back to `from`: its probes surely after it are a suffix.
        const sp = spacingAt(order, a, spacing);
        let k = count;
        while (k >= 1 && earliestAt(order, a, k, sp) > from) k--;
        kFrom = k + 1;
      }
      inc = count - kFrom + 1;
    }
    const b = Math.min(order.stretchEnd[a] as number, end);
    const hi = whole >= needed ? a + 1 : Math.min(reachForward(order, q.ts, a + 1, b, needed - whole), b);
    const rest = elsewhereCount(order, q.ts, a + 1, hi);
    whole += rest;
    total += inc + rest;
    taken.push({ head: a, kFrom, inc, lo: a + 1, hi, headFirst: true, length: inc + rest });
    a = hi;
  }
  if (total < needed) return undefined;
  return Math.ceil(select(q, taken, total, needed));
}

/**
 * The latest time such that at least `needed` requests sent from then until before `before` provably went
 * elsewhere; undefined when there were not that many (within the horizon).
 */
export function elsewhereBefore(index: RoutedRequests, before: number, needed: number, targets: Targets): number | undefined {
  const order = index.byFirst;
  const { spacing } = index;
  if (!order.sorted || !(spacing >= 0) || !Number.isInteger(needed) || needed < 1) return walkBefore(index, before, needed, targets);
  // The walk passes over runs starting at `before` (within float precision of it) and below the horizon.
  const top = Math.min(upperIndex(order.keys, before - 1e-9), lowerIndex(order.keys, before)) - 1;
  const bottom = lowerIndex(order.keys, before - HORIZON_MS);
  const q: Search = { order, spacing, targets, ts: destinations(order, targets, bottom, top + 1), latest: false };
  const taken: Taken[] = [];
  let whole = 0;
  let total = 0;
  for (let t = top; t >= bottom && whole < needed; ) {
    const last = order.lasts[t] as number;
    const count = order.counts[t] as number;
    if (!isPlainRun(order.firsts[t] as number, last, count)) return walkBefore(index, before, needed, targets);
    let inc = 0;
    if (!isTarget(targets, order, t)) {
      whole += last < before ? count : 1;
      inc = count;
      if (last >= before) {
        // Reaches to `before`: its probes surely before it are a prefix.
        const sp = spacingAt(order, t, spacing);
        let k = 1;
        while (k <= count && latestAt(order, t, k, sp) < before) k++;
        inc = k - 1;
      }
    }
    const a = Math.max(order.stretchStart[t] as number, bottom);
    const lo = whole >= needed ? t : Math.max(reachBackward(order, q.ts, t, a, needed - whole), a);
    const rest = elsewhereCount(order, q.ts, lo, t);
    whole += rest;
    total += inc + rest;
    taken.push({ head: t, kFrom: 1, inc, lo, hi: t, headFirst: false, length: inc + rest });
    t = lo - 1;
  }
  if (total < needed) return undefined;
  return Math.floor(select(q, taken, total, total - needed + 1));
}
