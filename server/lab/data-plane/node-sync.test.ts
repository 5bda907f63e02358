import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LabClock } from '../lab-clock';
import type { Endpoint } from './endpoints';
import { GroundTruth } from './ground-truth';
import type { LagModel } from './lag-model';
import { NodeSync } from './node-sync';

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
    const { programs, sync, truth } = setup({ kind: 'fixed', ms: 500 }, 0);
    sync.initialise(new Map([['s', [endpoint('a')]]]), 0);
    sync.onSliceChange('s', [endpoint('a'), endpoint('bb')], 100);
    vi.advanceTimersByTime(599);
    expect(programs.map((p) => p.pods)).toEqual([['a']]);
    vi.advanceTimersByTime(1);
    expect(programs.at(-1)).toEqual({ at: 600, pods: ['a', 'bb'] });
    const added = truth.snapshot().applications.find((x) => x.pod === 'bb');
    expect(added).toMatchObject({ change: 'added', changedAt: 100, appliedAt: 600, lagMs: 500 });
  });

  it('bounds syncs by minSyncPeriod with a burst of 2, applying the latest state', () => {
    const { programs, sync, truth } = setup({ kind: 'fixed', ms: 0 }, 1000);
    sync.initialise(new Map(), 0); // uses one token
    vi.advanceTimersByTime(2000); // bucket full again
    sync.onSliceChange('s', [endpoint('a')], 2000);
    vi.advanceTimersByTime(0);
    sync.onSliceChange('s', [endpoint('a'), endpoint('bb')], 2000);
    vi.advanceTimersByTime(0);
    sync.onSliceChange('s', [endpoint('bb')], 2000); // third: waits for a token
    sync.onSliceChange('s', [endpoint('bb'), endpoint('ccc')], 2000); // coalesces
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
    const { programs, sync } = setup({ kind: 'fixed', ms: 100 }, 0, { fromMs: 1000, toMs: 5000 });
    sync.initialise(new Map(), 0);
    sync.markEpoch(1000);
    vi.advanceTimersByTime(2500);
    sync.onSliceChange('s', [endpoint('a')], 2500);
    vi.advanceTimersByTime(3000); // t = 5500: the window [2000, 6000) is still closed
    expect(programs).toHaveLength(1);
    vi.advanceTimersByTime(500);
    expect(programs.at(-1)).toEqual({ at: 6000, pods: ['a'] });
  });

  it('never reorders jittered deliveries', () => {
    const { programs, sync } = setup({ kind: 'jitter', minMs: 0, maxMs: 2000 }, 0);
    sync.initialise(new Map(), 0);
    for (let i = 1; i <= 20; i++) sync.onSliceChange('s', [endpoint('x'.repeat(i))], i);
    vi.advanceTimersByTime(5000);
    const sizes = programs.slice(1).map((p) => p.pods[0]?.length ?? 0);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes.at(-1)).toBe(20);
  });

  it('stop cancels what is in flight', () => {
    const { programs, sync } = setup({ kind: 'fixed', ms: 100 }, 0);
    sync.initialise(new Map(), 0);
    sync.onSliceChange('s', [endpoint('a')], 0);
    sync.stop();
    vi.advanceTimersByTime(1000);
    expect(programs).toHaveLength(1);
  });
});
