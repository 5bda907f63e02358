import type { ConntrackLine, TcpConntrackState } from './conntrack-text';

/** How long the kernel keeps an entry in each state, in real ms (the lab scales the kernel's seconds). */
export interface ConntrackTimeouts {
  established: number;
  timeWait: number;
  close: number;
  /** An unanswered SYN: the lab's leftover-entry lifetime (ConntrackTable's ttl), so what is shown steers. */
  synSent: number;
}

/** Linux's defaults (nf_conntrack_tcp_timeout_*), in seconds; the SYN_SENT one is the lab's own model. */
export const KERNEL_TIMEOUT_SECONDS = { established: 432_000, timeWait: 120, close: 10 } as const;

export interface ConnectionStart {
  clientAddress: string;
  clientPort: number;
  /** The Service address and port the client connected to (here the node proxy's own). */
  serviceAddress: string;
  servicePort: number;
  /**
   * The DNAT target; undefined when the Service had no endpoints: kube-proxy's filter rule REJECTs the SYN
   * before conntrack confirms its entry, so the kernel keeps none and announces none.
   */
  endpoint: { address: string; port: number } | undefined;
  /** Real ms the client's SYN arrived. */
  startedAt: number;
  /** The older entry this connection matched instead of the rules (its creation and expiry, real ms). */
  reused?: { createdAt: number; expiresAt: number } | undefined;
}

/** One connection's conntrack entry as the node's kernel would hold it. */
export interface TrackedConnection {
  readonly start: ConnectionStart;
  /** Real ms the entry was created: the connection's own SYN, or the matched older entry's. */
  readonly createdAt: number;
  state: TcpConntrackState;
  unreplied: boolean;
  assured: boolean;
  /** Real ms the kernel drops the entry. */
  expiresAt: number;
}

/**
 * The conntrack entries of the connections one node proxy handled recently, as the node's kernel
 * would list them: bounded (the last `capacity` connections, and only entries still alive), indexed by
 * the client's source port, which is how an agent finds the entry of the connection it just made.
 * The proxy reports each connection's life (connecting, established, closed, failed); the entry's
 * state and lifetime follow the kernel's TCP tracking.
 */
export class ConnectionLog {
  private readonly ring: Array<TrackedConnection | undefined>;
  private readonly newListeners = new Set<(line: ConntrackLine, at: number) => void>();
  private next = 0;
  private readonly byPort = new Map<number, TrackedConnection[]>();

  constructor(
    private readonly timeouts: ConntrackTimeouts,
    private readonly capacity = 4096,
  ) {
    if (!(capacity >= 1)) throw new Error(`capacity must be >= 1, got ${capacity}`);
    this.ring = new Array<TrackedConnection | undefined>(capacity);
  }

  /**
   * A SYN arrived and was DNATed (or matched an older entry): the entry exists, unreplied. A new entry is
   * announced as the kernel's NEW event; one that matched an older entry is not (the kernel made none).
   * A rejected SYN (no endpoints) leaves nothing.
   */
  connecting(start: ConnectionStart & { endpoint: NonNullable<ConnectionStart['endpoint']> }): TrackedConnection;
  connecting(start: ConnectionStart): TrackedConnection | undefined;
  connecting(start: ConnectionStart): TrackedConnection | undefined {
    if (!start.endpoint) return undefined;
    const reused = start.reused;
    const entry: TrackedConnection = {
      start,
      createdAt: reused?.createdAt ?? start.startedAt,
      state: 'SYN_SENT',
      unreplied: true,
      assured: false,
      expiresAt: reused?.expiresAt ?? start.startedAt + this.timeouts.synSent,
    };
    this.add(entry);
    if (!reused) for (const listener of this.newListeners) listener(toLine(entry, start.startedAt), start.startedAt);
    return entry;
  }

  /** Calls `listener` with each new entry and its creation time (real ms), as `conntrack -E -e NEW` would; returns the unsubscribe. */
  onNew(listener: (line: ConntrackLine, at: number) => void): () => void {
    this.newListeners.add(listener);
    return () => this.newListeners.delete(listener);
  }

  /** The endpoint answered the handshake. */
  established(entry: TrackedConnection, now: number): void {
    entry.state = 'ESTABLISHED';
    entry.unreplied = false;
    entry.assured = true;
    entry.expiresAt = now + this.timeouts.established;
  }

  /** The connection ended normally (FIN): TIME_WAIT. */
  closed(entry: TrackedConnection, now: number): void {
    if (entry.state !== 'ESTABLISHED') return;
    entry.state = 'TIME_WAIT';
    entry.expiresAt = now + this.timeouts.timeWait;
  }

  /** Reset after it was established. */
  reset(entry: TrackedConnection, now: number): void {
    entry.state = 'CLOSE';
    entry.expiresAt = now + this.timeouts.close;
  }

  /**
   * The handshake failed: answered by a RST from the endpoint's node (`refused`: the entry saw a reply
   * and closes), or never answered (`unanswered`: a lost SYN, or an ICMP error, which is not a reply;
   * the entry stays SYN_SENT and unreplied until it expires).
   */
  failed(entry: TrackedConnection, how: 'refused' | 'unanswered', now: number): void {
    if (how === 'refused' && !entry.start.reused) {
      entry.state = 'CLOSE';
      entry.unreplied = false;
      entry.expiresAt = now + this.timeouts.close;
    }
  }

  /** The live entries of connections from this client port, oldest first. */
  entriesForPort(sport: number, now: number): ConntrackLine[] {
    return (this.byPort.get(sport) ?? []).filter((e) => e.expiresAt > now).map((e) => toLine(e, now));
  }

  /** Every live entry, oldest first, at most `limit`. */
  entries(now: number, limit = this.capacity): ConntrackLine[] {
    const out: ConntrackLine[] = [];
    for (let i = 0; i < this.capacity && out.length < limit; i++) {
      const e = this.ring[(this.next + i) % this.capacity];
      if (e && e.expiresAt > now) out.push(toLine(e, now));
    }
    return out;
  }

  private add(entry: TrackedConnection): void {
    const evicted = this.ring[this.next];
    if (evicted) {
      const list = this.byPort.get(evicted.start.clientPort);
      const at = list?.indexOf(evicted) ?? -1;
      if (list && at >= 0) list.splice(at, 1);
      if (list?.length === 0) this.byPort.delete(evicted.start.clientPort);
    }
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    const list = this.byPort.get(entry.start.clientPort);
    if (list) list.push(entry);
    else this.byPort.set(entry.start.clientPort, [entry]);
  }
}

function toLine(e: TrackedConnection, now: number): ConntrackLine {
  const s = e.start;
  const target = s.endpoint ?? { address: s.serviceAddress, port: s.servicePort };
  return {
    state: e.state,
    timeoutSeconds: (e.expiresAt - now) / 1000,
    original: { src: s.clientAddress, dst: s.serviceAddress, sport: s.clientPort, dport: s.servicePort },
    reply: { src: target.address, dst: s.clientAddress, sport: target.port, dport: s.clientPort },
    unreplied: e.unreplied,
    assured: e.assured,
    mark: 0,
    deltaTimeSeconds: (now - e.createdAt) / 1000,
    use: 1,
  };
}
