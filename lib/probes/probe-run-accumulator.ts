import type { ProbeOutcome, ProbeRunTuple } from './probe-run';

export interface ProbeResult {
  /** Server ms (the caller maps agent time first). */
  time: number;
  outcome: ProbeOutcome;
  pod?: string | undefined;
  revision?: string | undefined;
  status?: number | undefined;
  latencyMs: number;
  /** Where the node's data plane sent the connection (`address:port`), when the agent could read it. */
  endpoint?: string | undefined;
  /** True: matched an older conntrack entry (conntrack tail); false: made its own; undefined: not known. */
  reusedConntrack?: boolean | undefined;
}

/**
 * Builds the runs of one probe batch: every result of the same kind (pod, outcome, revision, status,
 * endpoint, conntrack reuse)
 * within the batch joins one run, consecutive or not, so a load-balanced steady state costs one run per
 * serving pod per batch rather than one per request. Each pod's first and last time at the node stay
 * exact (what lags and overlap are measured from); the order of results between pods inside a batch is
 * not kept, so counts inside a window assume a run's requests evenly spaced, and the measurements
 * carry that as their bounds. Pure: time comes in with each result; the caller decides when to `flush`.
 */
export class ProbeRunAccumulator {
  private readonly open = new Map<string, ProbeRunTuple>();

  add(result: ProbeResult): void {
    const pod = result.pod ?? null;
    const revision = result.revision ?? null;
    const status = result.status ?? null;
    const endpoint = result.endpoint ?? null;
    const reused = result.reusedConntrack;
    const key = `${result.outcome}\u0000${pod ?? ''}\u0000${revision ?? ''}\u0000${status ?? ''}\u0000${endpoint ?? ''}\u0000${reused === undefined ? '' : reused ? 1 : 0}`;
    const run = this.open.get(key);
    const lat = Math.max(0, result.latencyMs);
    if (!run) {
      const fresh: ProbeRunTuple = [result.outcome, pod, revision, status, result.time, result.time, 1, lat, lat, lat];
      if (reused !== undefined) fresh.push(endpoint, reused);
      else if (endpoint !== null) fresh.push(endpoint);
      this.open.set(key, fresh);
      return;
    }
    run[4] = Math.min(run[4], result.time);
    run[5] = Math.max(run[5], result.time);
    run[6] += 1;
    run[7] = Math.min(run[7], lat);
    run[8] = Math.max(run[8], lat);
    run[9] += lat;
  }

  get size(): number {
    return this.open.size;
  }

  /** The runs collected so far, ordered by first time, and a fresh start. Latencies to 0.01 ms. */
  flush(): ProbeRunTuple[] {
    const runs = [...this.open.values()].sort((a, b) => a[4] - b[4]);
    for (const r of runs) {
      r[7] = round2(r[7]);
      r[8] = round2(r[8]);
      r[9] = round2(r[9]);
    }
    this.open.clear();
    return runs;
  }
}

// Floating-point sums print as 3.3000000000000003: rounding keeps recordings small and readable.
function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
