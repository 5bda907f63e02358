import { describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../events/event-schema';
import { foldEvents } from '../fold/reduce';
import { slimPod } from '../kube/slim-pod';
import { livePodsFromFold } from './live-pods';

function podEvent(seq: number, action: 'added' | 'modified' | 'deleted', name: string, uid: string, extra: Record<string, unknown> = {}): CutoverEvent {
  const object = slimPod({
    metadata: { name, namespace: 'demo', uid, resourceVersion: String(seq), labels: { 'pod-template-hash': 'h1' }, ...extra },
    spec: { nodeName: 'node-a' },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
  return { seq, at: 1000 + seq, type: 'object', action, object };
}

const live = (events: CutoverEvent[]) => {
  const state = foldEvents(events);
  return livePodsFromFold(state.pods.values(), state.now);
};

describe('livePodsFromFold', () => {
  it('adds, updates and removes pods by uid, sorted by name', () => {
    const events = [
      podEvent(1, 'added', 'web-b', 'u2'),
      podEvent(2, 'added', 'web-a', 'u1'),
      podEvent(3, 'modified', 'web-a', 'u1', { deletionTimestamp: '2026-11-21T22:00:00Z' }),
    ];
    expect(live(events).map((p) => [p.name, p.terminating, p.ready, p.revision, p.node])).toEqual([
      ['web-a', true, true, 'h1', 'node-a'],
      ['web-b', false, true, 'h1', 'node-a'],
    ]);
    expect(live([...events, podEvent(4, 'deleted', 'web-a', 'u1')]).map((p) => p.name)).toEqual(['web-b']);
  });

  it('tells a recreated pod of the same name from the old one', () => {
    const pods = live([podEvent(1, 'added', 'db-0', 'old'), podEvent(2, 'deleted', 'db-0', 'old'), podEvent(3, 'added', 'db-0', 'new')]);
    expect(pods.map((p) => p.uid)).toEqual(['new']);
  });
});
