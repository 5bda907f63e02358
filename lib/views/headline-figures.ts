import type { Bound } from '../measure/bound';
import type { RolloutReport } from '../report/report-model';
import { dataPlaneOverlapText, formatCount, formatDuration, formatEvidence, formatLag } from '../report/report-text';

export interface HeadlineFigure {
  id: 'control-overlap' | 'data-overlap' | 'worst-add-lag' | 'worst-removal-lag' | 'dropped' | 'stale' | 'singleton';
  label: string;
  /** The figure as shown, e.g. "7.40 s": the same rounding as `cutover report`. */
  text: string;
  /** The interval the truth lies in, e.g. "7.35–7.45 s"; absent when exact. */
  boundText?: string;
  /** Where it happened (node, pod), when it has a place. */
  where?: string;
  /** Exactly what `cutover report` prints for this figure, so the two can be compared. */
  reportText: string;
  /** The raw value (ms or count). */
  value: number | null;
  tone: 'ok' | 'warn' | 'bad' | 'none';
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A short human duration for labels and tooltips (the figures themselves use the report's rounding). */
export function formatMs(ms: number): string {
  if (Math.abs(ms) >= 60_000) {
    // Rounded to whole seconds first, so 119.6 s reads "2 min 0 s", never "1 min 60 s".
    const total = Math.round(Math.abs(ms) / 1000);
    return `${ms < 0 ? '-' : ''}${Math.floor(total / 60)} min ${total % 60} s`;
  }
  if (Math.abs(ms) >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

function durationFigure(b: Bound): { text: string; boundText?: string; reportText: string; value: number } {
  const out: { text: string; boundText?: string; reportText: string; value: number } = { text: s(b.value), reportText: formatDuration(b), value: b.value };
  const lo = Number.isFinite(b.lo) ? (b.lo / 1000).toFixed(2) : '?';
  // A bound that rounds to the value itself ("0.00–0.00 s") says nothing: leave it out. An end nothing
  // measured is unknown ("?"), never a number.
  if (b.lo !== b.hi && s(b.hi) !== s(b.lo)) out.boundText = `${lo}–${Number.isFinite(b.hi) ? s(b.hi) : '? s'}`;
  return out;
}

function countFigure(b: Bound): { text: string; boundText?: string; reportText: string; value: number } {
  const out: { text: string; boundText?: string; reportText: string; value: number } = { text: String(b.value), reportText: formatCount(b), value: b.value };
  if (b.lo !== b.hi) out.boundText = `${b.lo}–${b.hi}`;
  return out;
}

/** The figures at the top of a rollout, in reading order, from the same report model the CLI prints. */
export function headlineFigures(r: RolloutReport): HeadlineFigure[] {
  const m = r.measurements;
  const out: HeadlineFigure[] = [];
  const cp = m.controlPlaneOverlapMs;
  out.push({ id: 'control-overlap', label: 'Overlap (control plane)', ...durationFigure(cp), tone: cp.value > 0 ? 'warn' : 'ok' });
  const dp = m.dataPlaneOverlapMs;
  out.push(
    dp
      ? { id: 'data-overlap', label: 'Overlap (data plane)', ...durationFigure(dp), tone: dp.value > 0 ? 'warn' : 'ok' }
      : r.nodes.length > 0
        ? // Probes came in, but no node has yet served (or ever served) both revisions.
          { id: 'data-overlap', label: 'Overlap (data plane)', text: 'none seen', where: 'no node served both revisions', reportText: dataPlaneOverlapText(r), value: null, tone: 'none' }
        : { id: 'data-overlap', label: 'Overlap (data plane)', text: 'no probe data', reportText: dataPlaneOverlapText(r), value: null, tone: 'none' },
  );
  for (const [id, label, lag] of [
    ['worst-add-lag', 'Worst add lag', m.worstAddLag],
    ['worst-removal-lag', 'Worst removal lag', m.worstRemovalLag],
  ] as const) {
    out.push(
      lag
        ? { id, label, ...durationFigure(lag.lagMs), reportText: formatLag(lag), where: `${lag.node} · ${lag.pod} · ${formatEvidence(lag)}`, tone: lag.lagMs.value > 0 ? 'warn' : 'ok' }
        : { id, label, text: '—', reportText: formatLag(null), value: null, tone: 'none' },
    );
  }
  const dropped = m.droppedRequests.total;
  const worstNode = [...r.nodes].sort((a, b) => b.dropped.value - a.dropped.value)[0];
  const droppedFigure: HeadlineFigure = { id: 'dropped', label: 'Dropped requests', ...countFigure(dropped), tone: dropped.value > 0 ? 'bad' : 'ok' };
  if (worstNode && worstNode.dropped.value > 0) droppedFigure.where = `most on ${worstNode.node}`;
  out.push(droppedFigure);
  // Stale: served after SIGTERM (preStop over). Responses during a preStop sleep while the pod still
  // serves are the mitigation working, not stale; those after it left the ready endpoints say a node lagged.
  const stale = m.staleResponses.afterSigterm;
  const staleFigure: HeadlineFigure = { id: 'stale', label: 'Stale responses', ...countFigure(stale), tone: stale.value > 0 ? 'bad' : 'ok' };
  if (stale.value > 0) staleFigure.where = 'served after SIGTERM';
  // In the legend's words: served after leaving the endpoints, before SIGTERM (with a preStop, its sleep).
  else if (m.staleResponses.afterEndpointRemoval.value > 0) staleFigure.where = `${m.staleResponses.afterEndpointRemoval.value} after leaving the endpoints, before SIGTERM`;
  out.push(staleFigure);
  if (m.singletonViolation) {
    const sv = m.singletonViolation;
    out.push({ id: 'singleton', label: 'Singleton violation', ...durationFigure(sv.dataPlaneMs), where: `${s(sv.controlPlaneMs.value)} as ready endpoints`, tone: sv.dataPlaneMs.value > 0 || sv.controlPlaneMs.value > 0 ? 'bad' : 'ok' });
  }
  return out;
}
