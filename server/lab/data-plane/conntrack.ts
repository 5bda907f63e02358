import type { Endpoint } from './endpoints';

export interface ConntrackOptions {
  /** Real ms a leftover entry of a failed connection keeps steering matching flows. 0 disables. */
  ttlMs: number;
  /**
   * How many flow buckets one client address is split into (by source port modulo this). A new
   * connection whose bucket matches a leftover entry is steered by it, the stand-in for a reused source
   * port. 1 makes every connection of that client match: deterministic, for tests.
   */
  flowBuckets: number;
  /** Bound on live entries; the oldest are dropped first. */
  maxEntries?: number;
}

interface Entry {
  endpoint: Endpoint;
  expiresAt: number;
}

/**
 * The stale-conntrack effect: a connection attempt to a dead pod leaves an unreplied entry in the
 * node's connection tracking table; a later connection with the same tuple (the client reused its
 * source port) matches it and is DNATed to the dead pod again, even after the rules were fixed.
 *
 * Model (deterministic, documented): the flow key is the client address plus `sourcePort %
 * flowBuckets`. Only failed attempts (refused, timed out) create entries; an entry lives `ttlMs` from
 * its creation and is not refreshed by the connections it steers (so the effect ends ttl after the
 * last failure the rules caused, as seen on real nodes 7-12 s after the fix). Successful flows leave no
 * steering entry: a finished connection's entry is closed and a new SYN starts a fresh one.
 */
export class ConntrackTable {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(private readonly options: ConntrackOptions) {
    this.maxEntries = options.maxEntries ?? 4096;
    if (!(options.flowBuckets >= 1)) throw new Error(`flowBuckets must be >= 1, got ${options.flowBuckets}`);
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  flowKey(clientAddress: string | undefined, clientPort: number | undefined): string {
    return `${clientAddress ?? '?'}#${(clientPort ?? 0) % this.options.flowBuckets}`;
  }

  /** The dead endpoint a flow is still steered to, if a live entry matches. */
  lookup(flow: string, now: number): Endpoint | undefined {
    const entry = this.entries.get(flow);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(flow);
      return undefined;
    }
    return entry.endpoint;
  }

  /** A connection of this flow to `endpoint` failed: leave the unreplied entry behind. */
  recordFailure(flow: string, endpoint: Endpoint, now: number): void {
    if (!this.enabled) return;
    const existing = this.entries.get(flow);
    // A steered connection that fails again does not extend its entry (no refresh, see above).
    if (existing && existing.expiresAt > now && existing.endpoint.key === endpoint.key) return;
    this.entries.delete(flow);
    this.entries.set(flow, { endpoint, expiresAt: now + this.options.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
