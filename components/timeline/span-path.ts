import type { Span } from '../../lib/measure/intervals';
import { pixelSpans } from '../../lib/views/pixel-spans';
import { xOf } from './time-format';

export interface PlotBox {
  x: number;
  width: number;
}

/**
 * Spans drawn as ONE path of rectangles at pixel resolution: a node-hour of runs costs one SVG element per
 * track, not one per run (and never one per probe).
 */
export function spansPath(spans: readonly (Span & { count?: number })[], view: Span, plot: PlotBox, y: number, h: number, minWidthPx = 1.5, padPx = 0): string {
  let d = '';
  for (const s of pixelSpans(spans, view, plot.width)) {
    const x1 = xOf(s.from, view, plot) - padPx;
    const w = Math.max(minWidthPx, xOf(s.to, view, plot) - x1 + padPx);
    d += `M${x1.toFixed(1)} ${y.toFixed(1)}h${w.toFixed(1)}v${h.toFixed(1)}h${(-w).toFixed(1)}z`;
  }
  return d;
}
