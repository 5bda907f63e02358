import type { NodeProbeTrack } from '../fold/fold-types';
import { nodeIndex } from './node-index';
import { addressOf } from './node-rules';
import { orderRuns, probeSpacing, type RunColumns, type RunOrder } from './run-order';

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
  byLast: RunOrder;
  /** The same, ordered by `first`. */
  byFirst: RunOrder;
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
  // Then a stable pod's runs merged during a rollout: each as sent, all served by a pod with nothing to
  // transition (most of a rollout's runs: columns as they are, no object each).
  const sent = track.sent;
  const columns = runColumns(known, sent.length);
  columns.firsts.set(sent.firsts.subarray(0, sent.length), known.length);
  columns.lasts.set(sent.lasts.subarray(0, sent.length), known.length);
  columns.counts.set(sent.counts.subarray(0, sent.length), known.length);
  return indexRoutedRequests(columns, unattributed, attributesFailures, Math.max(0, track.intervalMs - 1));
}

/** Runs as columns, with room for `more` after them (their destination left undefined). */
export function runColumns(runs: readonly Segment[], more = 0): RunColumns {
  const n = runs.length + more;
  const firsts = new Float64Array(n);
  const lasts = new Float64Array(n);
  const counts = new Float64Array(n);
  const to: Array<string | undefined> = [];
  for (let i = 0; i < runs.length; i++) {
    const s = runs[i] as Segment;
    firsts[i] = s.first;
    lasts[i] = s.last;
    counts[i] = s.count;
    to.push(s.to);
  }
  for (let i = runs.length; i < n; i++) to.push(undefined);
  return { firsts, lasts, counts, to };
}

/** The index of a node's requests: known destinations in both orders, unattributed failures by `last`. */
export function indexRoutedRequests(known: RunColumns, unattributed: readonly Segment[], attributesFailures: boolean, spacing: number): RoutedRequests {
  return { byLast: orderRuns(known, 'last'), byFirst: orderRuns(known, 'first'), unattributed: [...unattributed].sort((a, b) => a.last - b.last), attributesFailures, spacing };
}

/** The node's index of routed requests (built once per fold version). */
export const routedRequests = nodeIndex(build);

/** A run's probe spacing (run-order.ts, probeSpacing). */
export function spacingOf(s: Segment, spacing: number): number {
  return probeSpacing(s.first, s.last, s.count, spacing);
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

/** First index of a list ordered by `last` whose last probe is after t. */
function firstEndingAfter(list: readonly Segment[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Segment).last <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last failed request with no known destination sent in (after, until]. */
export function lastUnattributedFailure(index: RoutedRequests, after: number, until: number): number | undefined {
  let latest: number | undefined;
  for (let i = firstEndingAfter(index.unattributed, after); i < index.unattributed.length; i++) {
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
