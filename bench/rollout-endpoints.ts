/** A bench pod behind the Service, as the EndpointSlice controller lists it at some time. */
export interface BenchEndpoint {
  name: string;
  node: string;
  ready: boolean;
  terminating: boolean;
}

/**
 * The endpoints of the benches' generated rollouts: old pod i is listed ready until 500 ms after its swap
 * time, terminating until 5.6 s after it, and new pod i is ready from 400 ms after it. The list only
 * changes at those times, so callers cache what they derive from it per span between changes (`spanOf`).
 */
export function rolloutEndpoints(oldPods: readonly { name: string; node: string }[], newPods: readonly { name: string; node: string }[], swapOf: (i: number) => number) {
  const at = (t: number): BenchEndpoint[] => {
    const out: BenchEndpoint[] = [];
    for (let i = 0; i < oldPods.length; i++) {
      const swap = swapOf(i);
      const oldP = oldPods[i];
      const newP = newPods[i];
      if (!oldP || !newP) continue;
      if (t < swap + 500) out.push({ ...oldP, ready: true, terminating: false });
      else if (t < swap + 5_600) out.push({ ...oldP, ready: false, terminating: true });
      if (t >= swap + 400) out.push({ ...newP, ready: true, terminating: false });
    }
    return out;
  };
  const changes = [...new Set(oldPods.flatMap((_, i) => [swapOf(i) + 400, swapOf(i) + 500, swapOf(i) + 5_600]))].sort((a, b) => a - b);
  /** Which span between changes `t` falls in: equal for two times, the same endpoints. */
  const spanOf = (t: number): number => {
    let lo = 0;
    let hi = changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((changes[mid] ?? Infinity) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return { at, spanOf };
}
