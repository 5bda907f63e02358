import { describe, expect, it } from 'vitest';
import type { ConntrackEventLine } from './conntrack-event-line';
import { ConntrackEventLog, SETTLE_MS } from './conntrack-event-log';
import { loopbackServers } from '../../test/support/loopback-http';
import { execCommandRunner } from './command-runner';
import { commandConntrackReader, urlConntrackReader } from './conntrack-reader';
import { FailureAttributor } from './failure-attribution';
import { type ConnectionTuple, type ProbeAttempt, probeAttempt } from './http-probe';

const identity = { header: 'X-Cutover-Pod' };
const { listen, cleanups } = loopbackServers();

/** A loopback port nothing listens on: connections to it are refused, as to a dead pod on the node. */
async function closedPort(): Promise<string> {
  const { server, url } = await listen(() => {});
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `${url}/`;
}

/**
 * The conntrack source a lab node proxy serves: `GET ?sport=N` answers `conntrack -L` lines for that
 * source port. Here every connection "was DNATed" to 10.244.2.9:8080, `age` seconds ago.
 */
async function conntrackServer(options: { age: number; delayMs?: number; status?: number; empty?: boolean }) {
  const requests: number[] = [];
  const { url } = await listen((req, res) => {
    const sport = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('sport'));
    requests.push(sport);
    setTimeout(() => {
      if (options.status) {
        res.writeHead(options.status).end();
        return;
      }
      const target = new URL(lastTarget);
      if (options.empty) {
        res.end('');
        return;
      }
      res.end(
        `tcp      6 118 SYN_SENT src=127.0.0.1 dst=${target.hostname} sport=${sport} dport=${target.port} [UNREPLIED] src=10.244.2.9 dst=127.0.0.1 sport=8080 dport=${sport} mark=0 delta-time=${options.age} use=1\n` +
          'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n',
      );
    }, options.delayMs ?? 0);
  });
  return { url, requests };
}

let lastTarget = 'http://127.0.0.1:1/';

async function failedProbe(target?: string, onConnection?: (c: ConnectionTuple) => void): Promise<ProbeAttempt> {
  lastTarget = target ?? (await closedPort());
  const attempt = await probeAttempt({ url: new URL(lastTarget), timeoutMs: 500, identity, onConnection });
  expect(attempt.result.outcome).toBe('refused');
  return attempt;
}

describe('FailureAttributor', () => {
  it("names the endpoint of a failed probe's connection, found by its real source port", async () => {
    const conntrack = await conntrackServer({ age: 0 });
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url));
    const attempt = await failedProbe();
    expect(attempt.connection).toMatchObject({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: Number(new URL(lastTarget).port) });
    const result = await attributor.attribute(attempt);
    expect(conntrack.requests).toEqual([attempt.connection?.localPort]);
    // A fresh entry read right away is not provably the attempt's own: reuse stays unknown (absent).
    expect(result).toEqual({ ...attempt.result, endpoint: '10.244.2.9:8080' });
    expect(attributor.stats()).toMatchObject({ lookups: 1, attributed: 1, reused: 0 });
  });

  it('marks a connection that matched a leftover entry as reused', async () => {
    const conntrack = await conntrackServer({ age: 9 });
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url));
    const result = await attributor.attribute(await failedProbe());
    expect(result).toMatchObject({ endpoint: '10.244.2.9:8080', reusedConntrack: true });
    expect(attributor.stats()).toMatchObject({ attributed: 1, reused: 1 });
  });

  it('does not look up served probes: the pod names itself', async () => {
    const conntrack = await conntrackServer({ age: 0 });
    const pod = await listen((_req, res) => res.writeHead(200, { 'X-Cutover-Pod': 'web-1' }).end('ok'));
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url));
    const attempt = await probeAttempt({ url: new URL(`${pod.url}/`), timeoutMs: 500, identity });
    expect(await attributor.attribute(attempt)).toEqual(attempt.result);
    expect(attempt.result).toMatchObject({ outcome: 'served', pod: 'web-1' });
    expect(conntrack.requests).toEqual([]);
  });

  it('runs at most maxInFlight lookups: failures past that are recorded unattributed, at once', async () => {
    const conntrack = await conntrackServer({ age: 0, delayMs: 300 });
    const errors: string[] = [];
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url), { maxInFlight: 2, onError: (m) => errors.push(m) });
    const target = await closedPort();
    const attempts = await Promise.all(Array.from({ length: 6 }, () => failedProbe(target)));
    const started = Date.now();
    const pending = attempts.map((a) => attributor.attribute(a));
    const skipped = await Promise.race([Promise.all(pending.slice(2)), new Promise<'late'>((r) => setTimeout(() => r('late'), 200))]);
    expect(Date.now() - started).toBeLessThan(200);
    expect(skipped).not.toBe('late');
    const results = await Promise.all(pending);
    expect(results.filter((r) => r.endpoint !== undefined)).toHaveLength(2);
    expect(attributor.stats()).toMatchObject({ lookups: 2, attributed: 2, skippedBusy: 4 });
    expect(errors).toHaveLength(1);
  });

  it('counts and reports a failing source once, and never throws', async () => {
    const conntrack = await conntrackServer({ age: 0, status: 500 });
    const errors: string[] = [];
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url), { onError: (m) => errors.push(m) });
    for (let i = 0; i < 3; i++) {
      const attempt = await failedProbe();
      expect(await attributor.attribute(attempt)).toEqual(attempt.result);
    }
    expect(attributor.stats()).toMatchObject({ lookups: 3, failed: 3 });
    expect(errors).toEqual([expect.stringMatching(/^conntrack lookup failed: GET .*sport=\d+: HTTP 500$/)]);
  });

  it('stops looking up for good when the conntrack tool is missing, and says so once', async () => {
    const missing = execCommandRunner();
    const errors: string[] = [];
    const attributor = new FailureAttributor(
      commandConntrackReader((file, args) => missing(`/nonexistent/${file}`, args)),
      { onError: (m) => errors.push(m) },
    );
    for (let i = 0; i < 3; i++) await attributor.attribute(await failedProbe());
    expect(attributor.stats()).toMatchObject({ lookups: 1, failed: 1, disabled: expect.stringContaining('not installed') });
    expect(errors).toEqual([expect.stringMatching(/^conntrack lookups disabled: \/nonexistent\/conntrack -L -p tcp .*not installed/)]);
  });
});

/** The NEW event conntrack prints for `c`, `afterMs` after its connect(), DNATed to `endpoint`. */
function newEventOf(c: ConnectionTuple, afterMs: number, endpoint = '10.244.2.9'): ConntrackEventLine {
  return {
    kind: 'event',
    type: 'NEW',
    at: (c.connectingAt ?? 0) + afterMs,
    entry: {
      protocol: 'tcp',
      state: 'SYN_SENT',
      original: { src: c.localAddress ?? '127.0.0.1', dst: c.remoteAddress, sport: c.localPort, dport: c.remotePort },
      reply: { src: endpoint, dst: c.localAddress ?? '127.0.0.1', sport: 8080, dport: c.localPort },
      ageSeconds: undefined,
    },
  };
}

/** A failed probe tracked by `log`, on a stream that was up before it (another connection's event). */
async function trackedFailure(log: ConntrackEventLog): Promise<{ attempt: ProbeAttempt; connection: ConnectionTuple }> {
  log.streamStarted();
  log.line(newEventOf({ localPort: 1, remoteAddress: '10.96.0.1', remotePort: 443, connectingAt: Date.now() - 50 }, 0));
  const attempt = await failedProbe(undefined, (c) => log.track(c));
  if (!attempt.connection) throw new Error('the probe did not see its source port');
  return { attempt, connection: attempt.connection };
}

/** A later connection of the agent, with its NEW event: the watermark past `c`. */
function laterConnectionWithEvent(log: ConntrackEventLog, c: ConnectionTuple): void {
  const later: ConnectionTuple = { ...c, localPort: c.localPort + 2, seq: (c.seq ?? 0) + 1000, connectingAt: (c.connectingAt ?? 0) + 50 };
  log.track(later);
  log.line(newEventOf(later, 1));
}

describe('FailureAttributor with conntrack NEW events', () => {
  it('a failure whose connection has its own NEW event is reusedConntrack false: the rules chose the endpoint', async () => {
    const conntrack = await conntrackServer({ age: 0 });
    const log = new ConntrackEventLog();
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url), { events: log, eventWaitMs: 1000 });
    const { attempt, connection } = await trackedFailure(log);
    log.line(newEventOf(connection, 3));
    // delta-time 0 alone could not tell (judgeReuse: unknown); the event can.
    expect(await attributor.attribute(attempt)).toEqual({ ...attempt.result, endpoint: '10.244.2.9:8080', reusedConntrack: false });
    expect(attributor.stats()).toMatchObject({ attributed: 1, fresh: 1, reused: 0 });
    log.close();
  });

  it('an entry found with no NEW event while the events covered the attempt is reused, even at delta-time 0', async () => {
    const conntrack = await conntrackServer({ age: 0 });
    const log = new ConntrackEventLog();
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url), { events: log, eventWaitMs: 1000 });
    const { attempt, connection } = await trackedFailure(log);
    const started = Date.now();
    const attributed = attributor.attribute(attempt);
    laterConnectionWithEvent(log, connection);
    expect(await attributed).toEqual({ ...attempt.result, endpoint: '10.244.2.9:8080', reusedConntrack: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(SETTLE_MS - 5);
    expect(attributor.stats()).toMatchObject({ attributed: 1, reused: 1, fresh: 0 });
    log.close();
  });

  it("keeps judgeReuse's answer when the events cannot tell (no later event within the wait)", async () => {
    for (const [age, reused] of [[9, true], [0, undefined]] as const) {
      const conntrack = await conntrackServer({ age });
      const log = new ConntrackEventLog();
      const attributor = new FailureAttributor(urlConntrackReader(conntrack.url), { events: log, eventWaitMs: 150 });
      const { attempt } = await trackedFailure(log);
      const result = await attributor.attribute(attempt);
      expect(result.reusedConntrack, `delta-time ${age}`).toBe(reused);
      expect(result.endpoint).toBe('10.244.2.9:8080');
      log.close();
    }
  });

  it('an event and a lookup that disagree leave reuse unknown, counted', async () => {
    const conntrack = await conntrackServer({ age: 0 });
    const log = new ConntrackEventLog();
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url), { events: log, eventWaitMs: 1000 });
    const { attempt, connection } = await trackedFailure(log);
    log.line(newEventOf(connection, 3, '10.244.7.7'));
    const result = await attributor.attribute(attempt);
    expect(result).toEqual({ ...attempt.result, endpoint: '10.244.2.9:8080' });
    expect(attributor.stats()).toMatchObject({ contradicted: 1, fresh: 0, reused: 0 });
    log.close();
  });

  it('an entry already gone is still named by its NEW event', async () => {
    const conntrack = await conntrackServer({ age: 0, empty: true });
    const log = new ConntrackEventLog();
    const attributor = new FailureAttributor(urlConntrackReader(conntrack.url), { events: log, eventWaitMs: 1000 });
    const { attempt, connection } = await trackedFailure(log);
    log.line(newEventOf(connection, 3));
    expect(await attributor.attribute(attempt)).toEqual({ ...attempt.result, endpoint: '10.244.2.9:8080', reusedConntrack: false });
    expect(attributor.stats()).toMatchObject({ notFound: 1, fromEvent: 1, fresh: 1 });
    log.close();
  });
});
