import type { Endpoint } from './endpoints';

export interface ConntrackOptions {
  /** Real ms a leftover entry of a failed connection keeps steering matching flows. 0 disables. */
  ttlMs: number;
  /**
   * The size of the source-port space a new connection can collide in: each new connection of a client
   * matches a given leftover entry of that client with probability 1/flowBuckets (its source port is
   * hashed into this many buckets). 1 makes every connection of that client match: deterministic, for
   * tests.
   */
  flowBuckets: number;
  /** Bound on live entries; the oldest are dropped first. */
  maxEntries?: number;
}

/** A leftover entry: where it sends matching connections, and since when it exists (real ms). */
export interface ConntrackEntry {
  endpoint: Endpoint;
  /** When the failed attempt that left it sent its SYN: a connection it steers shows this entry's age. */
  createdAt: number;
  expiresAt: number;
}

/** murmur3's 32-bit finaliser: spreads consecutive (and same-parity) port numbers over every bucket. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The stale-conntrack effect: a connection attempt to a dead pod leaves an unreplied entry in the
 * node's connection tracking table; a later connection with the same tuple (the client reused its
 * source port) matches it and is DNATed to the dead pod again, even after the rules were fixed.
 *
 * Model (documented, and calibrated against DESIGN.md's measured facts: failures 7-12 s after the rules
 * were fixed, as occasional reused source ports, never a flood): the flow key is the client address plus
 * a hash of its source port into `flowBuckets` buckets, so a new connection collides with each live
 * leftover entry with probability 1/flowBuckets. Only failed attempts (refused, timed out) create
 * entries; an entry lives `ttlMs` from its creation and is not refreshed by the connections it steers (so
 * the effect ends ttl after the last failure the rules caused). Successful flows leave no steering entry:
 * a finished connection's entry is closed and a new SYN starts a fresh one.
 *
 * Why hashed: a client's kernel hands out source ports in order (Linux steps by 2 per connection to one
 * destination), so `port % 16`, the first model, put every connection of a probe into one of 8 buckets in
 * turn: a handful of failures covered them all and every connection for the next 10 s was sent to a dead
 * pod (the `broken` scenario's ~11 s of solid timeouts). A real kernel matches only the exact port.
 */
export class ConntrackTable {
  private readonly entries = new Map<string, ConntrackEntry>();
  private readonly maxEntries: number;

  constructor(private readonly options: ConntrackOptions) {
    this.maxEntries = options.maxEntries ?? 4096;
    if (!(options.flowBuckets >= 1) || !Number.isInteger(options.flowBuckets)) throw new Error(`flowBuckets must be an integer >= 1, got ${options.flowBuckets}`);
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  flowKey(clientAddress: string | undefined, clientPort: number | undefined): string {
    const buckets = this.options.flowBuckets;
    const bucket = buckets === 1 ? 0 : mix32(clientPort ?? 0) % buckets;
    return `${clientAddress ?? '?'}#${bucket}`;
  }

  /** The leftover entry a flow matches, if a live one does. */
  lookup(flow: string, now: number): ConntrackEntry | undefined {
    const entry = this.entries.get(flow);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(flow);
      return undefined;
    }
    return entry;
  }

  /** A connection of this flow to `endpoint`, whose SYN went out at `attemptAt`, failed: leave the unreplied entry behind. */
  recordFailure(flow: string, endpoint: Endpoint, attemptAt: number, now: number): void {
    if (!this.enabled) return;
    const existing = this.entries.get(flow);
    // A steered connection that fails again does not extend its entry (no refresh, see above).
    if (existing && existing.expiresAt > now && existing.endpoint.key === endpoint.key) return;
    this.entries.delete(flow);
    this.entries.set(flow, { endpoint, createdAt: attemptAt, expiresAt: attemptAt + this.options.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
