import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod, makeInformer } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabCluster } from './lab-cluster';

async function until(condition: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** @kubernetes/client-node informers list and watch the lab as they do a real cluster, and relist after 410 Gone. */
describe('client-node informers against the lab', () => {
  let lab: LabCluster;
  let kc: KubeConfig;

  beforeAll(async () => {
    lab = await LabCluster.start({ scenario: 'broken', timeScale: 20, port: 0 });
    kc = new KubeConfig();
    kc.loadFromString(lab.kubeconfig());
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('lists and watches pods, then relists after the store was compacted while it was away', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Pod>(kc, '/api/v1/namespaces/demo/pods', () => core.listNamespacedPod({ namespace: 'demo' }));
    const added: string[] = [];
    const deleted: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (pod) => added.push(pod.metadata?.name ?? ''));
    informer.on('delete', (pod) => deleted.push(pod.metadata?.name ?? ''));
    informer.on('error', (error) => errors.push(error));
    await informer.start();
    try {
      await until(() => informer.list().length === 3, 5000, 'the initial list');
      const initial = informer.list().map((p) => p.metadata?.name ?? '');

      // Live: a bare pod created through the store arrives through the watch.
      const bare = lab.createPod({ app: 'other' }, 'bare-');
      await until(() => added.includes(bare.metadata.name), 5000, 'the watched ADDED');

      // Away: the informer stops, a whole rollout happens, and the history it would resume from is compacted.
      await informer.stop();
      lab.rollout();
      await lab.waitForDeployment((d) => d.status?.updatedReplicas === 3 && d.status.replicas === 3 && d.status.availableReplicas === 3, 20_000);
      await until(() => lab.pods().filter((p) => p.metadata.name.startsWith('web-')).length === 3, 20_000, 'old pods gone');
      lab.store.compact();

      // What the informer still holds: stop() aborts its watch, but events already on the wire can still
      // land (a fast rollout at this time scale), so what vanished is judged from its cache, not `initial`.
      const cached = informer.list().map((p) => p.metadata?.name ?? '');
      deleted.length = 0;
      await informer.start(); // resumes from its old resourceVersion: 410, then a relist
      const names = () => JSON.stringify(informer.list().map((p) => p.metadata?.name ?? '').sort());
      const expected = () => JSON.stringify(lab.pods().map((p) => p.metadata.name).sort());
      await until(() => names() === expected(), 10_000, 'the relist').catch((error: unknown) => {
        throw new Error(`${String(error)}: informer has ${names()}, lab has ${expected()}`);
      });
      // Synthetic deletes for what vanished during the gap: old pods it still had (at least one of them).
      const vanished = cached.filter((name) => !lab.pods().some((p) => p.metadata.name === name));
      expect(vanished.length).toBeGreaterThan(0);
      expect(vanished.every((name) => initial.includes(name))).toBe(true);
      expect(deleted.sort()).toEqual(vanished.sort());
      // informer.stop() aborts its watch, which client-node reports as an AbortError; nothing else may fail.
      expect(errors.filter((e) => !(e instanceof Error && e.name === 'AbortError'))).toEqual([]);

      // And it keeps watching after the relist.
      const another = lab.createPod({ app: 'other' }, 'bare-');
      await until(() => informer.list().some((p) => p.metadata?.name === another.metadata.name), 5000, 'watch after relist');
    } finally {
      await informer.stop();
    }
  });

  it('answers a watch from a compacted resourceVersion with an ERROR event carrying a 410 Status', async () => {
    const old = '1';
    lab.store.compact();
    const response = await fetch(`${lab.apiUrl}/api/v1/namespaces/demo/pods?watch=1&resourceVersion=${old}`);
    expect(response.status).toBe(200);
    const text = await response.text(); // the stream ends after the error
    const event = JSON.parse(text.trim().split('\n')[0] ?? '{}') as { type: string; object: { kind: string; code: number; reason: string } };
    expect(event).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('watches Deployments with bookmarks and a label selector', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const list = await apps.listNamespacedDeployment({ namespace: 'demo', labelSelector: 'app=web' });
    expect(list.items.map((d) => d.metadata?.name)).toEqual(['web']);
    expect(list.items[0]?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const none = await apps.listNamespacedDeployment({ namespace: 'demo', labelSelector: 'app=nothing' });
    expect(none.items).toEqual([]);
    const rv = list.metadata?.resourceVersion ?? '';
    const controller = new AbortController();
    const response = await fetch(`${lab.apiUrl}/apis/apps/v1/namespaces/demo/deployments?watch=1&resourceVersion=${rv}&timeoutSeconds=1&labelSelector=app%3Dweb`, { signal: controller.signal });
    const started = Date.now();
    await apps.patchNamespacedDeploymentScale({ namespace: 'demo', name: 'web', body: [{ op: 'replace', path: '/spec/replicas', value: 4 }] }); // client-node sends JSON patch by default
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { generation?: number }; status?: { observedGeneration?: number } } });
    expect(Date.now() - started).toBeLessThan(3000); // timeoutSeconds ended the stream
    expect(lines[0]?.type).toBe('MODIFIED');
    // generation moves before observedGeneration catches up
    expect(lines[0]?.object.metadata.generation).toBeGreaterThan(lines[0]?.object.status?.observedGeneration ?? 0);
  });
});
