import type { LagFigure, NodeFigures, RolloutReport } from '../report/report-model';
import { formatCount, formatDuration, formatEvidence } from '../report/report-text';

/** A node's worst lag of one kind in words: the report's rounding, its pod and what it stands on. */
export interface LagCell {
  /** As `cutover report` prints it, e.g. "2.61 s (2.55–2.70 s)"; an end nothing measured reads "?". */
  text: string;
  pod: string;
  /** As the report words it (formatEvidence), e.g. "from the node's rules" or "from responses alone, 99 %". */
  evidence: string;
  /** No upper end: nothing showed the node had switched by the end of the capture (unknown, not small). */
  open: boolean;
}

export interface LagChartRow {
  node: string;
  /** Worst removal lag on the node, ms, with its error bar as [below, above]. */
  removal: number | null;
  removalError: [number, number];
  add: number | null;
  addError: [number, number];
  removalLag: LagCell | null;
  addLag: LagCell | null;
  dropped: number;
  /** Of the dropped, those after the node's rules were already correct (leftover conntrack entries): not rule lag. */
  conntrackTail: number;
  /** The report's text of both counts, bounds included. */
  droppedText: string;
  conntrackTailText: string;
}

function cell(lag: LagFigure | null): LagCell | null {
  return lag ? { text: formatDuration(lag.lagMs), pod: lag.pod, evidence: formatEvidence(lag), open: !Number.isFinite(lag.lagMs.hi) } : null;
}

function errorBar(lag: LagFigure | null): [number, number] {
  return lag ? [lag.lagMs.value - lag.lagMs.lo, lag.lagMs.hi - lag.lagMs.value] : [0, 0];
}

function row(n: NodeFigures): LagChartRow {
  return {
    node: n.node,
    removal: n.worstRemovalLag?.lagMs.value ?? null,
    removalError: errorBar(n.worstRemovalLag),
    add: n.worstAddLag?.lagMs.value ?? null,
    addError: errorBar(n.worstAddLag),
    removalLag: cell(n.worstRemovalLag),
    addLag: cell(n.worstAddLag),
    dropped: n.dropped.value,
    conntrackTail: n.conntrackTail.value,
    droppedText: formatCount(n.dropped),
    conntrackTailText: formatCount(n.conntrackTail),
  };
}

/** Per node: the worst add and removal lags with their bounds, to hold against preStop and minReadySeconds. */
export function lagChartRows(r: RolloutReport): LagChartRow[] {
  return r.nodes.map(row);
}

/** A row as one line, for the chart's tooltip: each lag with its pod and evidence, the drops with their conntrack tail. */
export function lagRowTitle(r: LagChartRow): string {
  const lag = (kind: string, c: LagCell | null) => `${kind} ${c ? `${c.text} (${c.pod}; ${c.evidence})` : '—'}`;
  const drops = r.dropped > 0 ? `; ${r.droppedText} dropped${r.conntrackTail > 0 ? `, ${r.conntrackTailText} of them conntrack tail (after the node's rules were correct)` : ''}` : '';
  return `${r.node}: ${lag('removal', r.removalLag)}; ${lag('add', r.addLag)}${drops}`;
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
