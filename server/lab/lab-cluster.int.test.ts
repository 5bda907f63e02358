import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, Pod } from './api/kube-types';
import type { StoreChange } from './api/object-store';
import type { SliceEndpoint } from './controllers/endpoint-slice-controller';
import type { PodLifecycleEvent } from './kubelet/pod-worker';
import { LabCluster } from './lab-cluster';

/**
 * Control-plane behaviour checked against what the recorded real v1.28 control plane did
 * (the fixture this project was given): graceful deletion, EndpointSlice conditions, rollout bounds,
 * status shape, Recreate, progress deadline.
 */
describe('lab control plane', () => {
  let lab: LabCluster | undefined;
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
  });

  const record = (l: LabCluster) => {
    const changes: StoreChange[] = [];
    l.store.subscribe((c) => changes.push(structuredClone(c)));
    return changes;
  };
  const rolledOut = (d: Deployment) =>
    d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' &&
    d.status?.updatedReplicas === d.spec.replicas &&
    d.status?.replicas === d.spec.replicas &&
    d.status?.availableReplicas === d.spec.replicas &&
    d.status?.conditions?.some((c) => c.reason === 'NewReplicaSetAvailable') === true;

  it('rolls out like the real controllers: graceful deletion, slice conditions, surge bounds, status shape', async () => {
    const lifecycle: Array<{ pod: string; event: PodLifecycleEvent; at: number }> = [];
    lab = await LabCluster.start({ scenario: 'fixed', timeScale: 20, onPodLifecycle: (pod, event, at) => lifecycle.push({ pod: pod.name, event, at }) });
    const oldPods = lab.pods().map((p) => p.metadata.name);
    const changes = record(lab);
    const patchedAt = Date.now();
    lab.rollout();
    await lab.waitForDeployment(rolledOut, 20_000);
    await new Promise((r) => setTimeout(r, 1200)); // old pods finish preStop + drain (5 s / 20 + a bit)

    // One old pod's life, in store order (= resourceVersion order), as in the recorded streams.
    const victim = oldPods[0] ?? '';
    const podEvents = changes.filter((c) => c.resource === 'pods' && c.object.metadata.name === victim).map((c) => ({ type: c.type, pod: c.object as Pod }));
    const firstDeleting = podEvents.find((e) => e.pod.metadata.deletionTimestamp !== undefined);
    expect(firstDeleting?.pod.metadata.deletionGracePeriodSeconds).toBe(15);
    const requested = Date.parse(firstDeleting?.pod.metadata.deletionTimestamp ?? '') - 15_000 / 20;
    expect(Math.abs(requested - Date.now())).toBeLessThan(10_000);
    const last = podEvents.at(-1);
    const beforeLast = podEvents.at(-2);
    expect(last?.type).toBe('DELETED');
    expect(beforeLast?.pod.metadata.deletionGracePeriodSeconds).toBe(0); // the kubelet's grace-0 delete
    expect(Date.parse(beforeLast?.pod.metadata.deletionTimestamp ?? '')).toBeLessThanOrEqual(Date.parse(firstDeleting?.pod.metadata.deletionTimestamp ?? ''));
    expect(podEvents.some((e) => e.pod.status?.phase === 'Succeeded')).toBe(true); // drained and exited by itself

    // Its endpoint: true/true/false → false/true/true (one update), kept through preStop, then removed before DELETED.
    const sliceStates: string[] = [];
    let removedAt = -1;
    for (const [index, c] of changes.entries()) {
      if (c.resource !== 'discovery.k8s.io/endpointslices') continue;
      const endpoint = ((c.object.endpoints as SliceEndpoint[] | undefined) ?? []).find((e) => e.targetRef.name === victim);
      const state = endpoint ? `${endpoint.conditions.ready}/${endpoint.conditions.serving}/${endpoint.conditions.terminating}` : 'gone';
      if (sliceStates.at(-1) !== state) sliceStates.push(state);
      if (state === 'gone' && removedAt < 0) removedAt = index;
    }
    expect(sliceStates).toEqual(['true/true/false', 'false/true/true', 'gone']);
    const deletedAt = changes.findIndex((c) => c.type === 'DELETED' && c.object.metadata.name === victim);
    expect(removedAt).toBeGreaterThan(-1);
    expect(removedAt).toBeLessThan(deletedAt);

    // New pods enter the slice not ready (false/false/false) before they are ready.
    const newPod = lab.pods().find((p) => !oldPods.includes(p.metadata.name))?.metadata.name ?? '';
    const firstSeen = changes
      .filter((c) => c.resource === 'discovery.k8s.io/endpointslices')
      .map((c) => ((c.object.endpoints as SliceEndpoint[] | undefined) ?? []).find((e) => e.targetRef.name === newPod))
      .find((e) => e !== undefined);
    expect(firstSeen?.conditions).toEqual({ ready: false, serving: false, terminating: false });

    // maxSurge 1 / maxUnavailable 0: never more than 4 pods not terminating, never fewer than 3 ready endpoints.
    for (const c of changes) {
      if (c.resource === 'discovery.k8s.io/endpointslices') {
        const ready = ((c.object.endpoints as SliceEndpoint[] | undefined) ?? []).filter((e) => e.conditions.ready).length;
        expect(ready).toBeGreaterThanOrEqual(3);
      }
    }
    const live = new Map<string, boolean>();
    for (const c of changes) {
      if (c.resource !== 'pods') continue;
      live.set(c.object.metadata.name, c.type !== 'DELETED' && c.object.metadata.deletionTimestamp === undefined);
      expect([...live.values()].filter(Boolean).length).toBeLessThanOrEqual(4);
    }

    // Deployment status: generation moves before observedGeneration, zero counters are omitted.
    const deployments = changes.filter((c) => c.resource === 'apps/deployments').map((c) => c.object as Deployment);
    expect(deployments[0]?.metadata.generation).toBe(2);
    expect(deployments[0]?.status?.observedGeneration).toBe(1);
    for (const d of deployments) for (const [key, value] of Object.entries(d.status ?? {})) expect(value, key).not.toBe(0);
    expect(deployments.map((d) => d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason)).toEqual(
      expect.arrayContaining(['NewReplicaSetCreated', 'ReplicaSetUpdated', 'NewReplicaSetAvailable']),
    );

    // Kubelet timing: preStop (5 s) before SIGTERM; minReadySeconds (5 s) before an old pod goes.
    const preStop = lifecycle.find((e) => e.pod === victim && e.event.type === 'prestop-started');
    const sigterm = lifecycle.find((e) => e.pod === victim && e.event.type === 'sigterm');
    expect((sigterm?.at ?? 0) - (preStop?.at ?? 0)).toBeGreaterThanOrEqual(5000 / 20 - 5);
    const firstNewReady = lifecycle.find((e) => !oldPods.includes(e.pod) && e.event.type === 'ready');
    const firstTermination = lifecycle.find((e) => oldPods.includes(e.pod) && e.event.type === 'prestop-started');
    expect((firstTermination?.at ?? 0) - (firstNewReady?.at ?? 0)).toBeGreaterThanOrEqual(5000 / 20 - 20);
    expect(firstTermination?.at ?? 0).toBeGreaterThan(patchedAt);
  });

  it('wires the data plane: each node proxy routes real requests to the pods in the slice', async () => {
    lab = await LabCluster.start({ scenario: 'broken', timeScale: 20 });
    const dataPlane = lab.dataPlane;
    expect(dataPlane).toBeDefined();
    const podNames = lab.pods().map((p) => p.metadata.name);
    const deadline = Date.now() + 5000;
    let served: string | null = null;
    while (served === null && Date.now() < deadline) {
      const response = await fetch(dataPlane?.nodeProxyUrl('node-a') ?? '').catch(() => undefined);
      served = response?.ok ? response.headers.get('x-cutover-pod') : null;
      if (served === null) await new Promise((r) => setTimeout(r, 50));
    }
    expect(podNames).toContain(served);
  });

  it('Recreate starts the new pod only once every old pod has stopped (terminal phase, as oldPodsRunning checks)', async () => {
    lab = await LabCluster.start({ scenario: 'singleton-recreate', timeScale: 20 });
    const old = lab.pods()[0]?.metadata.name ?? '';
    const changes = record(lab);
    lab.rollout();
    await lab.waitForDeployment(rolledOut, 20_000);
    const oldStopped = changes.findIndex((c) => c.object.metadata.name === old && ['Succeeded', 'Failed'].includes((c.object as Pod).status?.phase ?? ''));
    const newAdded = changes.findIndex((c) => c.resource === 'pods' && c.type === 'ADDED');
    expect(oldStopped).toBeGreaterThan(-1);
    expect(newAdded).toBeGreaterThan(oldStopped);
  });

  it('a revision that never gets ready exceeds its progress deadline while the old pods keep serving', async () => {
    lab = await LabCluster.start({ scenario: 'never-ready', timeScale: 20 });
    lab.rollout();
    const d = await lab.waitForDeployment((x) => x.status?.conditions?.some((c) => c.reason === 'ProgressDeadlineExceeded') === true, 15_000);
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
  });

  it('rejects what the real API rejects: 422 for maxSurge and maxUnavailable both 0, 409 for a stale resourceVersion', async () => {
    lab = await LabCluster.start({ scenario: 'broken', timeScale: 20 });
    const url = `${lab.apiUrl}/apis/apps/v1/namespaces/demo/deployments/web`;
    const current = (await (await fetch(url)).json()) as Deployment;
    const bad = await fetch(url, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { strategy: { rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } } } }),
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ kind: 'Status', code: 422, reason: 'Invalid' });
    const stale = { ...current, metadata: { ...current.metadata, resourceVersion: '1' } };
    const conflict = await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(stale) });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ kind: 'Status', code: 409, reason: 'Conflict' });
    const missing = await fetch(`${lab.apiUrl}/api/v1/namespaces/demo/pods/nope`);
    expect(missing.status).toBe(404);
  });
});
