import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/kube-types';
import { triggerTime, type SliceEndpoint } from './endpoint-slice-controller';
import { rankForDeletion } from './pod-ranking';

const pod = (name: string, opts: { node?: string; phase?: 'Pending' | 'Running'; ready?: boolean; created?: string; readyAt?: string } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, uid: name, resourceVersion: '1', creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z' },
  spec: { containers: [{ name: 'web' }], ...(opts.node ? { nodeName: opts.node } : {}) },
  status: {
    phase: opts.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False', lastTransitionTime: opts.readyAt ?? '2026-01-01T00:00:05Z' }],
  },
});

describe('ReplicaSet deletion order', () => {
  it('deletes unscheduled, then pending, then not-ready, then newest-ready pods first', () => {
    const pods = [
      pod('ready-old', { node: 'a', ready: true, created: '2026-01-01T00:00:00Z' }),
      pod('ready-new', { node: 'a', ready: true, created: '2026-01-01T00:01:00Z' }),
      pod('not-ready', { node: 'a' }),
      pod('pending', { node: 'a', phase: 'Pending' }),
      pod('unscheduled', { phase: 'Pending' }),
    ];
    const readySince = (p: Pod) => (p.metadata.name === 'ready-new' ? 2000 : 1000);
    expect(rankForDeletion(pods, readySince).map((p) => p.metadata.name)).toEqual(['unscheduled', 'pending', 'not-ready', 'ready-new', 'ready-old']);
  });
});

describe('EndpointSlice last-change-trigger-time', () => {
  const endpoint = (name: string, ready: boolean, terminating: boolean): SliceEndpoint => ({
    addresses: ['127.77.0.1'],
    conditions: { ready: ready && !terminating, serving: ready, terminating },
    targetRef: { kind: 'Pod', namespace: 'demo', name, uid: name },
  });
  it('is the readiness transition of a pod that became ready', () => {
    const p = pod('a', { ready: true, readyAt: '2026-01-01T00:00:09Z' });
    expect(triggerTime([p], [endpoint('a', false, false)], [endpoint('a', true, false)])).toBe('2026-01-01T00:00:09Z');
  });
  it('is absent when the only change is a termination (as in the recorded streams)', () => {
    const p = pod('a', { ready: true });
    expect(triggerTime([p], [endpoint('a', true, false)], [endpoint('a', true, true)])).toBeUndefined();
  });
});
