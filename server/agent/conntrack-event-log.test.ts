import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConntrackEventLine } from './conntrack-event-line';
import { CLOCK_SLACK_MS, ConntrackEventLog, RETAIN_MS, SETTLE_MS } from './conntrack-event-log';
import type { ConnectionTuple } from './http-probe';

const SERVICE = { remoteAddress: '10.96.7.7', remotePort: 80 };
const T0 = 1_796_407_207_000;

/** An own connection: `seq` in connect() order, made at T0 + ms. */
const conn = (seq: number, localPort: number, ms: number): ConnectionTuple => ({ localAddress: '172.18.0.11', localPort, ...SERVICE, seq, connectingAt: T0 + ms });

/** The NEW event conntrack prints for a connection from `sport`, stamped T0 + ms, DNATed to `endpoint`. */
function newEvent(sport: number, ms: number, endpoint = '10.244.2.9'): ConntrackEventLine {
  return {
    kind: 'event',
    type: 'NEW',
    at: T0 + ms,
    entry: {
      protocol: 'tcp',
      state: 'SYN_SENT',
      original: { src: '172.18.0.11', dst: SERVICE.remoteAddress, sport, dport: SERVICE.remotePort },
      reply: { src: endpoint, dst: '172.18.0.11', sport: 8080, dport: sport },
      ageSeconds: undefined,
    },
  };
}

describe('ConntrackEventLog', () => {
  let log: ConntrackEventLog;
  beforeEach(() => {
    vi.useFakeTimers();
    log = new ConntrackEventLog({ now: () => T0 + 1000 });
  });
  afterEach(() => {
    log.close();
    vi.useRealTimers();
  });

  /** The verdict once the stream had its say (settle delay included). */
  async function verdictOf(connection: ConnectionTuple, timeoutMs = 1000) {
    const verdict = log.verdict(connection, timeoutMs);
    await vi.advanceTimersByTimeAsync(timeoutMs + SETTLE_MS);
    return verdict;
  }

  it('a connection whose NEW event arrives made its own entry: the endpoint is the DNAT target the event names', async () => {
    log.streamStarted();
    const c = conn(1, 40_000, 10);
    log.track(c);
    // conntrack-tools stamps when it read the event: any time after connect(), however late.
    log.line(newEvent(40_000, 900));
    expect(await log.verdict(c, 0)).toEqual({ kind: 'new', endpoint: '10.244.2.9:8080', at: T0 + 900 });
  });

  it('made none: covered from before it (an earlier event), and a later own connection’s event arrived', async () => {
    log.streamStarted();
    log.line(newEvent(1234, 0, '10.244.9.9')); // someone else's connection: proves the stream was up
    const reused = conn(1, 40_000, 10);
    const later = conn(2, 40_002, 60);
    log.track(reused);
    log.track(later);
    const verdict = log.verdict(reused, 1000);
    log.line(newEvent(40_002, 61));
    // Held SETTLE_MS for an ENOBUFS warning on the other pipe.
    await vi.advanceTimersByTimeAsync(SETTLE_MS - 1);
    expect(log.stats().verdicts.none).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await verdict).toEqual({ kind: 'none' });
    expect(log.stats()).toMatchObject({ events: 2, own: 1, foreign: 1, verdicts: { new: 1, none: 1 } });
  });

  it('an earlier own connection’s event also proves the stream was up before', async () => {
    log.streamStarted();
    const first = conn(1, 40_000, 0);
    const reused = conn(2, 40_002, 50);
    const later = conn(3, 40_004, 100);
    for (const c of [first, reused, later]) log.track(c);
    // Stamped late, all after `reused` connected: only the order of own connections proves coverage.
    log.line(newEvent(40_000, 400));
    log.line(newEvent(40_004, 401));
    expect(await verdictOf(reused)).toEqual({ kind: 'none' });
  });

  it('unknown when nothing shows the stream was subscribed before the connection', async () => {
    log.streamStarted();
    const reused = conn(1, 40_000, 10);
    const later = conn(2, 40_002, 60);
    log.track(reused);
    log.track(later);
    // The first event is the later connection's: the tool may have subscribed just before it.
    log.line(newEvent(40_002, 61));
    expect(await verdictOf(reused)).toEqual({ kind: 'unknown', why: 'not-covered' });
  });

  it('unknown while no later own connection’s event has arrived (a late event may still come): times out', async () => {
    log.streamStarted();
    log.line(newEvent(1234, 0));
    const c = conn(1, 40_000, 10);
    log.track(c);
    expect(await verdictOf(c, 500)).toEqual({ kind: 'unknown', why: 'timeout' });
  });

  it('a restart or lost events between the connection and the proof leave it unknown', async () => {
    for (const breakIt of [() => log.line({ kind: 'lost' }), () => (log.streamEnded(), log.streamStarted())]) {
      log.streamStarted();
      const base = log.stats().verdicts;
      log.line(newEvent(1234, 0));
      const c = conn(10 + base.new * 3, 41_000 + base.new * 6, 10);
      const later = { ...conn(11 + base.new * 3, 41_002 + base.new * 6, 60) };
      log.track(c);
      log.track(later);
      breakIt();
      log.line(newEvent(later.localPort, 61));
      expect(await verdictOf(c)).toEqual({ kind: 'unknown', why: 'not-covered' });
    }
  });

  it('lost events reported inside the settle delay (the warning read after the later event) undo the proof', async () => {
    log.streamStarted();
    log.line(newEvent(1234, 0));
    const c = conn(1, 40_000, 10);
    log.track(c);
    log.track(conn(2, 40_002, 60));
    const verdict = log.verdict(c, 1000);
    log.line(newEvent(40_002, 61));
    log.line({ kind: 'lost' });
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(await verdict).toEqual({ kind: 'unknown', why: 'lost' });
  });

  it('an event stamped before the connection connected is not its own', async () => {
    log.streamStarted();
    const c = conn(1, 40_000, 100);
    log.track(c);
    log.line(newEvent(40_000, 100 - CLOCK_SLACK_MS - 1));
    expect(log.stats()).toMatchObject({ foreign: 1, own: 0 });
    log.line(newEvent(40_000, 100 - CLOCK_SLACK_MS));
    expect(await log.verdict(c, 0)).toMatchObject({ kind: 'new' });
  });

  it('the same source port reused by a later own connection: each event goes to the one that made it, or to none when it cannot be told', async () => {
    log.streamStarted();
    log.line(newEvent(1234, 0));
    const first = conn(1, 40_000, 10);
    log.track(first);
    log.line(newEvent(40_000, 11));
    const again = conn(2, 40_000, 2_000);
    const other = conn(3, 40_010, 2_050);
    log.track(again);
    log.track(other);
    log.line(newEvent(40_010, 2_051));
    expect(await verdictOf(first)).toMatchObject({ kind: 'new' });
    expect(await verdictOf(again)).toEqual({ kind: 'none' });
    // Two unresolved connections with one tuple, then an event for it: not guessed.
    const a = conn(4, 40_020, 3_000);
    const b = conn(5, 40_020, 3_010);
    log.track(a);
    log.track(b);
    log.line(newEvent(40_020, 3_020));
    expect(await log.verdict(a, 0)).toEqual({ kind: 'unknown', why: 'ambiguous' });
    expect(await log.verdict(b, 0)).toEqual({ kind: 'unknown', why: 'ambiguous' });
  });

  it('a connection it never tracked is unknown; events before the stream started are not read', async () => {
    expect(await log.verdict(conn(99, 1, 0), 0)).toEqual({ kind: 'unknown', why: 'not-tracked' });
    log.line(newEvent(1234, 0));
    expect(log.stats().events).toBe(0);
  });

  it('keeps own connections RETAIN_MS and at most maxTracked', async () => {
    let now = T0;
    const small = new ConntrackEventLog({ maxTracked: 3, now: () => now });
    for (let i = 0; i < 5; i++) small.track(conn(i, 40_000 + i, i));
    expect(small.size).toBe(3);
    expect(await small.verdict(conn(0, 40_000, 0), 0)).toEqual({ kind: 'unknown', why: 'not-tracked' });
    now = T0 + RETAIN_MS + 10;
    small.track(conn(9, 40_009, RETAIN_MS + 5));
    expect(small.size).toBe(1);
    small.close();
  });
});
