import { describe, expect, it } from 'vitest';
import { loopbackServers } from '../../test/support/loopback-http';
import { ConnectionTrackingAgent, probeAttempt } from './http-probe';

const identity = { header: 'X-Cutover-Pod' };
const { listen, cleanups } = loopbackServers();

describe('probeAttempt: the connection a probe opened', () => {
  it('knows the source port of a refused connection, whose socket is gone by the error', async () => {
    const { server, port } = await listen(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const before = Date.now();
    const attempt = await probeAttempt({ url: new URL(`http://127.0.0.1:${port}/`), timeoutMs: 500, identity });
    expect(attempt.result.outcome).toBe('refused');
    expect(attempt.connection).toEqual({ localAddress: '127.0.0.1', localPort: expect.any(Number), remoteAddress: '127.0.0.1', remotePort: port, seq: expect.any(Number), connectingAt: expect.any(Number) });
    expect(attempt.connection?.localPort).toBeGreaterThan(0);
    // connect() was called at connectingAt, on the realtime clock conntrack stamps its events with.
    expect(attempt.connection?.connectingAt).toBeGreaterThanOrEqual(before);
    expect(attempt.connection?.connectingAt).toBeLessThanOrEqual(attempt.result.time + attempt.result.latencyMs + 1);
  });

  it('knows it for a served probe and a timed-out one, the port the server saw', async () => {
    const seen: number[] = [];
    const { port } = await listen((req, res) => {
      seen.push(req.socket.remotePort ?? 0);
      if (req.url === '/slow') return; // never answers
      res.writeHead(200, { 'X-Cutover-Pod': 'web-1' }).end('ok');
    });
    const served = await probeAttempt({ url: new URL(`http://127.0.0.1:${port}/`), timeoutMs: 500, identity });
    const slow = await probeAttempt({ url: new URL(`http://127.0.0.1:${port}/slow`), timeoutMs: 150, identity });
    expect(served.result).toMatchObject({ outcome: 'served', pod: 'web-1' });
    expect(slow.result.outcome).toBe('timeout');
    expect([served.connection?.localPort, slow.connection?.localPort]).toEqual(seen);
    // Numbered in the order connect() was called: what orders their conntrack events.
    expect((slow.connection?.seq ?? 0) > (served.connection?.seq ?? 0)).toBe(true);
  });

  it('resolves a host name and reports the address it connected to', async () => {
    const { port } = await listen((_req, res) => res.end('ok'));
    const attempt = await probeAttempt({ url: new URL(`http://localhost:${port}/`), timeoutMs: 500, identity });
    expect(attempt.result.outcome).toBe('served');
    expect(attempt.connection).toMatchObject({ remoteAddress: '127.0.0.1', remotePort: port });
  });

  it('reports a new pooled connection, and none for a request on a reused one', async () => {
    const { port } = await listen((_req, res) => res.writeHead(200, { 'X-Cutover-Pod': 'web-1' }).end('ok'));
    const reported: unknown[] = [];
    const agent = new ConnectionTrackingAgent({ keepAlive: true, maxSockets: 1 }, (c) => reported.push(c));
    cleanups.push(() => agent.destroy());
    const target = { url: new URL(`http://127.0.0.1:${port}/`), timeoutMs: 500, identity, agent };
    const first = await probeAttempt(target);
    const second = await probeAttempt(target);
    expect(first.connection?.localPort).toBeGreaterThan(0);
    expect(reported).toEqual([first.connection]);
    expect(second.result.outcome).toBe('served');
    expect(second.connection).toBeUndefined();
  });
});
