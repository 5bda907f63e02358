import { describe, expect, it } from 'vitest';
import { createFoldState } from '../fold/fold-state';
import type { ProbeRunRecord } from '../fold/fold-types';
import { addProbeSendTimes, createProbeSendTimes } from '../fold/probe-send-times';
import { nextProbeAfter, previousProbeBefore } from './probe-neighbours';

function stateWith(runs: Array<[pod: string, first: number, last: number]>, mergedAsSent: Array<[first: number, last: number]> = []) {
  const state = createFoldState();
  const records: ProbeRunRecord[] = runs.map(([pod, first, last]) => ({ node: 'n', outcome: 'served', pod, revision: null, status: 200, first, last, count: 1, latMin: 1, latMax: 1, latSum: 1, target: undefined }));
  const sent = createProbeSendTimes(2);
  for (const [first, last] of mergedAsSent) addProbeSendTimes(sent, first, last, 1);
  // A run made of those is marked: where its probes were is in `sent`, not in its own first and last.
  if (mergedAsSent.length > 0) records.push({ ...records[0]!, pod: 'merged', first: Math.min(...mergedAsSent.map((r) => r[0])), last: Math.max(...mergedAsSent.map((r) => r[1])), stableMerged: true });
  state.nodes.set('n', { node: 'n', intervalMs: 50, maxUncertaintyMs: 0, runs: records, open: [], sent, lastFailureAt: Number.NEGATIVE_INFINITY, firstAt: 0, lastAt: 0 });
  return state;
}

describe('probe neighbours', () => {
  it('reads the probes around a switch from the runs the node really sent, late timers included', () => {
    // old pod until 1000, a probe 90 ms late, then the new pod.
    const state = stateWith([['old', 800, 1000], ['new', 1090, 1400]]);
    expect(nextProbeAfter(state, 'n', 1000)).toBe(1090);
    expect(previousProbeBefore(state, 'n', 1090)).toBe(1000);
  });

  it('says nothing where a run goes on across the time asked about (probes inside have no exact times)', () => {
    const state = stateWith([['a', 800, 1200], ['b', 1000, 1000], ['c', 1300, 1300]]);
    expect(nextProbeAfter(state, 'n', 1000)).toBeUndefined();
    expect(previousProbeBefore(state, 'n', 1000)).toBeUndefined();
    expect(nextProbeAfter(state, 'n', 1200)).toBe(1300);
  });

  it('finds neighbours when runs were stored out of start order, and nothing past the ends', () => {
    const state = stateWith([['b', 300, 300], ['a', 100, 200], ['c', 500, 600]]);
    expect(nextProbeAfter(state, 'n', 300)).toBe(500);
    expect(previousProbeBefore(state, 'n', 300)).toBe(200);
    expect(nextProbeAfter(state, 'n', 600)).toBeUndefined();
    expect(previousProbeBefore(state, 'n', 100)).toBeUndefined();
    expect(nextProbeAfter(state, 'other', 0)).toBeUndefined();
  });

  it('reads the runs merged during a rollout as they were sent, not as the one run they became', () => {
    // 'merged' was sent as 500, 1200 and 1600; other pods' runs fall between.
    const state = stateWith([['a', 700, 700], ['b', 1300, 1300]], [[500, 500], [1200, 1200], [1600, 1600]]);
    expect(nextProbeAfter(state, 'n', 700)).toBe(1200);
    expect(previousProbeBefore(state, 'n', 1300)).toBe(1200);
    expect(nextProbeAfter(state, 'n', 1300)).toBe(1600);
  });
});
