import { describe, expect, it } from 'vitest';
import { RECORDINGS, readWatchLines, realEvents } from '../fixtures/real-apiserver/real-events.test-support';
import { slimObject } from '../kube/slim-object';
import { measureAll } from '../measure/measure-rollout';
import { selectRollouts } from '../measure/select-rollouts';
import { foldEvents } from './reduce';

// Scenario 5: the real kube-apiserver recordings fold into exactly their rollouts.
describe.each(RECORDINGS.flatMap((rec) => [[rec, 'watch'], [rec, 'watch-from-list-rv']] as const))('real recording %s (%s)', (rec, variant) => {
  const events = realEvents(rec, variant);
  const state = foldEvents(events);
  // The recording idles 75 s after the last old pod is gone: its end is "now" for the settle period.
  const now = 1795300422581;
  const podLine = (name: string, pred: (o: ReturnType<typeof slimObject>, type: string) => boolean) =>
    readWatchLines(rec, 'Pod', variant).find((l) => { const o = slimObject('Pod', l.event.object); return o.meta.name === name && pred(o, l.event.type); })?.receivedAt;
  const firstDeploymentChange = readWatchLines(rec, 'Deployment', variant).find((l) => l.event.type === 'MODIFIED')?.receivedAt;
  const lastPodDeleted = readWatchLines(rec, 'Pod', variant).filter((l) => l.event.type === 'DELETED').at(-1)?.receivedAt;

  it('folds every event without error', () => {
    expect(state.eventCount).toBe(events.length);
    expect(state.duplicates).toBe(0);
  });

  it('has exactly one rollout of demo/web, revision 1 -> 2, complete', () => {
    const rollouts = selectRollouts(state, { now });
    expect(rollouts).toHaveLength(1);
    const r = rollouts[0];
    expect(r?.deployment).toMatchObject({ namespace: 'demo', name: 'web' });
    expect(r?.record).toMatchObject({ fromRevision: 1, toRevision: 2, fromHash: '7df9dd9c4c', toHash: '67c878cb69', isRollback: false, startedBeforeRecording: false });
    // The patch is first seen on the Deployment (its template fingerprint), before the new ReplicaSet.
    expect(r?.startAt).toBe(firstDeploymentChange);
    expect(r?.outcome).toBe('complete');
    // Complete when the last old pod is gone: new ReplicaSet was fully available before that.
    expect(r?.endAt).toBe(lastPodDeleted);
  });

  it('measures the control-plane overlap and the pod lanes from the real slices', () => {
    const [m] = measureAll(state, { now });
    // Old and new pods are both ready endpoints from the first new pod ready (331614) until the last
    // old one turns not ready (341231).
    const sliceTimes = readWatchLines(rec, 'EndpointSlice', variant).map((l) => ({ at: l.receivedAt, slice: slimObject('EndpointSlice', l.event.object) }));
    const firstNewReady = sliceTimes.find(({ slice }) => slice.kind === 'EndpointSlice' && slice.endpoints.some((e) => e.podName?.startsWith('web-67c878cb69') && e.ready))?.at;
    const lastOldUnready = sliceTimes.find(({ slice }) => slice.kind === 'EndpointSlice' && !slice.endpoints.some((e) => e.podName?.startsWith('web-7df9dd9c4c') && e.ready))?.at;
    expect(firstNewReady).toBeDefined();
    expect(m?.controlPlaneOverlap.total.value).toBe((lastOldUnready ?? 0) - (firstNewReady ?? 0));
    expect(m?.controlPlaneOverlap.spansGap).toBe(false);
    expect(m?.noReadyEndpoint.totalMs).toBe(0);
    expect(m?.singleton).toBeUndefined();
    const old = [...state.pods.values()].find((p) => p.name === 'web-7df9dd9c4c-8k2dj');
    expect(old).toMatchObject({
      deletionObservedAt: podLine('web-7df9dd9c4c-8k2dj', (o) => o.meta.deletionTimestamp !== undefined),
      goneAt: podLine('web-7df9dd9c4c-8k2dj', (_o, type) => type === 'DELETED'),
      gracePeriodSeconds: 30,
      deletionTimestamp: '2026-11-21T22:32:41Z',
      preexisting: true,
    });
    const fresh = [...state.pods.values()].find((p) => p.name === 'web-67c878cb69-gzc2t');
    expect(fresh).toMatchObject({
      createdAt: podLine('web-67c878cb69-gzc2t', () => true),
      scheduledAt: expect.any(Number),
      startedAt: podLine('web-67c878cb69-gzc2t', (o) => o.kind === 'Pod' && o.containerStates[0]?.state === 'running'),
      readyAt: podLine('web-67c878cb69-gzc2t', (o) => o.kind === 'Pod' && o.conditions.some((c) => c.type === 'Ready' && c.status === 'True')),
      preexisting: false,
    });
    // No probes in these recordings: data-plane figures are absent, not zero.
    expect(m?.dataPlaneOverlap.cluster.overlap).toBeUndefined();
    expect(m?.mitigation.find((c) => c.id === 'preStop-covers-removal-lag')?.status).toBe('unknown');
  });
});
