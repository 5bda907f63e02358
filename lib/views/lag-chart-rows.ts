import type { RolloutReport } from '../report/report-model';

export interface LagChartRow {
  node: string;
  /** Worst removal lag on the node, ms, with its error bar as [below, above]. */
  removal: number | null;
  removalError: [number, number];
  add: number | null;
  addError: [number, number];
  dropped: number;
}

/** Per node: the worst add and removal lags with their bounds, to hold against preStop and minReadySeconds. */
export function lagChartRows(r: RolloutReport): LagChartRow[] {
  return r.nodes.map((n) => ({
    node: n.node,
    removal: n.worstRemovalLag?.lagMs.value ?? null,
    removalError: n.worstRemovalLag ? [n.worstRemovalLag.lagMs.value - n.worstRemovalLag.lagMs.lo, n.worstRemovalLag.lagMs.hi - n.worstRemovalLag.lagMs.value] : [0, 0],
    add: n.worstAddLag?.lagMs.value ?? null,
    addError: n.worstAddLag ? [n.worstAddLag.lagMs.value - n.worstAddLag.lagMs.lo, n.worstAddLag.lagMs.hi - n.worstAddLag.lagMs.value] : [0, 0],
    dropped: n.dropped.value,
  }));
}

/**
 * The upper bound of a row's worst lag (either kind): what decides which nodes a crowded chart keeps and how
 * long its axis is. A bound with no upper end (nothing showed the node had switched) counts by its value:
 * the chart draws that end open, to the axis' end.
 */
function rowHi(r: LagChartRow): number {
  const hi = (value: number | null, above: number) => (value === null ? 0 : Number.isFinite(above) ? value + above : value);
  return Math.max(hi(r.removal, r.removalError[1]), hi(r.add, r.addError[1]));
}

/**
 * The rows a chart of at most `limit` rows shows: all of them when they fit, else the nodes with the largest
 * lags (by upper bound), kept in node order so a node is found where it is expected.
 */
export function lagChartShown(rows: readonly LagChartRow[], limit: number): LagChartRow[] {
  if (rows.length <= limit) return [...rows];
  const keep = new Set([...rows].sort((a, b) => rowHi(b) - rowHi(a) || (a.node < b.node ? -1 : 1)).slice(0, limit));
  return rows.filter((r) => keep.has(r));
}

export interface LagAxis {
  /** The axis end: the largest value shown (lags with their bounds, the reference lines) rounded up to a tick. */
  max: number;
  step: number;
  ticks: number[];
}

const NICE = [1, 2, 2.5, 5];

/** A 0-based axis just long enough for `maxMs`, ticks at a round step (at most `maxTicks` intervals). */
export function lagAxis(maxMs: number, maxTicks = 10): LagAxis {
  // Never an endless search for a step: an axis with nothing finite to show is a second long.
  const top = Number.isFinite(maxMs) && maxMs > 0 ? maxMs : 1000;
  let step = 1;
  for (let p = Math.floor(Math.log10(top / maxTicks)) - 1; ; p++) {
    const found = NICE.map((n) => n * 10 ** p).find((s) => Math.ceil(top / s - 1e-9) <= maxTicks);
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const max = Math.ceil(top / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0; k * step <= max + 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { max, step, ticks };
}

/** The largest value a lag chart must show: every lag's upper bound and the settings it is held against. */
export function lagChartMax(rows: readonly LagChartRow[], ...references: number[]): number {
  return Math.max(0, ...references, ...rows.map(rowHi));
}

/** An axis label: ms below a second, else seconds with the decimals the step needs. */
export function formatAxisMs(ms: number, step: number, max: number): string {
  if (max < 1000) return `${Math.round(ms)} ms`;
  const decimals = step >= 1000 ? 0 : step >= 100 ? 1 : 2;
  return `${(ms / 1000).toFixed(decimals)} s`;
}
