import type { Span } from '../measure/intervals';

const STEPS_MS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/**
 * Axis ticks at round offsets from the origin (the rollout's start: "+0 s" is always one when in view),
 * about `count` of them across the view, so the labels read "+10 s, +20 s" and not "+9.70 s, +29.7 s".
 */
export function offsetTicks(view: Span, origin: number, count = 8): number[] {
  const span = view.to - view.from;
  if (!(span > 0)) return [];
  const step = STEPS_MS.find((s) => span / s <= count) ?? Math.ceil(span / count / 3_600_000) * 3_600_000;
  const out: number[] = [];
  for (let k = Math.ceil((view.from - origin) / step); origin + k * step <= view.to; k++) out.push(origin + k * step);
  return out;
}

/** An offset label for ticks at `stepMs`: seconds with only the decimals the step needs, minutes past 2 min. */
export function formatTickOffset(ms: number, origin: number, stepMs: number): string {
  const d = ms - origin;
  const sign = d < 0 ? '−' : d > 0 ? '+' : '';
  const abs = Math.abs(d);
  if (stepMs >= 60_000 || abs >= 120_000) {
    const minutes = Math.floor(abs / 60_000);
    const seconds = Math.round((abs % 60_000) / 1000);
    return `${sign}${minutes}:${String(seconds).padStart(2, '0')}`;
  }
  const decimals = stepMs >= 1000 ? 0 : stepMs >= 100 ? 1 : 2;
  return `${sign}${(abs / 1000).toFixed(decimals)} s`;
}
