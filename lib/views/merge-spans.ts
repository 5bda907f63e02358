import { union, type Span } from '../measure/intervals';

/**
 * Union of spans, also joining those separated by at most `gapMs`: sorted by start, a span joins the one
 * before when its start minus the latest end so far is at most `gapMs`.
 */
export function mergeSpans(spans: readonly Span[], gapMs: number): Span[] {
  const froms = new Float64Array(spans.length);
  const tos = new Float64Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    froms[i] = s?.from ?? 0;
    tos[i] = s?.to ?? 0;
  }
  return mergeSpanEdges(froms, tos, gapMs);
}

/**
 * mergeSpans over spans given as their starts and ends (same length, each end ≥ its start), without
 * sorting objects: starts and ends are sorted apart (native numeric sorts). A span among the first k by
 * start ends within `gapMs` of the k-th start exactly when fewer than k ends lie more than `gapMs` before
 * it (those spans all start earlier), and a merged span ends at the largest end so far: the k-th smallest.
 * Sorts the arrays in place.
 */
export function mergeSpanEdges(froms: Float64Array, tos: Float64Array, gapMs: number): Span[] {
  const n = froms.length;
  if (n === 0) return [];
  if (!(gapMs >= 0)) return mergeSpansBySorting(Array.from(froms, (from, i) => ({ from, to: tos[i] ?? from })), gapMs);
  froms.sort();
  tos.sort();
  const out: Span[] = [];
  let from = froms[0] ?? 0;
  let early = 0;
  for (let k = 1; k < n; k++) {
    const s = froms[k] ?? 0;
    while (early < k && s - (tos[early] ?? 0) > gapMs) early++;
    if (early === k) {
      out.push({ from, to: tos[k - 1] ?? 0 });
      from = s;
    }
  }
  out.push({ from, to: tos[n - 1] ?? 0 });
  return out;
}

/** The same by sorting span objects: the definition, and the path for a negative gap. */
export function mergeSpansBySorting(spans: readonly Span[], gapMs: number): Span[] {
  const sorted = union(spans);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from - last.to <= gapMs) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}
