/**
 * A node's runs with a known destination in one order (by first or by last probe), with what lets the
 * statistical searches jump instead of walking run by run: prefix sums of the probe counts, the same per
 * destination (so the probes of a span of runs that went elsewhere than a pod are a difference of sums),
 * and the stretches in which runs follow one another. Columns rather than objects: a node-hour holds
 * thousands of runs, and each is read a few times per index. Built once per node and fold version.
 */
export interface RunColumns {
  firsts: Float64Array;
  lasts: Float64Array;
  counts: Float64Array;
  /** The pod that served, or `@address` of an attributed failure; undefined for a stable pod's merged probes. */
  to: ReadonlyArray<string | undefined>;
}

export interface RunOrder extends RunColumns {
  /** Each run's first or last probe (the order's key). */
  keys: Float64Array;
  /** Whether the runs really are in order of the key (they are unless a time is not a number). */
  sorted: boolean;
  /** sums[i]: the probes of the plain runs (below) among runs [0, i). */
  sums: Float64Array;
  /**
   * Stretches: the longest spans of plain runs each starting no earlier than the one before it ended. In
   * one, the probes' times come in run order (each lies within its run). stretchStart[i] is where the
   * stretch holding run i starts; stretchEnd[i] is one past where it ends.
   */
  stretchStart: Int32Array;
  stretchEnd: Int32Array;
  /** Where each destination's runs are (ascending positions) and the prefix sums of their counts. */
  byDestination: Map<string, DestinationRuns>;
}

/** Plain arrays: a node has a few hundred destinations, and typed arrays cost more to allocate than to read. */
export interface DestinationRuns {
  at: number[];
  /** counts[j]: the probes of the plain runs among those at at[0, j). */
  counts: number[];
}

/** A run the searches can reason about: finite ends in order and a whole, positive count. */
export function isPlainRun(first: number, last: number, count: number): boolean {
  return Number.isFinite(first) && Number.isFinite(last) && first <= last && Number.isInteger(count) && count >= 1;
}

/** The runs ordered by `key`, ties in the order given (the stable sort the searches were defined on). */
export function orderRuns(columns: RunColumns, key: 'first' | 'last'): RunOrder {
  const source = key === 'first' ? columns.firsts : columns.lasts;
  const n = source.length;
  const order = stableOrder(source);
  const firsts = new Float64Array(n);
  const lasts = new Float64Array(n);
  const counts = new Float64Array(n);
  const to: Array<string | undefined> = [];
  for (let i = 0; i < n; i++) {
    const j = order[i] as number;
    firsts[i] = columns.firsts[j] as number;
    lasts[i] = columns.lasts[j] as number;
    counts[i] = columns.counts[j] as number;
    to.push(columns.to[j]);
  }
  const keys = key === 'first' ? firsts : lasts;
  const sums = new Float64Array(n + 1);
  const stretchStart = new Int32Array(n);
  const stretchEnd = new Int32Array(n);
  const positions = new Map<string, number[]>();
  let sorted = true;
  let prevPlain = false;
  for (let i = 0; i < n; i++) {
    const first = firsts[i] as number;
    const count = counts[i] as number;
    const plain = isPlainRun(first, lasts[i] as number, count);
    sums[i + 1] = (sums[i] as number) + (plain ? count : 0);
    stretchStart[i] = plain && prevPlain && (lasts[i - 1] as number) <= first ? (stretchStart[i - 1] as number) : i;
    if (i > 0 && !((keys[i - 1] as number) <= (keys[i] as number))) sorted = false;
    prevPlain = plain;
    const d = to[i];
    if (d !== undefined) {
      const list = positions.get(d);
      if (list) list.push(i);
      else positions.set(d, [i]);
    }
  }
  for (let i = n - 1; i >= 0; i--) stretchEnd[i] = i + 1 < n && stretchStart[i + 1] !== i + 1 ? (stretchEnd[i + 1] as number) : i + 1;
  const byDestination = new Map<string, DestinationRuns>();
  for (const [d, at] of positions) {
    const destinationSums = [0];
    let sum = 0;
    for (const i of at) destinationSums.push((sum += isPlainRun(firsts[i] as number, lasts[i] as number, counts[i] as number) ? (counts[i] as number) : 0));
    byDestination.set(d, { at, counts: destinationSums });
  }
  return { firsts, lasts, counts, to, keys, sorted, sums, stretchStart, stretchEnd, byDestination };
}

/** Destinations of a pod in a node's runs (a few, no repeats): its name, and `@address` for failures sent to its addresses. */
export type Targets = readonly string[];

export function isTarget(targets: Targets, order: RunOrder, i: number): boolean {
  const to = order.to[i];
  return to !== undefined && targets.includes(to);
}

/**
 * A run's probes are one node's, and a node sends at most one probe per `spacing` ms: so its k-th of c
 * probes was sent in [first + (k−1)·spacing, last − (c−k)·spacing] (its first and last exactly at their
 * times). With no spacing known, only the two ends are placed.
 */
export function probeSpacing(first: number, last: number, count: number, spacing: number): number {
  return count > 1 ? Math.min(spacing, (last - first) / (count - 1)) : 0;
}

/** Run i's probe spacing. */
export function spacingAt(order: RunOrder, i: number, spacing: number): number {
  return probeSpacing(order.firsts[i] as number, order.lasts[i] as number, order.counts[i] as number, spacing);
}

/** The k-th of run i's probes (1-based) at the latest its spacing `sp` allows. */
export function latestAt(order: RunOrder, i: number, k: number, sp: number): number {
  return k === 1 ? (order.firsts[i] as number) : (order.lasts[i] as number) - ((order.counts[i] as number) - k) * sp;
}

/** The k-th of run i's probes (1-based) at the earliest its spacing `sp` allows. */
export function earliestAt(order: RunOrder, i: number, k: number, sp: number): number {
  return k === order.counts[i] ? (order.lasts[i] as number) : (order.firsts[i] as number) + (k - 1) * sp;
}

/**
 * Positions 0 … n−1 ordered by key, ties in position order: what Array.prototype.sort with `(a, b) => a − b`
 * makes of them (a stable sort), by merging with the keys in a typed array instead of calling a comparator
 * (most of building an index otherwise). Only when a key is not a number is the built-in sort used, since
 * such a comparator is inconsistent and the order is then whatever that sort makes of it.
 */
export function stableOrder(keys: Float64Array): Int32Array {
  const n = keys.length;
  let from = new Int32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(keys[i])) return Int32Array.from([...from].sort((a, b) => (keys[a] as number) - (keys[b] as number)));
  }
  let to = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      if (mid >= hi || (keys[from[mid - 1] as number] as number) <= (keys[from[mid] as number] as number)) {
        // Already in order (runs mostly come in order): the two halves as they are.
        for (let m = lo; m < hi; m++) to[m] = from[m] as number;
        continue;
      }
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) to[k++] = (keys[from[j] as number] as number) < (keys[from[i] as number] as number) ? (from[j++] as number) : (from[i++] as number);
      while (i < mid) to[k++] = from[i++] as number;
      while (j < hi) to[k++] = from[j++] as number;
    }
    const t = from;
    from = to;
    to = t;
  }
  return from;
}

/** First index whose key is > t (keys ascending). */
export function upperIndex(keys: Float64Array, t: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is ≥ t (keys ascending). */
export function lowerIndex(keys: Float64Array, t: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of positions in `at` below `i`. */
function below(at: readonly number[], i: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((at[mid] as number) < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether a destination has runs at positions [lo, hi). */
export function hasRunIn(d: DestinationRuns, lo: number, hi: number): boolean {
  return below(d.at, hi) > below(d.at, lo);
}

/** The probes of the plain runs at positions [a, b) that went to none of `targets`' destinations. */
export function elsewhereCount(order: RunOrder, targets: readonly DestinationRuns[], a: number, b: number): number {
  let n = (order.sums[b] as number) - (order.sums[a] as number);
  for (const t of targets) n -= (t.counts[below(t.at, b)] as number) - (t.counts[below(t.at, a)] as number);
  return n;
}

/** The smallest b in (a, limit] with elsewhereCount(a, b) ≥ goal; limit + 1 when there is none. */
export function reachForward(order: RunOrder, targets: readonly DestinationRuns[], a: number, limit: number, goal: number): number {
  let lo = a + 1;
  let hi = limit + 1;
  if (targets.length === 0) {
    // The plain sums alone: the first prefix reaching sums[a] + goal.
    const { sums } = order;
    const reach = (sums[a] as number) + goal;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sums[mid] as number) >= reach) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (elsewhereCount(order, targets, a, mid) >= goal) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The largest a in [limit, b) with elsewhereCount(a, b) ≥ goal; limit − 1 when there is none. */
export function reachBackward(order: RunOrder, targets: readonly DestinationRuns[], b: number, limit: number, goal: number): number {
  let lo = limit - 1;
  let hi = b - 1;
  // The answer stays in [lo, hi], limit − 1 standing for none.
  if (targets.length === 0) {
    const { sums } = order;
    const reach = (sums[b] as number) - goal;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((sums[mid] as number) <= reach) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (elsewhereCount(order, targets, mid, b) >= goal) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
