import { type Socket, io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTS_NAMESPACE, type AgentBatchInput, type AgentToServerEvents, type BatchAck, type ServerToAgentEvents } from '../../../lib/agent-contract';
import type { ProbeRunTuple } from '../../../lib/probes/probe-run';
import { type AppServer, createAppServer } from '../../app-server';
import { ProbeSource, type ProbeSourceOptions } from './probe-source';

type AgentSocket = Socket<ServerToAgentEvents, AgentToServerEvents>;
const TOKEN = 'agent-token-for-tests';

let server: AppServer | undefined;
const sockets: AgentSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  server = undefined;
});

async function start(options: Partial<ProbeSourceOptions> = {}): Promise<AppServer> {
  server = await createAppServer({ port: 0, sources: [new ProbeSource({ token: TOKEN, clockIntervalMs: 60_000, ...options })] });
  return server;
}

/** Connects as an agent; resolves to the socket, or to the refusal's message. */
function connect(url: string, auth: { token: string; node: string; agentId: string }): Promise<AgentSocket | string> {
  const socket: AgentSocket = io(`${url}${AGENTS_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
  sockets.push(socket);
  socket.on('clock', (ack) => ack(Date.now()));
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

async function agent(url: string, node: string, agentId = `agent-${node}`, token = TOKEN): Promise<AgentSocket> {
  const socket = await connect(url, { token, node, agentId });
  if (typeof socket === 'string') throw new Error(`refused: ${socket}`);
  return socket;
}

const send = (socket: AgentSocket, batch: AgentBatchInput): Promise<BatchAck> => socket.timeout(5000).emitWithAck('batch', batch);
const run = (t: number): ProbeRunTuple => ['served', 'web-1', 'v1', 200, t, t, 1, 1, 1, 1];

describe('agents: credentials, ids, bounds and times', () => {
  it('throttles wrong tokens per address: of 200 tries in a burst, only the first 10 are compared', async () => {
    const { url, metrics } = await start();
    const answers: string[] = [];
    const started = Date.now();
    for (let i = 0; i < 200; i++) answers.push(String(await connect(url, { token: `wrong-${i}`, node: 'n', agentId: `x${i}` })));
    const compared = answers.filter((a) => a === 'unauthorized').length;
    const throttled = answers.filter((a) => a.startsWith('too many wrong credentials')).length;
    process.stdout.write(`wrong-token attempts: ${answers.length} tried, ${compared} compared, ${throttled} throttled\n`);
    expect(compared).toBeGreaterThanOrEqual(10);
    expect(compared).toBeLessThanOrEqual(10 + Math.ceil((Date.now() - started) / 2000)); // 10 at once, then one per 2 s
    expect(compared + throttled).toBe(200);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/reason="agent credential throttled"\} 1[89]\d/);
  });

  it("refuses another node's agent id and a second socket for a connected id; the owner's batches still count", async () => {
    const { url } = await start();
    const owner = await agent(url, 'node-a', 'a-1');
    expect(await connect(url, { token: TOKEN, node: 'node-b', agentId: 'a-1' })).toMatch(/belongs to node node-a/);
    expect(await connect(url, { token: TOKEN, node: 'node-a', agentId: 'a-1' })).toMatch(/connected already/);
    const now = Date.now();
    expect(await send(owner, { batchSeq: 1, target: 'demo/web', intervalMs: 50, runs: [run(now)] })).toMatchObject({ ok: true, duplicate: false });
    expect(await send(owner, { batchSeq: 2, target: 'demo/web', intervalMs: 50, runs: [run(now + 50)] })).toMatchObject({ ok: true, duplicate: false });
  });

  it('ties a node name to its credential when each node has its own', async () => {
    const { url } = await start({ token: '', nodeTokens: new Map([['node-a', 'token-of-node-a-123'], ['node-b', 'token-of-node-b-456']]) });
    expect(typeof (await connect(url, { token: 'token-of-node-a-123', node: 'node-a', agentId: 'a' }))).not.toBe('string');
    expect(await connect(url, { token: 'token-of-node-a-123', node: 'node-b', agentId: 'b' })).toBe('unauthorized');
    expect(await connect(url, { token: 'token-of-node-a-123', node: 'node-z', agentId: 'z' })).toBe('unauthorized');
  });

  it('bounds the agents remembered and the node labels in /metrics; 300 invented nodes do not grow it', async () => {
    const { url, metrics } = await start({ maxAgents: 20 });
    const before = (await metrics.registry.metrics()).length;
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const socket = await connect(url, { token: TOKEN, node: `invented-${i}`, agentId: `id-${i}` });
      if (typeof socket === 'string') {
        refused++;
        continue;
      }
      await send(socket, { batchSeq: 1, target: 'demo/web', intervalMs: 50, runs: [run(Date.now())] });
      // Every 25th stays connected: those cannot be forgotten while they speak.
      if (i % 25 !== 0) socket.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last disconnects reach the server
    const text = await metrics.registry.metrics();
    const nodeSeries = text.split('\n').filter((l) => l.startsWith('cutover_probe_results_ingested_total{'));
    process.stdout.write(`invented nodes: 300 tried, ${refused} refused, ${nodeSeries.length} node series kept; /metrics ${before} -> ${text.length} bytes\n`);
    expect(nodeSeries.length).toBeLessThanOrEqual(20);
    expect(text.length - before).toBeLessThan(8_000);
  });

  it('refuses year-9999, negative and far-off times, and says why', async () => {
    const { url } = await start();
    const socket = await agent(url, 'node-a');
    const now = Date.now();
    const refused = async (batch: AgentBatchInput) => {
      const ack = await send(socket, batch);
      expect(ack.ok).toBe(false);
      return ack.ok ? '' : ack.error;
    };
    expect(await refused({ batchSeq: 1, target: 't', intervalMs: 50, runs: [run(Date.UTC(9999, 0, 1))] })).toMatch(/invalid batch/);
    expect(await refused({ batchSeq: 2, target: 't', intervalMs: 50, runs: [run(-5)] })).toMatch(/invalid batch/);
    expect(await refused({ batchSeq: 3, target: 't', intervalMs: 50, runs: [run(now + 3_600_000)] })).toMatch(/more than 5 min after the server's clock/);
    expect(await refused({ batchSeq: 4, target: 't', intervalMs: 50, runs: [], proxySyncs: [now - 2 * 86_400_000] })).toMatch(/more than 24 h before/);
    expect(await send(socket, { batchSeq: 5, target: 't', intervalMs: 50, runs: [run(now - 3_600_000)] })).toMatchObject({ ok: true });
  });
});
