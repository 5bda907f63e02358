/**
 * The first and last probe of every run a node's agent sent, in arrival order, as two growable columns:
 * merging runs loses where the probes inside them were, and lag brackets are read from exactly that.
 * Numbers in typed arrays rather than objects: a node-hour of probes is a few tens of kilobytes.
 */
export interface ProbeSendTimes {
  firsts: Float64Array;
  lasts: Float64Array;
  length: number;
}

export function createProbeSendTimes(capacity = 64): ProbeSendTimes {
  return { firsts: new Float64Array(capacity), lasts: new Float64Array(capacity), length: 0 };
}

export function addProbeSendTimes(times: ProbeSendTimes, first: number, last: number): void {
  if (times.length === times.firsts.length) {
    const capacity = Math.max(64, times.length * 2);
    const firsts = new Float64Array(capacity);
    const lasts = new Float64Array(capacity);
    firsts.set(times.firsts);
    lasts.set(times.lasts);
    times.firsts = firsts;
    times.lasts = lasts;
  }
  times.firsts[times.length] = first;
  times.lasts[times.length] = last;
  times.length++;
}
