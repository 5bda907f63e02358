import type { FoldState, NodeProbeTrack } from '../fold/fold-types';

/**
 * Send times of each node's probes around a given one: where "first not seen" (removal) and "last not
 * seen" (add) are read from the probes the node really sent, not from an assumed interval, so a probe
 * that fired late or a gap in probing widens the bracket honestly instead of skewing it. Where runs
 * overlap the time asked about (steady-state runs merged across other pods' runs), the probes inside
 * them have no exact times: the answer is then undefined and callers assume one interval.
 */
interface NodeProbeTimes {
  /** Every run's first probe, ascending. */
  starts: Float64Array;
  /** Largest last probe of the runs up to each index (in `starts` order). */
  maxEnds: Float64Array;
}

const cache = new WeakMap<FoldState, { version: number; nodes: Map<string, NodeProbeTimes> }>();

function build(track: NodeProbeTrack): NodeProbeTimes {
  const runs = track.runs;
  let order: number[] | undefined;
  for (let i = 1; i < runs.length; i++) {
    // Runs are appended in send order; only runs merged in steady state can start before an earlier one.
    if ((runs[i]?.first ?? 0) < (runs[i - 1]?.first ?? 0)) {
      order = runs.map((_, j) => j).sort((a, b) => (runs[a]?.first ?? 0) - (runs[b]?.first ?? 0));
      break;
    }
  }
  const starts = new Float64Array(runs.length);
  const maxEnds = new Float64Array(runs.length);
  let maxEnd = -Infinity;
  for (let i = 0; i < runs.length; i++) {
    const run = runs[order ? (order[i] ?? i) : i];
    starts[i] = run?.first ?? 0;
    maxEnd = Math.max(maxEnd, run?.last ?? -Infinity);
    maxEnds[i] = maxEnd;
  }
  return { starts, maxEnds };
}

function timesOf(state: FoldState, node: string): NodeProbeTimes | undefined {
  let entry = cache.get(state);
  if (!entry || entry.version !== state.version) cache.set(state, (entry = { version: state.version, nodes: new Map() }));
  let times = entry.nodes.get(node);
  if (!times) {
    const track = state.nodes.get(node);
    if (!track) return undefined;
    times = build(track);
    entry.nodes.set(node, times);
  }
  return times;
}

/** Number of starts before `t` (or at it, when `inclusive`). */
function countStarts(starts: Float64Array, t: number, inclusive: boolean): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = starts[mid] ?? 0;
    if (s < t || (inclusive && s === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first probe the node sent after its probe at `t`, when the runs tell it exactly. */
export function nextProbeAfter(state: FoldState, node: string, t: number): number | undefined {
  const times = timesOf(state, node);
  if (!times) return undefined;
  const n = countStarts(times.starts, t, true);
  if (n > 0 && (times.maxEnds[n - 1] ?? -Infinity) > t) return undefined; // a run goes on past t
  return times.starts[n];
}

/** The last probe the node sent before its probe at `t`, when the runs tell it exactly. */
export function previousProbeBefore(state: FoldState, node: string, t: number): number | undefined {
  const times = timesOf(state, node);
  if (!times) return undefined;
  const n = countStarts(times.starts, t, false);
  if (n === 0) return undefined;
  const end = times.maxEnds[n - 1] ?? -Infinity;
  return end < t ? end : undefined; // else a run started before t and goes on past it
}
