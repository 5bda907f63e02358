import { formatEndpoint } from './conntrack-entries';
import type { ConntrackEventLine } from './conntrack-event-line';
import type { ConnectionTuple } from './http-probe';

/**
 * What the node's conntrack NEW events say about the agent's own connections: whether each made its
 * own entry (a NEW event: the node's rules chose its endpoint) or made none (it matched an older entry:
 * conntrack tail, or it was rejected before it was tracked).
 *
 * Why not a time window around the attempt: conntrack-tools 1.4.7 stamps an event when it *reads* it, so
 * a busy tool prints an event late, by any amount; "no event within ±slack of the attempt" would then
 * read a fresh connection as reused. What is certain is the order: the kernel queues a SYN's event inside
 * the connect() call that sent it, and the netlink socket delivers events in the order they were queued.
 * So the proofs are:
 * - made its own entry: a NEW event with the connection's tuple (source port, address and port
 *   connected to), stamped no earlier than its connect() call (- CLOCK_SLACK_MS);
 * - made none: the stream was subscribed before its connect() (an event stamped before it, or the event
 *   of an earlier own connection, arrived on this stream), the event of a *later* own connection has
 *   arrived on it (so this one's would have come first), and nothing was lost in between (no restart, no
 *   ENOBUFS; see SETTLE_MS for the warning arriving on the other pipe).
 * Otherwise the answer is unknown. Own connections are registered (`track`) right after connect() and
 * before any I/O callback, so always before their event can be read.
 *
 * Bounded: own connections are kept RETAIN_MS (a SYN_SENT entry lives 120 s) and at most `maxTracked`;
 * events of other connections are counted, not kept.
 *
 * Known limitation: a realtime clock step between a connect() and its event can misplace the event.
 */

/** Date.now() truncates to the ms; conntrack prints µs of the same realtime clock. */
export const CLOCK_SLACK_MS = 1;
/**
 * A "made none" is held this long before it is given: the tool writes its ENOBUFS warning to stderr and
 * the events after it to stdout, two pipes the agent may read in either order within one poll.
 */
export const SETTLE_MS = 50;
export const RETAIN_MS = 130_000;

export type EventVerdict =
  /** Made its own entry, DNATed to `endpoint` (`address:port`), at `at` (ms, the event's stamp). */
  | { kind: 'new'; endpoint: string; at: number }
  /** Made no entry while the stream provably covered it. */
  | { kind: 'none' }
  | { kind: 'unknown'; why: 'not-tracked' | 'not-covered' | 'ambiguous' | 'lost' | 'timeout' | 'closed' };

export interface EventLogStats {
  events: number;
  /** NEW events of this agent's own connections. */
  own: number;
  /** NEW events of other connections (other processes, or connections older than the log). */
  foreign: number;
  /** Streams (re)started; and how many times the kernel said it dropped events. */
  streams: number;
  losses: number;
  verdicts: { new: number; none: number; notCovered: number; ambiguous: number; lost: number };
}

interface Tracked {
  connection: ConnectionTuple & { seq: number; connectingAt: number };
  key: string;
  verdict?: EventVerdict;
  waiters: Array<(verdict: EventVerdict) => void>;
}

const tupleKey = (port: number, address: string, remotePort: number) => `${port}|${address}|${remotePort}`;

export interface EventLogOptions {
  maxTracked?: number;
  /** Realtime ms, for retention only. */
  now?: () => number;
}

export class ConntrackEventLog {
  private readonly tracked = new Map<number, Tracked>();
  private readonly byKey = new Map<string, Tracked[]>();
  /** Tracked connections not yet passed by the watermark, in seq order (registration order). */
  private pending: Tracked[] = [];
  private pendingHead = 0;
  private settling: Tracked[] = [];
  private settleTimer: NodeJS.Timeout | undefined;
  private up = false;
  /** Of the current stream: its first event's stamp, the lowest own seq seen, the highest own seq seen. */
  private firstEventAt: number | undefined;
  private lowestOwnSeq: number | undefined;
  private watermark = Number.NEGATIVE_INFINITY;
  private readonly maxTracked: number;
  private readonly now: () => number;
  private readonly counts: EventLogStats = { events: 0, own: 0, foreign: 0, streams: 0, losses: 0, verdicts: { new: 0, none: 0, notCovered: 0, ambiguous: 0, lost: 0 } };

  constructor(options: EventLogOptions = {}) {
    this.maxTracked = options.maxTracked ?? 20_000;
    this.now = options.now ?? Date.now;
  }

  /** A stream of events began (or began again): nothing before it is covered until an event proves it. */
  streamStarted(): void {
    this.breakCoverage();
    this.up = true;
    this.counts.streams++;
  }

  /** The stream ended. */
  streamEnded(): void {
    this.breakCoverage();
    this.up = false;
  }

  /** One parsed line of the stream. */
  line(line: ConntrackEventLine): void {
    if (line.kind === 'lost') {
      this.counts.losses++;
      // The stream goes on, but what it was missing is unknown: as if it started again.
      this.breakCoverage();
      return;
    }
    if (line.kind !== 'event' || !this.up) return;
    this.counts.events++;
    this.firstEventAt ??= line.at;
    const { entry } = line;
    if (line.type !== 'NEW' || entry.protocol !== 'tcp') return;
    const candidates = (this.byKey.get(tupleKey(entry.original.sport, entry.original.dst, entry.original.dport)) ?? []).filter(
      (t) =>
        t.verdict === undefined &&
        t.connection.connectingAt <= line.at + CLOCK_SLACK_MS &&
        (t.connection.localAddress === undefined || t.connection.localAddress === entry.original.src),
    );
    const [own] = candidates;
    if (!own) {
      this.counts.foreign++;
      return;
    }
    if (candidates.length > 1) {
      // Two of our connections with the same tuple and no event yet: which one this is cannot be told.
      for (const t of candidates) this.settle(t, { kind: 'unknown', why: 'ambiguous' });
      return;
    }
    this.counts.own++;
    this.settle(own, { kind: 'new', endpoint: formatEndpoint(entry.reply.src, entry.reply.sport), at: line.at });
    const seq = own.connection.seq;
    if (this.lowestOwnSeq === undefined || seq < this.lowestOwnSeq) this.lowestOwnSeq = seq;
    if (seq > this.watermark) {
      this.watermark = seq;
      this.passWatermark();
    }
  }

  /** One of the agent's own new connections, right after its connect() (before its event can be read). */
  track(connection: ConnectionTuple): void {
    const { seq, connectingAt } = connection;
    if (seq === undefined || connectingAt === undefined || this.tracked.has(seq)) return;
    const t: Tracked = { connection: { ...connection, seq, connectingAt }, key: tupleKey(connection.localPort, connection.remoteAddress, connection.remotePort), waiters: [] };
    this.tracked.set(seq, t);
    const same = this.byKey.get(t.key);
    if (same) same.push(t);
    else this.byKey.set(t.key, [t]);
    this.pending.push(t);
    this.evict();
  }

  /** What the events say of `connection`; waits up to `timeoutMs` for the stream to settle it. */
  verdict(connection: ConnectionTuple, timeoutMs: number): Promise<EventVerdict> {
    const t = connection.seq === undefined ? undefined : this.tracked.get(connection.seq);
    if (!t) return Promise.resolve({ kind: 'unknown', why: 'not-tracked' });
    if (t.verdict) return Promise.resolve(t.verdict);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        t.waiters = t.waiters.filter((w) => w !== done);
        resolve({ kind: 'unknown', why: 'timeout' });
      }, timeoutMs);
      const done = (verdict: EventVerdict) => {
        clearTimeout(timer);
        resolve(verdict);
      };
      t.waiters.push(done);
    });
  }

  stats(): EventLogStats {
    return { ...this.counts, verdicts: { ...this.counts.verdicts } };
  }

  get size(): number {
    return this.tracked.size;
  }

  /** Answers every waiter (unknown) and stops the settle timer. */
  close(): void {
    this.streamEnded();
    for (const t of this.tracked.values()) {
      if (t.verdict === undefined) for (const w of t.waiters.splice(0)) w({ kind: 'unknown', why: 'closed' });
    }
  }

  /** Every tracked connection the watermark passed without its own event: made none, if covered. */
  private passWatermark(): void {
    while (this.pendingHead < this.pending.length) {
      const t = this.pending[this.pendingHead];
      if (!t || t.connection.seq >= this.watermark) break;
      this.pendingHead++;
      if (t.verdict !== undefined) continue;
      if (this.covered(t)) this.settling.push(t);
      else this.settle(t, { kind: 'unknown', why: 'not-covered' });
    }
    if (this.pendingHead > 1024) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    if (this.settling.length > 0 && !this.settleTimer) {
      this.settleTimer = setTimeout(() => {
        this.settleTimer = undefined;
        for (const t of this.settling.splice(0)) this.settle(t, { kind: 'none' });
      }, SETTLE_MS);
    }
  }

  /** The current stream was subscribed before this connection's connect(). */
  private covered(t: Tracked): boolean {
    return (this.firstEventAt !== undefined && this.firstEventAt < t.connection.connectingAt) || (this.lowestOwnSeq !== undefined && this.lowestOwnSeq < t.connection.seq);
  }

  private breakCoverage(): void {
    for (const t of this.settling.splice(0)) this.settle(t, { kind: 'unknown', why: 'lost' });
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    this.firstEventAt = undefined;
    this.lowestOwnSeq = undefined;
    this.watermark = Number.NEGATIVE_INFINITY;
  }

  private settle(t: Tracked, verdict: EventVerdict): void {
    if (t.verdict !== undefined) return;
    t.verdict = verdict;
    const v = this.counts.verdicts;
    if (verdict.kind === 'new') v.new++;
    else if (verdict.kind === 'none') v.none++;
    else if (verdict.why === 'not-covered') v.notCovered++;
    else if (verdict.why === 'ambiguous') v.ambiguous++;
    else if (verdict.why === 'lost') v.lost++;
    for (const w of t.waiters.splice(0)) w(verdict);
  }

  private evict(): void {
    const oldest = this.now() - RETAIN_MS;
    for (const [seq, t] of this.tracked) {
      if (this.tracked.size <= this.maxTracked && t.connection.connectingAt >= oldest) break;
      this.tracked.delete(seq);
      const same = this.byKey.get(t.key);
      const rest = same?.filter((x) => x !== t) ?? [];
      if (rest.length > 0) this.byKey.set(t.key, rest);
      else this.byKey.delete(t.key);
      if (t.verdict === undefined) for (const w of t.waiters.splice(0)) w({ kind: 'unknown', why: 'timeout' });
    }
    // Evicted ones still waiting for the watermark are dropped from its queue too.
    while (this.pendingHead < this.pending.length) {
      const t = this.pending[this.pendingHead];
      if (!t || this.tracked.has(t.connection.seq)) break;
      this.pendingHead++;
    }
  }
}
