import type { LagFigure, RolloutReport } from './report-model';

/**
 * A rollout's single worst lag, add or removal: the larger of the report's worst add and worst removal
 * lag (removal on a tie: it is the one that drops requests). What `--fail-on lag` and the history read.
 */
export function worstRolloutLag(r: RolloutReport): { direction: 'add' | 'removal'; lag: LagFigure } | null {
  const add = r.measurements.worstAddLag;
  const removal = r.measurements.worstRemovalLag;
  if (!add && !removal) return null;
  if (!add || (removal && removal.lagMs.value >= add.lagMs.value)) return removal ? { direction: 'removal', lag: removal } : null;
  return { direction: 'add', lag: add };
}

/** The rollout's overlap: the data plane's when probes measured it, else the control plane's. */
export function rolloutOverlap(r: RolloutReport): { plane: 'data' | 'control'; ms: number } {
  const data = r.measurements.dataPlaneOverlapMs;
  return data ? { plane: 'data', ms: data.value } : { plane: 'control', ms: r.measurements.controlPlaneOverlapMs.value };
}
