/**
 * The first and last probe, and the number of probes, of every run a node's agent sent that was later
 * merged, in arrival order, as growable columns: merging runs loses where the probes inside them were, and
 * lag brackets and the statistical bounds (how many requests went elsewhere in a window) are read from
 * exactly that. Numbers in typed arrays rather than objects: a node-hour of probes is a few tens of kilobytes.
 */
export interface ProbeSendTimes {
  firsts: Float64Array;
  lasts: Float64Array;
  counts: Float64Array;
  length: number;
}

export function createProbeSendTimes(capacity = 64): ProbeSendTimes {
  return { firsts: new Float64Array(capacity), lasts: new Float64Array(capacity), counts: new Float64Array(capacity), length: 0 };
}

function grown(column: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(column);
  return next;
}

export function addProbeSendTimes(times: ProbeSendTimes, first: number, last: number, count: number): void {
  if (times.length === times.firsts.length) {
    const capacity = Math.max(64, times.length * 2);
    times.firsts = grown(times.firsts, capacity);
    times.lasts = grown(times.lasts, capacity);
    times.counts = grown(times.counts, capacity);
  }
  times.firsts[times.length] = first;
  times.lasts[times.length] = last;
  times.counts[times.length] = count;
  times.length++;
}
