import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentScope } from '../../lib/events/deployment-scope';
import type { CutoverEvent, CutoverEventInput } from '../../lib/events/event-schema';
import { readRecording } from '../../lib/recording/recording-reader';
import { ScenarioBuilder } from '../../lib/testing/scenario-builder';
import { type AppServer, createAppServer } from '../app-server';
import { UiSubscribers } from './ui-subscriber.test-support';
import { SessionRecorder } from '../recording/session-recorder';


const t0 = 1_800_000_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** Probe batches from three nodes, with a Deployment and a second one's objects among them. */
function sessionEvents(count: number): CutoverEventInput[] {
  const s = new ScenarioBuilder(t0, 'demo', 'web');
  s.deployment(0, { revision: 1, template: 'v1' }, 'added').replicaSet(1, 'aaaa111', 1, 1, 1, 'added');
  s.pod(2, { name: 'web-aaaa111-x', rs: 'aaaa111', hash: 'aaaa111', node: 'node-a', started: true, ready: true }, 'added');
  const api = new ScenarioBuilder(t0, 'demo', 'api');
  api.deployment(5, { revision: 1, template: 'v1' }, 'added').replicaSet(6, 'bbbb222', 1, 1, 1, 'added');
  for (let i = 0; i < count; i++) {
    const t = 10 + i;
    s.probes(t, `node-${i % 3}`, [['served', 'web-aaaa111-x', t - 5, t, 2]]);
    if (i === count / 2) api.pod(t, { name: 'api-bbbb222-y', rs: 'bbbb222', hash: 'bbbb222', node: 'node-b', started: true, ready: true }, 'added');
  }
  return [...s.build(), ...api.build()].sort((a, b) => a.at - b.at);
}

describe('a recorded session: the hub keeps a window, browsers still get the whole session', () => {
  let server: AppServer;
  let recorder: SessionRecorder;
  let dir: string;
  const subscribers = new UiSubscribers(() => server.url);
  const subscriber = () => subscribers.add();
  /** The session as written to the recording: the ground truth every subscriber is compared to. */
  const fromFile = async () => (await readRecording(await readFile(recorder.file, 'utf8'))).events;
  const waitWritten = async () => {
    for (let i = 0; i < 1000 && recorder.writtenSeq < server.hub.lastSeq; i++) await sleep(10);
    expect(recorder.writtenSeq).toBe(server.hub.lastSeq);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-history-'));
    server = await createAppServer({ port: 0, sources: [] });
    recorder = new SessionRecorder(dir, { cluster: 'test', startedAt: t0, tool: 'test' }, 'history');
    await recorder.start(server.hub);
    server.hub.retainWith(recorder, { windowEvents: 500, windowMs: 600_000 });
    const events = sessionEvents(50_000);
    for (let i = 0; i < events.length; i += 2000) {
      for (const e of events.slice(i, i + 2000)) server.hub.publish(e as CutoverEventInput);
      await sleep(1); // let the file writes land, as a live session's do between batches
    }
    await waitWritten();
    server.hub.evict();
  }, 60_000);
  afterAll(async () => {
    subscribers.closeAll();
    await recorder.stop();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('evicted all but the window from memory', () => {
    expect(server.hub.lastSeq).toBeGreaterThan(50_000);
    expect(server.hub.retained).toBe(500);
    expect(server.hub.floorSeq).toBe(server.hub.lastSeq - 500);
    expect(() => server.hub.since(0)).toThrow(/evicted/);
  });

  it('sends a fresh subscriber every event exactly once, in order: a complete snapshot, then batches', async () => {
    const expected = await fromFile();
    const sub = subscriber();
    expect(await sub.subscribe({})).toMatchObject({ ok: true, lastSeq: server.hub.lastSeq });
    await sub.waitForSeq(server.hub.lastSeq);
    await sleep(100);
    expect(sub.received.map((e) => e.seq)).toEqual(range(1, server.hub.lastSeq));
    expect(sub.received).toEqual(expected);
    expect(sub.snapshots).toEqual([{ complete: true, size: expect.any(Number) }]);
    expect(sub.snapshots[0]?.size).toBeLessThan(expected.length);
    expect(sub.batches).toBeGreaterThan(1);
  });

  it('sends a subscriber resuming from an evicted seq exactly what it missed', async () => {
    const expected = (await fromFile()).filter((e) => e.seq > 12_345);
    const sub = subscriber();
    expect(await sub.subscribe({ afterSeq: 12_345 })).toMatchObject({ ok: true });
    await sub.waitForSeq(server.hub.lastSeq);
    await sleep(100);
    expect(sub.received).toEqual(expected);
    expect(sub.snapshots.map((s) => s.complete)).toEqual([false]);
  });

  it('filters a Deployment subscription alike from the file and from memory, resuming from memory too', async () => {
    const scope = new DeploymentScope('demo', 'web');
    const expected = (await fromFile()).filter((e) => scope.admit(e));
    expect(expected.some((e) => e.type === 'object' && e.object.meta.name.startsWith('api'))).toBe(false);
    const fresh = subscriber();
    await fresh.subscribe({ namespace: 'demo', deployment: 'web' });
    await fresh.waitForSeq(expected.at(-1)?.seq ?? 0);
    // From memory (above the floor): the scope still learned the Deployment's pods from the file.
    const after = server.hub.floorSeq + 100;
    const pod = expected.find((e): e is Extract<CutoverEvent, { type: 'object' }> => e.type === 'object' && e.object.kind === 'Pod');
    if (!pod) throw new Error('the session has no pod of web');
    server.hub.publish({ ...pod, action: 'modified', at: t0 + 60_000 });
    await waitWritten();
    const resumed = subscriber();
    await resumed.subscribe({ namespace: 'demo', deployment: 'web', afterSeq: after });
    await resumed.waitForSeq(server.hub.lastSeq);
    await sleep(100);
    expect(fresh.received.slice(0, expected.length)).toEqual(expected);
    const all = await fromFile();
    const again = new DeploymentScope('demo', 'web');
    expect(resumed.received).toEqual(all.filter((e) => again.admit(e) && e.seq > after));
    expect(resumed.received.at(-1)?.type).toBe('object');
  });

  it('gives a subscriber joining while events keep arriving (and the floor moves) no gap and no duplicate', async () => {
    const node = (i: number) => `node-${i % 3}`;
    let i = 0;
    let publishing = true;
    // ~40k events/s for the duration of the catch-up: the window of 500 moves many times while the file streams.
    const publisher = (async () => {
      while (publishing) {
        for (let k = 0; k < 200; k++, i++) server.hub.publish({ type: 'probes', at: t0 + 100_000 + i, node: node(i), intervalMs: 10, offsetUncertaintyMs: 0, runs: [['served', 'web-aaaa111-x', 'aaaa111', 200, t0 + 100_000 + i, t0 + 100_000 + i, 1, 1, 1, 1]] });
        await sleep(5);
      }
    })();
    const floorAtStart = server.hub.floorSeq;
    const subs = [subscriber(), subscriber()];
    await Promise.all([subs[0]?.subscribe({}), sleep(30).then(() => subs[1]?.subscribe({ afterSeq: 1000 }))]);
    await sleep(1500);
    publishing = false;
    await publisher;
    expect(server.hub.floorSeq).toBeGreaterThan(floorAtStart + 10_000);
    await waitWritten();
    for (const s of subs) await s.waitForSeq(server.hub.lastSeq);
    await sleep(100);
    const all = await fromFile();
    expect(subs[0]?.received.map((e) => e.seq)).toEqual(range(1, server.hub.lastSeq));
    expect(subs[0]?.received).toEqual(all);
    expect(subs[1]?.received.map((e) => e.seq)).toEqual(range(1001, server.hub.lastSeq));
  }, 60_000);
});
