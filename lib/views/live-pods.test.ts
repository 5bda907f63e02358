import { describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../events/event-schema';
import { slimPod } from '../kube/slim-pod';
import { foldLivePods, sortedPods } from './live-pods';

function podEvent(seq: number, action: 'added' | 'modified' | 'deleted', name: string, uid: string, extra: Record<string, unknown> = {}): CutoverEvent {
  const object = slimPod({
    metadata: { name, namespace: 'demo', uid, resourceVersion: String(seq), labels: { 'pod-template-hash': 'h1' }, ...extra },
    spec: { nodeName: 'node-a' },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
  return { seq, at: 1000 + seq, type: 'object', action, object };
}

describe('foldLivePods', () => {
  it('adds, updates and removes pods by uid', () => {
    const events = [
      podEvent(1, 'added', 'web-b', 'u2'),
      podEvent(2, 'added', 'web-a', 'u1'),
      podEvent(3, 'modified', 'web-a', 'u1', { deletionTimestamp: '2026-11-21T22:00:00Z' }),
    ];
    const pods = foldLivePods(new Map(), events);
    expect(sortedPods(pods).map((p) => [p.name, p.terminating, p.ready, p.revision, p.node])).toEqual([
      ['web-a', true, true, 'h1', 'node-a'],
      ['web-b', false, true, 'h1', 'node-a'],
    ]);
    const after = foldLivePods(pods, [podEvent(4, 'deleted', 'web-a', 'u1')]);
    expect(sortedPods(after).map((p) => p.name)).toEqual(['web-b']);
  });

  it('tells a recreated pod of the same name from the old one', () => {
    const pods = foldLivePods(new Map(), [podEvent(1, 'added', 'db-0', 'old'), podEvent(2, 'deleted', 'db-0', 'old'), podEvent(3, 'added', 'db-0', 'new')]);
    expect([...pods.keys()]).toEqual(['new']);
  });

  it('returns the same state when nothing relevant happened', () => {
    const state = foldLivePods(new Map(), [podEvent(1, 'added', 'a', 'u')]);
    expect(foldLivePods(state, [{ seq: 2, at: 5, type: 'marker', label: 'x' }])).toBe(state);
  });
});

describe('livePodsFromFold', () => {
  it('lists the pods not gone, terminating ones marked', async () => {
    const { foldEvents } = await import('../fold/reduce');
    const { livePodsFromFold } = await import('./live-pods');
    const state = foldEvents([podEvent(1, 'added', 'web-b', 'u2'), podEvent(2, 'added', 'web-a', 'u1'), podEvent(3, 'modified', 'web-a', 'u1', { deletionTimestamp: '2026-11-21T22:00:00Z' }), podEvent(4, 'added', 'web-c', 'u3'), podEvent(5, 'deleted', 'web-c', 'u3')]);
    expect(livePodsFromFold(state.pods.values(), state.now).map((p) => [p.name, p.terminating])).toEqual([
      ['web-a', true],
      ['web-b', false],
    ]);
  });
});
