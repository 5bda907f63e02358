import { describe, expect, it } from 'vitest';
import { generateRolloutRecording } from '../../bench/ui-bench-data';
import { equivalenceStreams } from '../measure/equivalence-streams.test-support';
import { measureAll } from '../measure/measure-rollout';
import { createFoldState } from './fold-state';
import { foldEvents } from './reduce';

const runCount = (state: ReturnType<typeof foldEvents>) => [...state.nodes.values()].reduce((n, t) => n + t.runs.length, 0);
// Merging nothing but touching runs of a stable pod: the runs as sent.
const unmerged = () => createFoldState({ stableMergeGapMs: -1 });

describe('merging the served runs of stable pods during a rollout', () => {
  it.each(equivalenceStreams())('measures exactly what the runs as sent measure: %s', (_name, events) => {
    const merged = foldEvents(events);
    const asSent = foldEvents(events, unmerged());
    expect(runCount(merged)).toBeLessThanOrEqual(runCount(asSent));
    expect(measureAll(merged)).toEqual(measureAll(asSent));
  });

  it('keeps a hundred-pod rollout to a fraction of its runs', () => {
    const { events } = generateRolloutRecording({ nodes: 10, replicas: 50, durationMs: 20 * 60_000, probeIntervalMs: 1000, batchMs: 5000, answersAfterRemovalMs: 1000, seed: 5 });
    const merged = foldEvents(events);
    const asSent = foldEvents(events, unmerged());
    expect(runCount(asSent)).toBeGreaterThan(10_000);
    expect(runCount(merged)).toBeLessThan(runCount(asSent) / 4);
    const m = measureAll(merged);
    expect(m).toEqual(measureAll(asSent));
    // Not vacuous: the rollout has lags, drops and stale responses to get wrong.
    expect(m[0]?.removalLags.length).toBeGreaterThan(0);
    expect(m[0]?.dropped.total.value).toBeGreaterThan(0);
    expect(m[0]?.stale.afterDeletion.hi).toBeGreaterThan(0);
  });
});
