import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object-store';
import { ConntrackTable } from './conntrack';
import { type Endpoint, RoundRobin, endpointsOfSlice, routedEndpoints } from './endpoints';

function slice(endpoints: unknown[]): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-x', namespace: 'demo', uid: 'u', resourceVersion: '1', creationTimestamp: '' },
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints,
  };
}

const ep = (address: string, pod: string, conditions: Record<string, boolean>, nodeName = 'node-a') => ({
  addresses: [address],
  conditions,
  targetRef: { kind: 'Pod', name: pod },
  nodeName,
});

describe('endpoint selection', () => {
  it('reads slices, skipping malformed entries', () => {
    const { endpoints, malformed } = endpointsOfSlice(slice([ep('127.77.0.1', 'a', {}), { addresses: [] }, null, { addresses: [7] }]), 80);
    expect(malformed).toBe(3);
    expect(endpoints).toEqual([
      { key: '127.77.0.1:8080', address: '127.77.0.1', port: 8080, pod: 'a', nodeName: 'node-a', ready: true, serving: true, terminating: false },
    ]);
  });

  it('routes to ready endpoints only while any is ready', () => {
    const { endpoints } = endpointsOfSlice(
      slice([
        ep('127.77.0.2', 'b', { ready: true, serving: true, terminating: false }),
        ep('127.77.0.1', 'a', { ready: false, serving: true, terminating: true }),
        ep('127.77.0.3', 'c', { ready: false, serving: false, terminating: false }),
      ]),
      80,
    );
    expect(routedEndpoints(endpoints).map((e) => e.pod)).toEqual(['b']);
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const { endpoints } = endpointsOfSlice(
      slice([
        ep('127.77.0.1', 'a', { ready: false, serving: true, terminating: true }),
        ep('127.77.0.2', 'b', { ready: false, serving: false, terminating: true }),
        ep('127.77.0.3', 'c', { ready: false, serving: false, terminating: false }),
      ]),
      80,
    );
    expect(routedEndpoints(endpoints).map((e) => e.pod)).toEqual(['a']);
    expect(routedEndpoints([])).toEqual([]);
  });

  it('round-robins new connections', () => {
    const { endpoints } = endpointsOfSlice(slice([ep('127.77.0.1', 'a', {}), ep('127.77.0.2', 'b', {}), ep('127.77.0.3', 'c', {})]), 80);
    const rr = new RoundRobin();
    const picks = Array.from({ length: 6 }, () => rr.pick(endpoints)?.pod);
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(rr.pick([])).toBeUndefined();
  });
});

describe('conntrack model', () => {
  const dead: Endpoint = { key: '127.77.0.9:8080', address: '127.77.0.9', port: 8080, pod: 'old', nodeName: 'node-b', ready: true, serving: true, terminating: false };

  it('steers a reused source port to the dead pod for ttl from the failed attempt, without refresh', () => {
    const table = new ConntrackTable({ ttlMs: 10_000, flowBuckets: 1024 });
    const flow = table.flowKey('127.0.0.1', 40_001);
    table.recordFailure(flow, dead, 1000, 1002);
    expect(table.lookup(table.flowKey('127.0.0.1', 40_001), 5000)).toEqual({ endpoint: dead, createdAt: 1000, expiresAt: 11_000 });
    expect(table.lookup(table.flowKey('127.0.0.2', 40_001), 5000)).toBeUndefined(); // other client
    table.recordFailure(flow, dead, 9000, 9001); // the steered attempt failed again: no refresh
    expect(table.lookup(flow, 10_999)?.createdAt).toBe(1000);
    expect(table.lookup(flow, 11_000)).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('a client stepping its source ports by 2 collides with a leftover entry about once per flowBuckets, not every time', () => {
    const table = new ConntrackTable({ ttlMs: 60_000, flowBuckets: 1024 });
    // 20 failed attempts (a node lagging a couple of seconds at 20 probes/s), from even ports as Linux hands them out.
    for (let i = 0; i < 20; i++) table.recordFailure(table.flowKey('127.0.0.1', 40_000 + 2 * i), dead, 0, 0);
    let steered = 0;
    const next = 5000;
    for (let i = 20; i < 20 + next; i++) if (table.lookup(table.flowKey('127.0.0.1', 40_000 + 2 * i), 1) !== undefined) steered++;
    // Expected 20/1024 ≈ 2 %: occasional reuse, as on a real node. (`port % 16` matched every one of them.)
    expect(steered / next).toBeGreaterThan(0.005);
    expect(steered / next).toBeLessThan(0.04);
    // Consecutive even ports spread over every bucket rather than half of them.
    const sixteen = new ConntrackTable({ ttlMs: 1000, flowBuckets: 16 });
    const buckets = new Set(Array.from({ length: 64 }, (_, i) => sixteen.flowKey('c', 40_000 + 2 * i)));
    expect(buckets.size).toBeGreaterThanOrEqual(15);
  });

  it('one bucket makes every flow of a client match; ttl 0 disables it; size is bounded', () => {
    const table = new ConntrackTable({ ttlMs: 1000, flowBuckets: 1 });
    table.recordFailure(table.flowKey('127.0.0.1', 1), dead, 0, 0);
    expect(table.lookup(table.flowKey('127.0.0.1', 2), 10)?.endpoint).toBe(dead);
    const off = new ConntrackTable({ ttlMs: 0, flowBuckets: 1 });
    off.recordFailure('x', dead, 0, 0);
    expect(off.lookup('x', 0)).toBeUndefined();
    const small = new ConntrackTable({ ttlMs: 1000, flowBuckets: 1000, maxEntries: 3 });
    for (let i = 0; i < 10; i++) small.recordFailure(`c#${i}`, dead, 0, 0);
    expect(small.size).toBe(3);
    expect(() => new ConntrackTable({ ttlMs: 1000, flowBuckets: 0 })).toThrow(/flowBuckets/);
  });
});
