/** A measured quantity with the interval the truth is known to lie in (same unit as `value`). */
export interface Bound {
  value: number;
  lo: number;
  hi: number;
}

export function bound(value: number, lo: number, hi: number): Bound {
  return { value, lo: Math.min(lo, value), hi: Math.max(hi, value) };
}

export function exact(value: number): Bound {
  return { value, lo: value, hi: value };
}

export function addBounds(a: Bound, b: Bound): Bound {
  return { value: a.value + b.value, lo: a.lo + b.lo, hi: a.hi + b.hi };
}

/** How many of a run's probes fell in [from, to], assuming they were spread evenly over the run. */
export function countInWindow(run: { first: number; last: number; count: number }, from: number, to: number): Bound {
  if (run.last < from || run.first > to) return exact(0);
  if (run.first >= from && run.last <= to) return exact(run.count);
  // Straddles an edge: the probes at first and last are known exactly; a run's probes come one interval
  // apart, so the rest sit evenly between them, `step` apart.
  const span = run.last - run.first;
  const step = run.count > 1 ? span / (run.count - 1) : 0;
  const firstIn = run.first >= from ? 0 : Math.ceil((from - run.first) / step - 1e-9);
  const lastIn = run.last <= to ? run.count - 1 : Math.floor((to - run.first) / step + 1e-9);
  const est = step > 0 ? Math.max(0, lastIn - firstIn + 1) : run.count;
  const lo = (run.first >= from ? 1 : 0) + (run.last <= to ? 1 : 0);
  const hi = run.count - (run.first < from ? 1 : 0) - (run.last > to ? 1 : 0);
  return bound(Math.min(Math.max(est, lo), hi), Math.min(lo, hi), Math.max(hi, 0));
}
