import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTS_NAMESPACE } from '../../lib/agent-contract';
import type { ProbeBatchEvent } from '../../lib/events/event-schema';
import { type AppServer, createAppServer } from '../app-server';
import { ProbeSource } from '../sources/probe/probe-source';
import { ProbeAgent } from './probe-agent';

const TOKEN = 'test-token-0123456789';

async function startTarget(): Promise<{ url: string; server: Server }> {
  let n = 0;
  const server = createServer((_req, res) => {
    const pod = n++ % 2 === 0 ? 'web-a' : 'web-b';
    res.writeHead(200, { 'X-Cutover-Pod': pod, 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ pod }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

const startCutover = (port = 0) => createAppServer({ port, sources: [new ProbeSource({ token: TOKEN, clockIntervalMs: 200 })] });

function probeCount(server: AppServer): number {
  let total = 0;
  for (const event of server.hub.since()) if (event.type === 'probes') for (const run of event.runs) total += run[6];
  return total;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('probe agent and probe source', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  it('delivers every result, in runs per serving pod, mapped onto the server clock', async () => {
    const target = await startTarget();
    cleanups.push(() => new Promise<void>((r) => target.server.close(() => r())));
    const server = await startCutover();
    cleanups.push(() => server.close());
    const agent = new ProbeAgent({ serverUrl: server.url, token: TOKEN, node: 'node-a', target: target.url, intervalMs: 20, timeoutMs: 500, keepAlive: false, identityHeader: 'X-Cutover-Pod', batchMs: 100 });
    agent.start();
    await sleep(800);
    await agent.stop();
    const stats = agent.getStats();
    expect(stats.probesSent).toBeGreaterThan(20);
    expect(probeCount(server)).toBe(stats.probesSent);
    const batches = server.hub.since().filter((e): e is ProbeBatchEvent & { seq: number } => e.type === 'probes');
    const pods = new Set(batches.flatMap((b) => b.runs.map((r) => r[1])));
    expect(pods).toEqual(new Set(['web-a', 'web-b']));
    for (const batch of batches) {
      expect(batch.node).toBe('node-a');
      // Same machine, same clock: the mapped times sit within the handshake's bound of the receive time.
      for (const run of batch.runs) expect(run[5]).toBeLessThanOrEqual(batch.at + batch.offsetUncertaintyMs + 1);
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(`cutover_probe_results_ingested_total{node="node-a"} ${stats.probesSent}`);
  });

  it('loses nothing while the server is unreachable for a while', async () => {
    const target = await startTarget();
    cleanups.push(() => new Promise<void>((r) => target.server.close(() => r())));
    const first = await startCutover();
    const port = Number(new URL(first.url).port);
    const agent = new ProbeAgent({ serverUrl: first.url, token: TOKEN, node: 'node-b', target: target.url, intervalMs: 20, timeoutMs: 500, keepAlive: true, identityHeader: 'X-Cutover-Pod', batchMs: 100 });
    agent.start();
    await sleep(500);
    await first.close();
    const deliveredBefore = probeCount(first);
    await sleep(1500); // the agent keeps probing into its buffer
    expect(agent.getStats().buffered).toBeGreaterThan(0);
    const second = await startCutover(port);
    cleanups.push(() => second.close());
    for (let i = 0; i < 100 && !agent.getStats().connected; i++) await sleep(50);
    expect(agent.getStats().connected).toBe(true);
    await agent.stop();
    const stats = agent.getStats();
    expect(stats.droppedResults).toBe(0);
    expect(stats.buffered).toBe(0);
    expect(deliveredBefore + probeCount(second)).toBe(stats.probesSent);
  });

  it('loses nothing to the rate limiter when it probed long before the server came up', async () => {
    const target = await startTarget();
    cleanups.push(() => new Promise<void>((r) => target.server.close(() => r())));
    // A port nothing listens on yet: the server comes up there later.
    const reserved = await startCutover();
    const port = Number(new URL(reserved.url).port);
    await reserved.close();
    // 55 s of 250 ms batches was 220 batches; here 150 batches of 30 ms (4.5 s), still past the limiter's
    // burst of 100, cut at 33 a second so the backlog drains below its 50 a second.
    const agent = new ProbeAgent({ serverUrl: `http://127.0.0.1:${port}`, token: TOKEN, node: 'node-late', target: target.url, intervalMs: 20, timeoutMs: 500, keepAlive: true, identityHeader: 'X-Cutover-Pod', batchMs: 30 });
    agent.start();
    await sleep(4500);
    expect(agent.getStats().buffered).toBeGreaterThan(120);
    const server = await startCutover(port);
    cleanups.push(() => server.close());
    for (let i = 0; i < 300 && (agent.getStats().buffered > 1 || !agent.getStats().connected); i++) await sleep(50);
    await agent.stop();
    const stats = agent.getStats();
    expect(stats.buffered).toBe(0);
    expect(stats.droppedResults).toBe(0);
    expect(stats.batchesRetried).toBeGreaterThan(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    // The limiter did refuse batches: they were kept and sent again, so every result arrived and no gap was needed.
    expect(metrics).toMatch(/cutover_rejected_inputs_total\{source="probe",reason="agent rate limit"\} [1-9]/);
    expect(probeCount(server)).toBe(stats.probesSent);
    expect(server.hub.since().filter((e) => e.type === 'gap')).toEqual([]);
  });

  it('rejects agents without the token and malformed batches, counts them, and stores nothing from them', async () => {
    const server = await startCutover();
    cleanups.push(() => server.close());
    const intruder = io(`${server.url}${AGENTS_NAMESPACE}`, { transports: ['websocket'], auth: { token: 'wrong', node: 'x', agentId: 'i' }, reconnection: false });
    const refused = await new Promise<string>((resolve) => intruder.on('connect_error', (e) => resolve(e.message)));
    expect(refused).toBe('unauthorized');
    intruder.close();

    const agent = io(`${server.url}${AGENTS_NAMESPACE}`, { transports: ['websocket'], auth: { token: TOKEN, node: 'node-c', agentId: 'a1' }, reconnection: false });
    agent.on('clock', (ack: (t: number) => void) => ack(Date.now()));
    await new Promise<void>((resolve) => agent.on('connect', () => resolve()));
    const ack = await agent.emitWithAck('batch', { batchSeq: 0, target: 'http://x', intervalMs: 50, runs: [['served', 'p', null, 200, 10, 5, 1, 1, 1, 1]] });
    expect(ack).toMatchObject({ ok: false });
    expect(String(ack.error)).toMatch(/invalid batch/);
    agent.close();
    expect(server.hub.since().filter((e) => e.type === 'probes')).toEqual([]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('cutover_rejected_inputs_total{source="probe",reason="agent token rejected"} 1');
    expect(metrics).toContain('cutover_rejected_inputs_total{source="probe",reason="invalid agent batch"} 1');
  });
});
