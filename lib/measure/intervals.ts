import type { Interval } from '../fold/fold-types';

/** A closed span; open intervals are closed at `end` (usually "now" or the window end). */
export interface Span {
  from: number;
  to: number;
}

export function closeAt(intervals: readonly Interval[], end: number): Span[] {
  return intervals.map((i) => ({ from: i.from, to: i.to ?? Math.max(end, i.from) }));
}

export function clip(spans: readonly Span[], from: number, to: number): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const a = Math.max(s.from, from);
    const b = Math.min(s.to, to);
    if (b > a) out.push({ from: a, to: b });
  }
  return out;
}

/** Sorted, non-overlapping union. */
export function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ from: s.from, to: s.to });
  }
  return out;
}

/** Intersection of two unions (each sorted and disjoint). */
export function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (!x || !y) break;
    const from = Math.max(x.from, y.from);
    const to = Math.min(x.to, y.to);
    if (to > from) out.push({ from, to });
    if (x.to < y.to) i++;
    else j++;
  }
  return out;
}

/** Where at least `k` of the given per-item unions are covering at once. */
export function coveredByAtLeast(groups: readonly (readonly Span[])[], k: number): Span[] {
  const edges: [number, number][] = [];
  for (const g of groups) for (const s of union(g)) edges.push([s.from, 1], [s.to, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Span[] = [];
  let depth = 0;
  let openedAt = 0;
  for (const [t, d] of edges) {
    const before = depth;
    depth += d;
    if (before < k && depth >= k) openedAt = t;
    else if (before >= k && depth < k && t > openedAt) out.push({ from: openedAt, to: t });
  }
  return union(out);
}

/** The parts of [from, to] not covered by `spans`. */
export function complement(spans: readonly Span[], from: number, to: number): Span[] {
  const out: Span[] = [];
  let cursor = from;
  for (const s of union(clip(spans, from, to))) {
    if (s.from > cursor) out.push({ from: cursor, to: s.from });
    cursor = Math.max(cursor, s.to);
  }
  if (to > cursor) out.push({ from: cursor, to });
  return out;
}

export function totalLength(spans: readonly Span[]): number {
  return spans.reduce((sum, s) => sum + (s.to - s.from), 0);
}

export function overlapLength(spans: readonly Span[], from: number, to: number): number {
  return totalLength(clip(spans, from, to));
}
