import fc from 'fast-check';
import { type Socket, io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_NAMESPACE, type AgentToServerEvents, type ServerToAgentEvents } from '../../lib/agent-contract';
import { cutoverEventSchema } from '../../lib/events/event-schema';
import { readRecording } from '../../lib/recording/recording-reader';
import { formatRecording } from '../../lib/recording/recording-writer';
import { type ClientToServerEvents, type ServerToClientEvents, UI_NAMESPACE } from '../../lib/socket-contract';
import { type AppServer, createAppServer } from '../../server/app-server';
import { ProbeSource } from '../../server/sources/probe/probe-source';
import { EXTREME_NUMBERS, EXTREME_STRINGS, FuzzCounts, jsonMutation, mutateJson } from '../support/fuzz-mutations';

const TOKEN = 'fuzz-agent-token';
const AGENTS = 5; // each has its own rate limit (burst 100): the batches below fit in it

function connect<S extends Socket>(url: string, auth?: Record<string, unknown>): Promise<S> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(auth ? { auth } : {}) }) as S;
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Agent batches near the contract: numbers and strings at the edges, fields missing or of the wrong type. */
const now = Date.now();
/** Mostly a sane value, sometimes an edge: a batch with one bad field is refused whole, so most must be good. */
const mostly = <T, E>(good: fc.Arbitrary<T>, edge: fc.Arbitrary<E>) => fc.oneof({ weight: 40, arbitrary: good }, { weight: 1, arbitrary: edge });
const time = mostly(fc.integer({ min: now - 3_600_000, max: now + 1000 }), fc.constantFrom(...EXTREME_NUMBERS));
const run = fc.tuple(
  mostly(fc.constantFrom('served', 'refused', 'timeout', 'reset', 'http-error'), fc.constant('bogus')),
  mostly(fc.constantFrom(null, 'web-1', 'web-2'), fc.constantFrom(...EXTREME_STRINGS)),
  fc.oneof(fc.constant(null), fc.constant('v1')),
  mostly(fc.constantFrom(null, 200, 503), fc.constantFrom(...EXTREME_NUMBERS)),
  time,
  time,
  mostly(fc.integer({ min: 1, max: 100 }), fc.constantFrom(...EXTREME_NUMBERS)),
  mostly(fc.constantFrom(0, 1), fc.constantFrom(2.5, -1, 1e308)),
  mostly(fc.constantFrom(1, 2), fc.constantFrom(1e308, 0.5)),
  mostly(fc.constantFrom(3, 30), fc.constantFrom(1e308, -1)),
).map((r) => (r[4] <= r[5] ? r : [r[0], r[1], r[2], r[3], r[5], r[4], r[6], r[7], r[8], r[9]]));
const batch = fc
  .record({
    target: mostly(fc.constant('demo/web'), fc.constantFrom(...EXTREME_STRINGS)),
    intervalMs: mostly(fc.constant(50), fc.constantFrom(...EXTREME_NUMBERS)),
    runs: fc.array(run, { maxLength: 6 }),
    droppedResults: mostly(fc.nat(10), fc.constantFrom(...EXTREME_NUMBERS)),
    droppedFrom: fc.option(time, { nil: undefined }),
    proxySyncs: fc.array(fc.oneof(time, fc.record({ syncedAt: time, upperBound: fc.boolean(), notBefore: fc.option(time, { nil: undefined }), endpoints: fc.option(fc.array(fc.constantFrom('10.0.0.1:80', ''), { maxLength: 3 }), { nil: undefined }), rulesReadAt: fc.option(time, { nil: undefined }) })), { maxLength: 3 }),
  })
  .chain((b) => fc.tuple(fc.constant(b), mostly(fc.constant([]), fc.array(jsonMutation, { minLength: 1, maxLength: 2 }))).map(([value, mutations]) => mutations.reduce<unknown>((v, m) => mutateJson(v, m), value)));

/** Subscribe requests: the real shapes with edge values, and anything at all. */
const subscribe = fc.oneof(
  fc.record({ namespace: fc.option(fc.constantFrom(...EXTREME_STRINGS), { nil: undefined }), deployment: fc.option(fc.constantFrom(...EXTREME_STRINGS), { nil: undefined }), afterSeq: fc.option(fc.constantFrom(...EXTREME_NUMBERS), { nil: undefined }) }),
  fc.record({ recording: fc.constantFrom(...EXTREME_STRINGS, 'no-such-recording') }),
  fc.anything(),
);

describe('fuzz: agent batches and socket messages against a real server', () => {
  let server: AppServer;
  beforeAll(async () => {
    server = await createAppServer({ port: 0, sources: [new ProbeSource({ token: TOKEN, clockIntervalMs: 60_000 })] });
  });
  afterAll(() => server.close());

  it('agent batches: every one answered, nothing stored that a recording cannot hold (0 crashes, 0 stored corruption)', async () => {
    const counts = new FuzzCounts();
    const started = Date.now();
    const agents: Array<Socket<ServerToAgentEvents, AgentToServerEvents>> = [];
    for (let i = 0; i < AGENTS; i++) {
      const agent = await connect<Socket<ServerToAgentEvents, AgentToServerEvents>>(`${server.url}${AGENTS_NAMESPACE}`, { token: TOKEN, node: `node-${i}`, agentId: `fuzz-${i}` });
      agent.on('clock', (ack) => ack(Date.now()));
      agents.push(agent);
    }
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(batch, fc.nat(), async (body, which) => {
        counts.add('batches tried');
        const agent = agents[which % AGENTS];
        if (!agent) throw new Error('no agent');
        const sent = typeof body === 'object' && body !== null && !Array.isArray(body) ? { batchSeq: seq++, ...body } : body;
        const ack = (await agent.timeout(5000).emitWithAck('batch', sent as never)) as { ok: boolean; retryAfterMs?: number };
        expect(typeof ack.ok).toBe('boolean');
        counts.add(ack.ok ? 'accepted' : ack.retryAfterMs !== undefined ? 'rate-limited' : 'refused');
      }),
      { numRuns: 400 },
    );
    for (const agent of agents) agent.close();
    const stored = server.hub.since(0);
    expect(stored.filter((e) => !cutoverEventSchema.safeParse(e).success)).toEqual([]);
    const back = await readRecording(formatRecording({ cluster: 'fuzz', startedAt: now, tool: 'fuzz' }, stored));
    expect(back.problems).toEqual([]);
    expect(back.events).toEqual(stored);
    counts.add('events stored', stored.length);
    counts.print('agent batches', started);
    expect(counts.get('rate-limited')).toBe(0);
  });

  it('subscribe messages and agent handshakes: every one answered, the server still serves', async () => {
    const counts = new FuzzCounts();
    const started = Date.now();
    const ui = await connect<Socket<ServerToClientEvents, ClientToServerEvents>>(`${server.url}${UI_NAMESPACE}`);
    await fc.assert(
      fc.asyncProperty(subscribe, async (request) => {
        counts.add('subscribe messages tried');
        const ack = (await ui.timeout(5000).emitWithAck('subscribe', request as never)) as { ok: boolean };
        expect(typeof ack.ok).toBe('boolean');
        counts.add(ack.ok ? 'subscribed' : 'refused');
      }),
      { numRuns: 400 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.record({ token: fc.constantFrom(TOKEN, ...EXTREME_STRINGS), node: fc.constantFrom(...EXTREME_STRINGS, 'node-x'), agentId: fc.constantFrom(...EXTREME_STRINGS, 'id-x') })), async (auth) => {
        counts.add('agent handshakes tried');
        const socket = io(`${server.url}${AGENTS_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: auth as Record<string, unknown> });
        // A handshake socket.io cannot even decode (auth that is not an object) closes the connection without a word to the client.
        const answer = await new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve('closed'), 1000);
          socket.once('connect', () => resolve('admitted'));
          socket.once('connect_error', () => resolve('refused'));
          socket.io.once('close', () => setTimeout(() => resolve('closed'), 50));
          void timer;
        });
        socket.close();
        counts.add(`handshakes ${answer}`);
      }),
      { numRuns: 100 },
    );
    expect(((await ui.timeout(5000).emitWithAck('subscribe', {})) as { ok: boolean }).ok).toBe(true);
    ui.close();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    counts.print('socket messages', started);
  });
});
