import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../lib/fold/reduce';
import { buildReport } from '../../lib/report/report-model';
import { planObservations } from './rollout-observations';
import { T0, singletonRollout } from './rollout-stream.test-support';

const labels = { namespace: 'demo', deployment: 'web' };
const FINALIZE = { finalizeAfterMs: 5_000 };

function reportAt(until: number) {
  const state = foldEvents(singletonRollout(until));
  return { rollouts: buildReport(state).rollouts, now: state.now };
}

describe('planObservations: measurements → metric observations', () => {
  it('a rollout in progress gives gauges and no observation', () => {
    const { rollouts, now } = reportAt(12_000);
    expect(rollouts.map((r) => r.outcome)).toEqual(['in-progress']);
    const plan = planObservations(rollouts, now, new Set(), FINALIZE);
    expect(plan.ended).toEqual([]);
    expect(plan.current).toEqual([
      {
        id: 'demo/web#0',
        labels,
        inProgress: true,
        startedSeconds: (T0 + 10_000) / 1000,
        controlPlaneOverlapSeconds: 0.07,
        dataPlaneOverlapSeconds: 0.24,
        maxAddLagSeconds: 0.5,
        maxRemovalLagSeconds: 0.18,
        dropped: 4,
        staleAfterDeletion: 5,
        singletonDataPlaneSeconds: 0.24,
      },
    ]);
  });

  it('an ended rollout is observed with every lag per node, dropped per node, stale and singleton figures', () => {
    const { rollouts, now } = reportAt(30_000);
    const [rollout] = rollouts;
    expect(rollout?.outcome).toBe('complete');
    const plan = planObservations(rollouts, now, new Set(), FINALIZE);
    expect(plan.current).toEqual([]);
    expect(plan.ended).toEqual([
      {
        id: 'demo/web#0',
        labels,
        outcome: 'complete',
        controlPlaneOverlapSeconds: 0.07,
        dataPlaneOverlapSeconds: 0.24,
        addLags: [
          { node: 'node-a', seconds: 0.5 },
          { node: 'node-b', seconds: 0.01 },
        ],
        removalLags: [
          { node: 'node-a', seconds: 0.18 },
          { node: 'node-b', seconds: 0 },
        ],
        droppedByNode: [{ node: 'node-a', count: 4 }],
        staleAfterDeletion: 5,
        staleAfterEndpointRemoval: 4,
        singleton: { dataPlaneSeconds: 0.24, controlPlaneSeconds: 0.07 },
      },
    ]);
    // The observation carries the report's own figures: one lag per (pod, node) pair in the report.
    expect(plan.ended[0]?.removalLags).toHaveLength(rollout?.lags.removal.length ?? -1);
  });

  it('an ended rollout already observed is neither observed again nor shown as current', () => {
    const { rollouts, now } = reportAt(30_000);
    const plan = planObservations(rollouts, now, new Set(['demo/web#0']), FINALIZE);
    expect(plan).toEqual({ ended: [], current: [] });
  });

  it('waits finalizeAfterMs of fold time after the end before observing, and keeps the gauges meanwhile', () => {
    const { rollouts, now } = reportAt(30_000);
    const endedAt = rollouts[0]?.endedAtMs ?? 0;
    const early = planObservations(rollouts, now, new Set(), { finalizeAfterMs: now - endedAt + 1 });
    expect(early.ended).toEqual([]);
    expect(early.current.map((c) => [c.id, c.inProgress])).toEqual([['demo/web#0', false]]);
    expect(planObservations(rollouts, now, new Set(), { finalizeAfterMs: now - endedAt }).ended).toHaveLength(1);
  });

  it('a rollout without probe data observes no data-plane overlap or lags rather than false zeros', () => {
    const events = singletonRollout(30_000).filter((e) => e.type !== 'probes');
    // A marker moves fold time past the settle period, as any later event would.
    events.push({ type: 'marker', at: T0 + 30_000, label: 'later', seq: (events.at(-1)?.seq ?? 0) + 1 });
    const state = foldEvents(events);
    const plan = planObservations(buildReport(state).rollouts, state.now, new Set(), FINALIZE);
    expect(plan.ended).toHaveLength(1);
    expect(plan.ended[0]).toMatchObject({ outcome: 'complete', controlPlaneOverlapSeconds: 0.07, dataPlaneOverlapSeconds: null, addLags: [], removalLags: [], droppedByNode: [] });
  });
});
