import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { formatRecording } from '../../lib/recording/recording-writer';
import { ScenarioBuilder } from '../../lib/testing/scenario-builder';
import { type AppServer, createAppServer } from '../app-server';
import { UiSubscribers } from './ui-subscriber.test-support';
import { RecordingStore } from '../recording/recording-store';


const t0 = 1_800_000_000_000;

function deployment(name: string, hash: string, t: number): ScenarioBuilder {
  const s = new ScenarioBuilder(t0 + t, 'demo', name);
  const pod = `${name}-${hash}-x`;
  s.deployment(0, { revision: 1, template: 'v1' }, 'added').replicaSet(1, hash, 1, 1, 1, 'added');
  s.pod(2, { name: pod, rs: hash, hash, node: 'node-a', started: true, ready: true }, 'added').slice(3, [{ pod, node: 'node-a', ready: true }], 'added');
  return s;
}

const objectNames = (events: CutoverEvent[]) => events.flatMap((e) => (e.type === 'object' ? [`${e.object.kind}/${e.object.meta.name}`] : []));

describe('UI subscriptions: one Deployment, or a stored recording', () => {
  let server: AppServer;
  let dir: string;
  const subscribers = new UiSubscribers(() => server.url);
  const subscriber = () => subscribers.add();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-ui-sub-'));
    const store = new RecordingStore(dir, () => undefined);
    server = await createAppServer({ port: 0, sources: [], openRecording: (id) => store.openStream(id) });
  });
  afterAll(async () => {
    subscribers.closeAll();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a Deployment subscriber its objects and the node-wide events, snapshot and increments alike', async () => {
    for (const e of [...deployment('web', 'aaaa111', 0).build(), ...deployment('api', 'bbbb222', 10).build()]) server.hub.publish(e);
    const web = subscriber();
    expect(await web.subscribe({ namespace: 'demo', deployment: 'web' })).toMatchObject({ ok: true });
    await web.waitFor(4);
    expect(objectNames(web.received)).toEqual(['Deployment/web', 'ReplicaSet/web-aaaa111', 'Pod/web-aaaa111-x', 'EndpointSlice/web-abc']);

    // Live: a probe batch (node-wide) and the other Deployment's new pod; only the first reaches it.
    const more = new ScenarioBuilder(t0 + 100, 'demo', 'api');
    more.pod(0, { name: 'api-bbbb222-y', rs: 'bbbb222', hash: 'bbbb222', node: 'node-b', started: true, ready: true }, 'added');
    more.probes(1, 'node-a', [['served', 'web-aaaa111-x', 0, 1, 1]]);
    for (const e of more.build()) server.hub.publish(e);
    await web.waitFor(5);
    await new Promise((r) => setTimeout(r, 150)); // one batch window: nothing else comes
    expect(web.received.map((e) => e.type)).toEqual(['object', 'object', 'object', 'object', 'probes']);

    // Resuming after the last event it had: only what it missed, still in scope.
    const lastSeq = web.received.at(-1)?.seq ?? 0;
    for (const e of deployment('web', 'cccc333', 200).build().slice(1)) server.hub.publish(e);
    const again = subscriber();
    expect(await again.subscribe({ namespace: 'demo', deployment: 'web', afterSeq: lastSeq })).toMatchObject({ ok: true });
    await again.waitFor(3);
    expect(objectNames(again.received)).toEqual(['ReplicaSet/web-cccc333', 'Pod/web-cccc333-x', 'EndpointSlice/web-abc']);
  });

  it('streams a stored recording whole, snapshot then batches, from disk', async () => {
    const s = deployment('web', 'aaaa111', 0);
    for (let i = 0; i < 12_000; i++) s.probes(10 + i * 100, `node-${i % 3}`, [['served', 'web-aaaa111-x', 10 + i * 100 - 50, 10 + i * 100 - 50, 1]]);
    const events = s.build();
    await writeFile(path.join(dir, 'long.jsonl'), formatRecording({ cluster: 'test', startedAt: t0, tool: 'test' }, events));
    const sub = subscriber();
    expect(await sub.subscribe({ recording: 'long' })).toEqual({ ok: true, sessionId: 'recording:long', lastSeq: -1 });
    await sub.waitFor(events.length);
    expect(sub.received).toEqual(events);
  });

  it('refuses a missing recording and mixed subscriptions, and counts them', async () => {
    const before = (await server.metrics.registry.getSingleMetricAsString('cutover_rejected_inputs_total')).length;
    const sub = subscriber();
    expect(await sub.subscribe({ recording: 'nope' })).toMatchObject({ ok: false });
    expect(await sub.subscribe({ recording: 'long', namespace: 'demo' })).toMatchObject({ ok: false, error: expect.stringContaining('recording') });
    expect(await sub.subscribe({ deployment: 'web' })).toMatchObject({ ok: false, error: expect.stringContaining('namespace') });
    expect(await sub.subscribe({ recording: '../etc/passwd' })).toMatchObject({ ok: false });
    const after = await server.metrics.registry.getSingleMetricAsString('cutover_rejected_inputs_total');
    expect(after.length).toBeGreaterThan(before);
    expect(after).toContain('reason="unknown recording"');
  });
});
