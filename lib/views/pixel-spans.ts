import type { Span } from '../measure/intervals';

/**
 * What is worth drawing of sorted spans in a view `widthPx` pixels wide: only those inside the view, and
 * neighbours closer than `minGapPx` pixels joined into one rectangle (a gap that small cannot be seen).
 * However many runs a node-hour holds, the result has at most about widthPx / minGapPx spans, so the SVG
 * stays small; zooming in (a narrower view) brings the detail back. `count` sums when present.
 */
export function pixelSpans<T extends Span & { count?: number }>(spans: readonly T[], view: Span, widthPx: number, minGapPx = 2): (Span & { count: number })[] {
  const out: (Span & { count: number })[] = [];
  if (widthPx <= 0 || view.to <= view.from) return out;
  const gapMs = (minGapPx * (view.to - view.from)) / widthPx;
  for (const s of spans) {
    if (s.to < view.from || s.from > view.to) continue;
    const last = out[out.length - 1];
    if (last && s.from - last.to <= gapMs) {
      last.to = Math.max(last.to, s.to);
      last.count += s.count ?? 1;
    } else out.push({ from: s.from, to: s.to, count: s.count ?? 1 });
  }
  return out;
}
