import type { FoldState, NodeProbeTrack } from '../fold/fold-types';
import { nodeIndex } from './node-index';

/**
 * Send times of each node's probes around a given one: where "first not seen" (removal) and "last not
 * seen" (add) are read from the probes the node really sent, not from an assumed interval, so a probe
 * that fired late or a gap in probing widens the bracket honestly instead of skewing it. They are read
 * from the runs as stored, and for runs merged while a rollout went on, from the runs as sent. Where a
 * run covers the time asked about (merged in steady state, or sent as one), the probes inside it have no
 * exact times: the answer is then undefined and callers assume one interval.
 */
interface NodeProbeTimes {
  /** Every run's first probe as sent, ascending. */
  starts: Float64Array;
  /** Largest last probe of the runs up to each index (in `starts` order). */
  maxEnds: Float64Array;
}

/** Both in arrival order: the runs not stable-merged (as stored) and the runs as sent that were. */
function sentRuns(track: NodeProbeTrack): { firsts: Float64Array; lasts: Float64Array } {
  const { sent, runs } = track;
  let kept = 0;
  for (const run of runs) if (run.stableMerged !== true) kept++;
  const firsts = new Float64Array(kept + sent.length);
  const lasts = new Float64Array(kept + sent.length);
  let n = 0;
  for (const run of runs) {
    if (run.stableMerged === true) continue;
    firsts[n] = run.first;
    lasts[n++] = run.last;
  }
  firsts.set(sent.firsts.subarray(0, sent.length), n);
  lasts.set(sent.lasts.subarray(0, sent.length), n);
  return { firsts, lasts };
}

function build(track: NodeProbeTrack): NodeProbeTimes {
  const { firsts, lasts } = sentRuns(track);
  const length = firsts.length;
  let order: Uint32Array | undefined;
  for (let i = 1; i < length; i++) {
    // Each part is in send order but they interleave (and steady-state merges start before earlier runs).
    if ((firsts[i] ?? 0) < (firsts[i - 1] ?? 0)) {
      order = new Uint32Array(length);
      for (let j = 0; j < length; j++) order[j] = j;
      order.sort((a, b) => (firsts[a] ?? 0) - (firsts[b] ?? 0));
      break;
    }
  }
  const starts = new Float64Array(length);
  const maxEnds = new Float64Array(length);
  let maxEnd = -Infinity;
  for (let i = 0; i < length; i++) {
    const j = order ? (order[i] ?? i) : i;
    starts[i] = firsts[j] ?? 0;
    maxEnd = Math.max(maxEnd, lasts[j] ?? -Infinity);
    maxEnds[i] = maxEnd;
  }
  return { starts, maxEnds };
}

const timesOf = nodeIndex(build);

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
