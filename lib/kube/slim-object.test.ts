import { describe, expect, it } from 'vitest';
import { readWatchLines } from '../fixtures/real-apiserver/real-events.test-support';
import { slimDeployment } from './slim-deployment';
import { slimObject, WATCHED_KINDS } from './slim-object';
import { isPodReady, slimPod } from './slim-pod';
import { slimReplicaSet } from './slim-replica-set';
import { slimEndpointSlice } from './slim-endpoint-slice';
import { sleepSecondsOfCommand } from './slim-container';

const REC = 'rolling-update';

describe('slim projections on the real watch streams', () => {
  it.each(WATCHED_KINDS.flatMap((kind) => [[kind, 'watch'], [kind, 'watch-from-list-rv']] as const))(
    'projects every %s line (%s) and keeps nothing it should not',
    (kind, variant) => {
      const lines = readWatchLines(REC, kind, variant).filter((l) => l.event.type !== 'BOOKMARK');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const slim = slimObject(kind, line.event.object);
        const text = JSON.stringify(slim);
        expect(slim.kind).toBe(kind);
        expect(text).not.toContain('managedFields');
        expect(text).not.toContain('last-applied-configuration');
        expect(text).not.toContain('VERSION'); // env names and values
        expect(text).not.toContain('registry.local'); // images
        expect(text).not.toContain('demo.example/rollout'); // annotations outside the allow-list
        expect(text.length).toBeLessThan(JSON.stringify(line.event.object).length * 0.6);
      }
    },
  );

  it('Deployment: strategy, settings, revision and a fingerprint that changes with the template only', () => {
    const lines = readWatchLines(REC, 'Deployment', 'watch');
    const first = slimDeployment(lines[0]?.event.object);
    const last = slimDeployment(lines.at(-1)?.event.object);
    expect(first).toMatchObject({
      replicas: 3,
      revision: 1,
      strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'web', readinessProbe: { handler: 'httpGet', initialDelaySeconds: 3, periodSeconds: 2 }, preStop: { kind: 'exec-sleep', sleepSeconds: 5 } }],
      status: { replicas: 3, updatedReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 },
    });
    expect(last.revision).toBe(2);
    expect(last.templateFingerprint).not.toBe(first.templateFingerprint);
    const fingerprints = new Set(lines.map((l) => slimDeployment(l.event.object).templateFingerprint));
    expect(fingerprints.size).toBe(2);
  });

  it('ReplicaSet: hash, revision, counters with omitted zeros', () => {
    const lines = readWatchLines(REC, 'ReplicaSet', 'watch');
    const added = slimReplicaSet(lines[1]?.event.object);
    expect(added).toMatchObject({ templateHash: '67c878cb69', revision: 2, replicas: 1, status: { replicas: 0, readyReplicas: 0, availableReplicas: 0 } });
    expect(added.meta.owner).toMatchObject({ kind: 'Deployment', name: 'web' });
  });

  it('Pod: container states, deletion with grace, probe and preStop', () => {
    const lines = readWatchLines(REC, 'Pod', 'watch').map((l) => ({ type: l.event.type, pod: slimPod(l.event.object) }));
    const creating = lines.find((l) => l.pod.containerStates[0]?.state === 'waiting');
    expect(creating?.pod.containerStates[0]).toMatchObject({ state: 'waiting', reason: 'ContainerCreating' });
    const deleting = lines.find((l) => l.pod.meta.deletionTimestamp !== undefined);
    expect(deleting?.pod.meta).toMatchObject({ name: 'web-7df9dd9c4c-8k2dj', deletionGracePeriodSeconds: 30 });
    expect(deleting && isPodReady(deleting.pod)).toBe(true);
    const deleted = lines.find((l) => l.type === 'DELETED');
    expect(deleted?.pod).toMatchObject({ phase: 'Succeeded', meta: { deletionGracePeriodSeconds: 0 } });
    expect(deleted?.pod.containerStates[0]).toMatchObject({ state: 'terminated', exitCode: 0, reason: 'Completed' });
    expect(lines[0]?.pod).toMatchObject({ templateHash: '7df9dd9c4c', terminationGracePeriodSeconds: 30, containers: [{ preStop: { kind: 'exec-sleep', sleepSeconds: 5 } }] });
  });

  it('EndpointSlice: conditions, targetRef, node, service and the trigger-time annotation', () => {
    const lines = readWatchLines(REC, 'EndpointSlice', 'watch');
    const slice = slimEndpointSlice(lines[3]?.event.object);
    expect(slice.serviceName).toBe('web');
    const term = slice.endpoints.find((e) => e.podName === 'web-7df9dd9c4c-8k2dj');
    expect(term).toMatchObject({ ready: false, serving: true, terminating: true });
    expect(term?.nodeName).toMatch(/^node-/);
    expect(slimEndpointSlice(lines[0]?.event.object).meta.annotations['endpoints.kubernetes.io/last-change-trigger-time']).toBe('2026-11-21T22:31:58Z');
  });
});

describe('sleepSecondsOfCommand', () => {
  it.each([
    [['sleep', '5'], 5],
    [['/bin/sh', '-c', 'sleep 7 && nginx -s quit'], 7],
    [['sh', '-c', 'sleep 2.5'], 2.5],
    [['/usr/bin/sleep', '10'], 10],
    [['nginx', '-s', 'quit'], undefined],
    [['echo', 'nosleep 5'], undefined],
  ])('%j -> %s', (command, seconds) => {
    expect(sleepSecondsOfCommand(command)).toBe(seconds);
  });
});
