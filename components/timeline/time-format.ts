/** Wall-clock time with milliseconds (local zone, 24 h): the exact time in tooltips and the log. */
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

export function formatClock(ms: number): string {
  return clock.format(ms);
}

/** Offset from an origin as "+12.34 s" (or "−0.50 s"): the axis reads as time since the rollout started. */
export function formatOffset(ms: number, origin: number): string {
  const d = (ms - origin) / 1000;
  const sign = d < 0 ? '−' : '+';
  const abs = Math.abs(d);
  if (abs >= 120) return `${sign}${Math.floor(abs / 60)}:${(abs % 60).toFixed(0).padStart(2, '0')}`;
  return `${sign}${abs.toFixed(abs >= 10 ? 1 : 2)} s`;
}

/** Linear map of a time onto the x pixels of a plot area (clamped, so off-window spans stay in the lane). */
export function xOf(t: number, view: { from: number; to: number }, plot: { x: number; width: number }): number {
  const span = view.to - view.from;
  const x = plot.x + ((t - view.from) / (span > 0 ? span : 1)) * plot.width;
  return Math.min(plot.x + plot.width, Math.max(plot.x, x));
}

export function timeOf(x: number, view: { from: number; to: number }, plot: { x: number; width: number }): number {
  return view.from + ((x - plot.x) / (plot.width > 0 ? plot.width : 1)) * (view.to - view.from);
}
