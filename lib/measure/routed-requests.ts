import type { NodeProbeTrack } from '../fold/fold-types';
import { nodeIndex } from './node-index';
import { addressOf } from './node-rules';

/**
 * Evidence of the second and third kind (DESIGN.md, "Evidence and bounds"), as one index per node: the
 * requests whose destination is known (served by a pod that named itself, or failed with the conntrack
 * DNAT target read and known to have made its own entry) and the failed requests whose destination is not
 * known (a DNAT target read from an entry that may have been older counts here: it may have been anyone's
 * rules' choice). kube-proxy picks one of the k routed endpoints per connection at random, so a pod that is
 * not seen for a while may still be routed to; what can be said is how many requests provably went
 * elsewhere. Only a run's first and last probe are certain (results of a batch are merged), so a run
 * cut by a window counts as the probes at its ends only: counts are lower bounds, which keeps the
 * statistical bounds on the safe side.
 */
export interface Segment {
  first: number;
  last: number;
  count: number;
  /** The pod that served, or `@address` of an attributed failure; undefined for a stable pod's merged probes. */
  to: string | undefined;
}

export interface RoutedRequests {
  /** Requests with a known destination, ordered by `last`. */
  byLast: Segment[];
  /** The same, ordered by `first`. */
  byFirst: Segment[];
  /** Failed requests whose destination is not known, ordered by `last`. */
  unattributed: Segment[];
  /** Whether any failure on the node carried its DNAT target (the agent reads conntrack). */
  attributesFailures: boolean;
  /** The least time between two of the node's probes (its interval, less a ms for timer rounding); 0 unknown. */
  spacing: number;
}

export function attributedTo(address: string): string {
  return `@${address}`;
}

function build(track: NodeProbeTrack): RoutedRequests {
  const known: Segment[] = [];
  const unattributed: Segment[] = [];
  let attributesFailures = false;
  for (const run of track.runs) {
    if (run.stableMerged === true || run.reusedConntrack === true) continue;
    if (run.outcome === 'served' || (run.pod !== null && run.endpoint == null)) {
      // Served, or a failure that names its pod (a 5xx the pod answered itself).
      if (run.outcome !== 'served') attributesFailures = true;
      known.push({ first: run.first, last: run.last, count: run.count, to: run.pod ?? undefined });
    } else if (run.endpoint != null && run.reusedConntrack === false) {
      attributesFailures = true;
      known.push({ first: run.first, last: run.last, count: run.count, to: attributedTo(addressOf(run.endpoint)) });
    } else {
      if (run.endpoint != null) attributesFailures = true;
      unattributed.push({ first: run.first, last: run.last, count: run.count, to: undefined });
    }
  }
  // A stable pod's runs merged during a rollout: each as sent, all served by a pod with nothing to transition.
  const sent = track.sent;
  for (let i = 0; i < sent.length; i++) known.push({ first: sent.firsts[i] ?? 0, last: sent.lasts[i] ?? 0, count: sent.counts[i] ?? 1, to: undefined });
  const byLast = [...known].sort((a, b) => a.last - b.last);
  const byFirst = known.sort((a, b) => a.first - b.first);
  unattributed.sort((a, b) => a.last - b.last);
  return { byLast, byFirst, unattributed, attributesFailures, spacing: Math.max(0, track.intervalMs - 1) };
}

/** The node's index of routed requests (built once per fold version). */
export const routedRequests = nodeIndex(build);

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

/**
 * A run's probes are one node's, and a node sends at most one probe per `spacing` ms: so its k-th of c
 * probes was sent in [first + (k−1)·spacing, last − (c−k)·spacing] (its first and last exactly at their
 * times). With no spacing known, only the two ends are placed.
 */
function spacingOf(s: Segment, spacing: number): number {
  return s.count > 1 ? Math.min(spacing, (s.last - s.first) / (s.count - 1)) : 0;
}

/** How many of a run's probes were surely sent in (from, to]. */
export function surelyAfter(s: Segment, from: number, to: number, spacing: number): number {
  const c = s.count;
  const sp = spacingOf(s, spacing);
  // Up-set of k sent after `from`: k ≥ kMin; down-set of k sent by `to`: k ≤ kMax.
  let kMin = s.first > from ? 1 : sp > 0 ? Math.floor((from - s.first) / sp) + 2 : c;
  if (s.last > from) kMin = Math.min(kMin, c);
  else return 0;
  let kMax = s.last <= to ? c : sp > 0 ? Math.floor(c - (s.last - to) / sp + 1e-9) : 0;
  if (s.first <= to) kMax = Math.max(kMax, 1);
  return Math.max(0, Math.min(kMax, c) - Math.max(kMin, 1) + 1);
}

/** How many of a run's probes were surely sent in [from, before). */
export function surelyBefore(s: Segment, from: number, before: number, spacing: number): number {
  const c = s.count;
  const sp = spacingOf(s, spacing);
  if (s.first >= before) return 0;
  let kMax = s.last < before ? c : sp > 0 ? Math.ceil(c - (s.last - before) / sp - 1e-9) - 1 : 1;
  kMax = Math.max(kMax, 1);
  let kMin = s.first >= from ? 1 : sp > 0 ? Math.ceil((from - s.first) / sp - 1e-9) + 1 : c;
  if (s.last >= from) kMin = Math.min(kMin, c);
  else return 0;
  return Math.max(0, Math.min(kMax, c) - Math.max(kMin, 1) + 1);
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

/** How far from its starting point a statistical bound looks: requests beyond it are not counted (safe side). */
const HORIZON_MS = 10 * 60_000;

/**
 * The earliest time by which at least `needed` requests sent after `from` provably went to a destination
 * other than `isTarget`'s; undefined when the node's requests never add up to that (within the horizon).
 */
export function elsewhereAfter(index: RoutedRequests, from: number, needed: number, isTarget: (to: string | undefined) => boolean): number | undefined {
  // Runs in order of their last probe, until their whole counts reach `needed` (by the last of them, that
  // many surely went elsewhere): the answer is no later, and runs ending after it can only make it earlier,
  // so leaving them out stays on the safe side and keeps the search to a handful of runs.
  const candidates: Segment[] = [];
  let latest = -Infinity;
  let whole = 0;
  for (let i = upperIndex(index.byLast, from, 'last'); i < index.byLast.length && whole < needed; i++) {
    const s = index.byLast[i] as Segment;
    // Runs end in order: past the horizon nothing more is counted (a long one reaching back in is left out).
    if (s.last > from + HORIZON_MS) break;
    if (isTarget(s.to)) continue;
    candidates.push(s);
    latest = Math.max(latest, s.last);
    whole += s.first > from ? s.count : 1;
  }
  if (!Number.isFinite(latest)) return undefined;
  // Each probe surely after `from` at the latest its run's spacing allows; the needed-th of them is the
  // first time by which `needed` surely went elsewhere (what surelyAfter counts, without searching).
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

/**
 * The latest time such that at least `needed` requests sent from then until before `before` provably went
 * elsewhere; undefined when there were not that many (within the horizon).
 */
export function elsewhereBefore(index: RoutedRequests, before: number, needed: number, isTarget: (to: string | undefined) => boolean): number | undefined {
  // Runs latest first, until their whole counts reach `needed` (as in elsewhereAfter, mirrored).
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
  // Each probe surely sent before `before` at the earliest its run's spacing allows; the needed-th latest
  // of them is the latest start from which `needed` surely went elsewhere (what surelyBefore counts).
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

/** The last failed request with no known destination sent in (after, until]. */
export function lastUnattributedFailure(index: RoutedRequests, after: number, until: number): number | undefined {
  let latest: number | undefined;
  for (let i = upperIndex(index.unattributed, after, 'last'); i < index.unattributed.length; i++) {
    const s = index.unattributed[i] as Segment;
    if (s.first > until) continue;
    const t = Math.min(s.last, until);
    if (t > after && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

/** The first failed request with no known destination sent in [from, before). */
export function firstUnattributedFailure(index: RoutedRequests, from: number, before: number): number | undefined {
  let earliest: number | undefined;
  for (const s of index.unattributed) {
    if (s.last < from || s.first >= before) continue;
    const t = Math.max(s.first, from);
    if (earliest === undefined || t < earliest) earliest = t;
  }
  return earliest;
}

/**
 * How many requests must go elsewhere before a pod that is still one of `k` routed endpoints would have
 * been hit with probability `confidence`: the smallest m with (1 − 1/k)^m ≤ 1 − confidence.
 */
export function requestsForConfidence(k: number, confidence: number): number {
  if (k <= 1) return 1;
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - 1 / k));
}
