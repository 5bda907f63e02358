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
  it('a rollout in progress is not observed', () => {
    const { rollouts, now } = reportAt(12_000);
    expect(rollouts.map((x) => x.outcome)).toEqual(['in-progress']);
    expect(planObservations(rollouts, now, new Set(), FINALIZE)).toEqual({ ended: [] });
  });

  it('an ended rollout is observed with every lag per node, dropped per node, stale and singleton figures', () => {
    const { rollouts, now } = reportAt(30_000);
    const [r] = rollouts;
    expect(r?.outcome).toBe('complete');
    const m = r?.measurements;
    const plan = planObservations(rollouts, now, new Set(), FINALIZE);
    const lag = (l: { node: string; lagMs: { value: number } }) => ({ node: l.node, seconds: Math.max(0, l.lagMs.value) / 1000 });
    expect(plan.ended).toEqual([
      {
        id: 'demo/web#0',
        key: `demo/web#0@${T0 + 10_000}`,
        labels,
        outcome: 'complete',
        controlPlaneOverlapSeconds: (m?.controlPlaneOverlapMs.value ?? NaN) / 1000,
        dataPlaneOverlapSeconds: (m?.dataPlaneOverlapMs?.value ?? NaN) / 1000,
        addLags: r?.lags.add.map(lag),
        removalLags: r?.lags.removal.map(lag),
        droppedByNode: [{ node: 'node-a', count: 4 }],
        staleAfterDeletion: m?.staleResponses.afterDeletion.value,
        staleAfterEndpointRemoval: m?.staleResponses.afterEndpointRemoval.value,
        singleton: { dataPlaneSeconds: (m?.singletonViolation?.dataPlaneMs.value ?? NaN) / 1000, controlPlaneSeconds: (m?.singletonViolation?.controlPlaneMs.value ?? NaN) / 1000 },
      },
    ]);
    // One lag per (pod, node) pair: o1 removed at both nodes, n1 added at both.
    expect(plan.ended[0]?.removalLags.map((l) => l.node)).toEqual(['node-a', 'node-b']);
    expect(plan.ended[0]?.addLags.map((l) => l.node)).toEqual(['node-a', 'node-b']);
    // node-a kept sending to o1 after it left the slice: its removal lag is the larger one.
    const [a, b] = plan.ended[0]?.removalLags ?? [];
    expect(a?.seconds).toBeGreaterThan(b?.seconds ?? Infinity);
  });

  it('an ended rollout already observed is neither observed again nor shown as current', () => {
    const { rollouts, now } = reportAt(30_000);
    const plan = planObservations(rollouts, now, new Set([`demo/web#0@${T0 + 10_000}`]), FINALIZE);
    expect(plan).toEqual({ ended: [] });
    // The same id with another start is another rollout (the Deployment was deleted and created again).
    expect(planObservations(rollouts, now, new Set([`demo/web#0@${T0}`]), FINALIZE).ended).toHaveLength(1);
  });

  it('waits finalizeAfterMs of fold time after the end before observing', () => {
    const { rollouts, now } = reportAt(30_000);
    const endedAt = rollouts[0]?.endedAtMs ?? 0;
    const early = planObservations(rollouts, now, new Set(), { finalizeAfterMs: now - endedAt + 1 });
    expect(early.ended).toEqual([]);
    expect(planObservations(rollouts, now, new Set(), { finalizeAfterMs: now - endedAt }).ended).toHaveLength(1);
  });

  it('a rollout without probe data observes no data-plane overlap or lags rather than false zeros', () => {
    const events = singletonRollout(30_000).filter((e) => e.type !== 'probes');
    // A marker moves fold time past the settle period, as any later event would.
    events.push({ type: 'marker', at: T0 + 30_000, label: 'later', seq: (events.at(-1)?.seq ?? 0) + 1 });
    const state = foldEvents(events);
    const plan = planObservations(buildReport(state).rollouts, state.now, new Set(), FINALIZE);
    expect(plan.ended).toHaveLength(1);
    expect(plan.ended[0]).toMatchObject({ outcome: 'complete', dataPlaneOverlapSeconds: null, addLags: [], removalLags: [], droppedByNode: [] });
  });
});
