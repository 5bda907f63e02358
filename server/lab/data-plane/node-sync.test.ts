import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LabClock } from '../lab-clock';
import type { Endpoint } from './endpoints';
import { GroundTruth } from './ground-truth';
import type { LagModel } from './lag-model';
import { NodeSync, type SliceChange, readinessFlips } from './node-sync';

const endpoint = (pod: string, ready = true): Endpoint => ({
  key: `127.77.0.${pod.length}:8080-${pod}`,
  address: `127.77.0.${pod.length}`,
  port: 8080,
  pod,
  nodeName: 'node-a',
  ready,
  serving: ready,
  terminating: !ready,
});

/** Successive versions of slice 's', with their flips, as the DataPlane would send them. */
function versions() {
  let last: Endpoint[] | undefined;
  return (endpoints: Endpoint[], sentAt: number): SliceChange => {
    const flips = readinessFlips(last, endpoints);
    last = endpoints;
    return { slice: 's', endpoints, flips, sentAt };
  };
}

function setup(lag: LagModel, minSyncPeriodMs: number, cutOff?: { fromMs: number; toMs: number }) {
  const clock = new LabClock(1);
  const truth = new GroundTruth({ now: () => clock.now() });
  const programs: Array<{ at: number; pods: Array<string | undefined> }> = [];
  const sync = new NodeSync({
    name: 'node-a',
    lag,
    minSyncPeriodMs,
    cutOff,
    clock,
    recorder: truth.recorder('node-a'),
    program: (endpoints) => programs.push({ at: clock.now(), pods: endpoints.map((e) => e.pod) }),
  });
  return { clock, truth, programs, sync };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('NodeSync (a node applying EndpointSlice changes)', () => {
  it('programs the initial state at once, then each change after the node lag', () => {
    const v = versions();
    const { programs, sync, truth } = setup({ kind: 'fixed', ms: 500 }, 0);
    sync.initialise(new Map([['s', [endpoint('a')]]]), 0);
    sync.onSliceChange(v([endpoint('a'), endpoint('bb')], 100));
    vi.advanceTimersByTime(599);
    expect(programs.map((p) => p.pods)).toEqual([['a']]);
    vi.advanceTimersByTime(1);
    expect(programs.at(-1)).toEqual({ at: 600, pods: ['a', 'bb'] });
    const added = truth.snapshot().applications.find((x) => x.pod === 'bb');
    expect(added).toMatchObject({ change: 'added', changedAt: 100, appliedAt: 600, lagMs: 500 });
  });

  it('bounds syncs by minSyncPeriod with a burst of 2, applying the latest state', () => {
    const v = versions();
    const { programs, sync, truth } = setup({ kind: 'fixed', ms: 0 }, 1000);
    sync.initialise(new Map(), 0); // uses one token
    vi.advanceTimersByTime(2000); // bucket full again
    sync.onSliceChange(v([endpoint('a')], 2000));
    vi.advanceTimersByTime(0);
    sync.onSliceChange(v([endpoint('a'), endpoint('bb')], 2000));
    vi.advanceTimersByTime(0);
    sync.onSliceChange(v([endpoint('bb')], 2000)); // third: waits for a token
    sync.onSliceChange(v([endpoint('bb'), endpoint('ccc')], 2000)); // coalesces
    vi.advanceTimersByTime(3000);
    expect(programs.map((p) => [p.at, p.pods])).toEqual([
      [0, []],
      [2000, ['a']],
      [2000, ['a', 'bb']],
      [3000, ['bb', 'ccc']],
    ]);
    const removedA = truth.snapshot().applications.find((x) => x.pod === 'a' && x.change === 'removed');
    expect(removedA?.lagMs).toBe(1000); // all sync wait: the node saw the change at once
    expect(truth.snapshot().nodes['node-a']?.syncs).toBe(4);
  });

  it('holds every change through a cut-off window counted from the epoch', () => {
    const v = versions();
    const { programs, sync } = setup({ kind: 'fixed', ms: 100 }, 0, { fromMs: 1000, toMs: 5000 });
    sync.initialise(new Map(), 0);
    sync.markEpoch(1000);
    vi.advanceTimersByTime(2500);
    sync.onSliceChange(v([endpoint('a')], 2500));
    vi.advanceTimersByTime(3000); // t = 5500: the window [2000, 6000) is still closed
    expect(programs).toHaveLength(1);
    vi.advanceTimersByTime(500);
    expect(programs.at(-1)).toEqual({ at: 6000, pods: ['a'] });
  });

  it('never reorders jittered deliveries', () => {
    const v = versions();
    const { programs, sync } = setup({ kind: 'jitter', minMs: 0, maxMs: 2000 }, 0);
    sync.initialise(new Map(), 0);
    for (let i = 1; i <= 20; i++) sync.onSliceChange(v([endpoint('x'.repeat(i))], i));
    vi.advanceTimersByTime(5000);
    const sizes = programs.slice(1).map((p) => p.pods[0]?.length ?? 0);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes.at(-1)).toBe(20);
  });

  it('dates a removal by the readiness flip that caused it, not by later changes of the slice', () => {
    const v = versions();
    const { sync, truth } = setup({ kind: 'fixed', ms: 0 }, 1000);
    sync.initialise(new Map(), 0);
    sync.onSliceChange(v([endpoint('a'), endpoint('bb')], 0));
    vi.advanceTimersByTime(3000);
    sync.onSliceChange(v([endpoint('a', false), endpoint('bb')], 3000)); // a terminates: syncs at once
    vi.advanceTimersByTime(100);
    sync.onSliceChange(v([endpoint('bb'), endpoint('ccc', false)], 3100)); // a gone, ccc not ready
    sync.onSliceChange(v([endpoint('bb'), endpoint('ccc')], 3200)); // ccc ready: no token left, waits until 1 s after the last sync
    vi.advanceTimersByTime(3000);
    const apps = truth.snapshot().applications;
    expect(apps.find((x) => x.pod === 'a' && x.change === 'removed')).toMatchObject({ changedAt: 3000, appliedAt: 3000 });
    expect(apps.find((x) => x.pod === 'ccc')).toMatchObject({ change: 'added', changedAt: 3200, appliedAt: 4100, lagMs: 900 });
  });

  it('counts every sync and when the last one ran and was queued, as kube-proxy exports them', () => {
    const v = versions();
    const { sync } = setup({ kind: 'fixed', ms: 100 }, 1000);
    sync.initialise(new Map(), 0);
    expect(sync.syncMetrics).toMatchObject({ syncs: 1, lastSyncAt: 0, lastQueuedAt: undefined, endpointChanges: 0 });
    sync.onSliceChange(v([endpoint('a')], 500));
    sync.onSliceChange(v([endpoint('a'), endpoint('bb')], 550));
    vi.advanceTimersByTime(600); // t=600: the first arrives and syncs at once
    vi.advanceTimersByTime(50); // t=650: the second arrives, the burst's second token syncs it at once
    expect(sync.syncMetrics).toMatchObject({ syncs: 3, lastSyncAt: 650, lastQueuedAt: 650, endpointChanges: 2 });
    expect(sync.syncMetrics.durationCounts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('stop cancels what is in flight', () => {
    const v = versions();
    const { programs, sync } = setup({ kind: 'fixed', ms: 100 }, 0);
    sync.initialise(new Map(), 0);
    sync.onSliceChange(v([endpoint('a')], 0));
    sync.stop();
    vi.advanceTimersByTime(1000);
    expect(programs).toHaveLength(1);
  });
});
