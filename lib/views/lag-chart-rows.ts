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
