import { describe, expect, it } from 'vitest';
import { GroundTruth, type RequestRecord } from './ground-truth';
import { deadEndpointFailure } from './node-proxy';
import { PodDirectory } from './pod-directory';
import type { Endpoint } from './endpoints';

const request = (at: number, outcome: RequestRecord['outcome'], pod?: string, stale = false): RequestRecord => ({
  at,
  startedAt: at - 1,
  via: 'node-a',
  outcome,
  pod,
  revision: pod ? 'v1' : undefined,
  stale,
  conntrack: false,
});

describe('GroundTruth', () => {
  it('counts outcomes per node and keeps exact serving spans per pod', () => {
    const truth = new GroundTruth({ now: () => 99 });
    const a = truth.recorder('node-a');
    a.request(request(10, 'served', 'web-1'));
    a.request(request(20, 'served', 'web-1', true));
    a.request(request(30, 'timeout', 'web-1'));
    truth.recorder('node-b').request(request(15, 'refused'));
    const snap = truth.snapshot();
    expect(snap.totals).toEqual({ served: 2, refused: 1, timeout: 1, reset: 0, stale: 1, conntrack: 0 });
    expect(snap.nodes['node-a']?.totals.served).toBe(2);
    expect(snap.serving).toEqual([
      { node: 'node-a', pod: 'web-1', revision: 'v1', firstServedAt: 10, lastServedAt: 20, count: 2, staleCount: 1, lastStaleAt: 20 },
    ]);
    expect(JSON.parse(JSON.stringify(snap)).takenAt).toBe(99);
  });

  it('keeps only the last N requests and applications, counting what it dropped', () => {
    const truth = new GroundTruth({ maxRequests: 3, maxApplications: 2 });
    const a = truth.recorder('node-a');
    for (let i = 0; i < 10; i++) a.request(request(i, 'served', 'p'));
    a.synced(5, [], [1, 2, 3].map((i) => ({ node: 'node-a', change: 'added' as const, pod: `p${i}`, address: 'x', changedAt: 0, appliedAt: i, lagMs: i })));
    const snap = truth.snapshot();
    expect(snap.requests.map((r) => r.at)).toEqual([7, 8, 9]);
    expect(snap.requestsDropped).toBe(7);
    expect(snap.applications.map((x) => x.pod)).toEqual(['p2', 'p3']);
    expect(snap.serving[0]?.count).toBe(10);
  });
});

describe('deadEndpointFailure', () => {
  const endpoint: Endpoint = { key: '127.77.0.5:8080', address: '127.77.0.5', port: 8080, pod: 'p', nodeName: 'node-b', ready: true, serving: true, terminating: false };
  const pods = new PodDirectory();
  pods.apply({
    rv: 1,
    resource: 'pods',
    type: 'ADDED',
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'demo', uid: 'u', resourceVersion: '1', creationTimestamp: '' }, spec: { nodeName: 'node-b' }, status: { podIP: '127.77.0.5' } },
  });

  it('same node: refused while the address exists, timeout once gone', () => {
    expect(deadEndpointFailure(endpoint, 'node-b', pods, () => false)).toBe('refused');
    expect(deadEndpointFailure(endpoint, 'node-b', new PodDirectory(), () => false)).toBe('timeout');
  });

  it('another node: timeout unless the rate-limited ICMP error gets through', () => {
    expect(deadEndpointFailure(endpoint, 'node-a', pods, () => false)).toBe('timeout');
    expect(deadEndpointFailure(endpoint, 'node-a', pods, () => true)).toBe('refused');
  });
});
