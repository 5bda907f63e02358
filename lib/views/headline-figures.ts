import type { Bound } from '../measure/bound';
import type { RolloutMeasurements } from '../measure/measure-rollout';

export interface HeadlineFigure {
  id: 'control-overlap' | 'data-overlap' | 'worst-add-lag' | 'worst-removal-lag' | 'dropped' | 'stale' | 'singleton';
  label: string;
  /** The figure as shown, e.g. "7.4 s". */
  text: string;
  /** The interval the truth lies in, e.g. "6.9–7.5 s"; absent when exact. */
  boundText?: string;
  /** Where it happened (node, pod), when it has a place. */
  where?: string;
  /** The raw value (ms or count), for exports and for tests that compare with `cutover report`. */
  value: number | null;
  tone: 'ok' | 'warn' | 'bad' | 'none';
}

export function formatMs(ms: number): string {
  if (Math.abs(ms) >= 60_000) return `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(0)} s`;
  if (Math.abs(ms) >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

function msBound(b: Bound): string | undefined {
  if (b.lo === b.value && b.hi === b.value) return undefined;
  return `${formatMs(b.lo)} – ${formatMs(b.hi)}`;
}

function countBound(b: Bound): string | undefined {
  if (b.lo === b.value && b.hi === b.value) return undefined;
  return `${b.lo}–${b.hi}`;
}

/** The figures at the top of a rollout, in reading order; each with its bound, never rounded away. */
export function headlineFigures(m: RolloutMeasurements): HeadlineFigure[] {
  const out: HeadlineFigure[] = [];
  const cp = m.controlPlaneOverlap.total;
  out.push({ id: 'control-overlap', label: 'Overlap (control plane)', text: formatMs(cp.value), value: cp.value, tone: cp.value > 0 ? 'warn' : 'ok', ...opt('boundText', msBound(cp)) });
  const dp = m.dataPlaneOverlap.cluster.overlap;
  out.push(
    dp
      ? { id: 'data-overlap', label: 'Overlap (data plane)', text: formatMs(dp.value), value: dp.value, tone: dp.value > 0 ? 'warn' : 'ok', ...opt('boundText', msBound(dp)) }
      : { id: 'data-overlap', label: 'Overlap (data plane)', text: 'no probes', value: null, tone: 'none' },
  );
  const worstAdd = [...m.addLagByNode].sort((a, b) => b.lag.hi - a.lag.hi)[0];
  out.push(
    worstAdd
      ? { id: 'worst-add-lag', label: 'Worst add lag', text: formatMs(worstAdd.lag.value), value: worstAdd.lag.value, where: `${worstAdd.node} · ${worstAdd.pod}`, tone: 'warn', ...opt('boundText', msBound(worstAdd.lag)) }
      : { id: 'worst-add-lag', label: 'Worst add lag', text: '—', value: null, tone: 'none' },
  );
  const worstRemoval = [...m.removalLagByNode].sort((a, b) => b.lag.hi - a.lag.hi)[0];
  out.push(
    worstRemoval
      ? { id: 'worst-removal-lag', label: 'Worst removal lag', text: formatMs(worstRemoval.lag.value), value: worstRemoval.lag.value, where: `${worstRemoval.node} · ${worstRemoval.pod}`, tone: 'warn', ...opt('boundText', msBound(worstRemoval.lag)) }
      : { id: 'worst-removal-lag', label: 'Worst removal lag', text: '—', value: null, tone: 'none' },
  );
  const dropped = m.dropped.total;
  const worstNode = [...m.dropped.byNode].sort((a, b) => b.count.value - a.count.value)[0];
  out.push({ id: 'dropped', label: 'Dropped requests', text: String(dropped.value), value: dropped.value, tone: dropped.value > 0 ? 'bad' : 'ok', ...opt('boundText', countBound(dropped)), ...opt('where', worstNode && worstNode.count.value > 0 ? `most on ${worstNode.node}` : undefined) });
  const stale = m.stale.afterDeletion;
  out.push({ id: 'stale', label: 'Stale responses', text: String(stale.value), value: stale.value, tone: stale.value > 0 ? 'warn' : 'ok', ...opt('boundText', countBound(stale)), ...opt('where', stale.value > 0 ? 'served after deletion' : undefined) });
  if (m.singleton) {
    const s = m.singleton.dataPlane;
    out.push({ id: 'singleton', label: 'Singleton violation', text: formatMs(s.value), value: s.value, tone: s.value > 0 || m.singleton.controlPlane.value > 0 ? 'bad' : 'ok', where: `${formatMs(m.singleton.controlPlane.value)} as ready endpoints`, ...opt('boundText', msBound(s)) });
  }
  return out;
}

/** `{ key: value }` when the value is defined, `{}` otherwise (exactOptionalPropertyTypes-friendly spreads). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
