import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { equivalenceStreams } from './equivalence-streams.test-support';
import { measureRollout } from './measure-rollout';
import { referenceDataPlaneDoneAt, referenceDataPlaneOverlap, referenceStaleResponses } from './measure-reference.test-support';
import { selectDeploymentRollouts } from './select-rollouts';

// The lags, stale responses and data-plane overlap share walks over the runs and skip runs that cannot
// count; they must give exactly what one walk per figure gives, value for value.
describe.each(equivalenceStreams())('optimised measurements equal the straightforward ones: %s', (_name, events) => {
  const state = foldEvents(events);
  const deployments = selectDeploymentRollouts(state);

  it('has rollouts with probe runs to compare (generated and hand-built streams)', () => {
    expect(deployments.flatMap((d) => d.rollouts).length).toBeGreaterThan(0);
  });

  it('finds each rollout\'s last old response (its data plane done) as one walk per rollout does', () => {
    for (const d of deployments) expect(d.rollouts.map((r) => r.dataPlaneDoneAt)).toEqual(referenceDataPlaneDoneAt(d.rollouts, d.runs, state.now));
  });

  it('gives the same stale responses and data-plane overlap for every rollout', () => {
    for (const d of deployments) {
      for (const r of d.rollouts) {
        const m = measureRollout(state, d, r);
        expect(m.stale).toEqual(referenceStaleResponses(state, r, d.runs));
        expect(m.dataPlaneOverlap).toEqual(referenceDataPlaneOverlap(state, r, d.runs));
      }
    }
  });
});

describe('the streams exercise what the optimisations skip', () => {
  it('some rollouts have stale responses, add and removal lags', () => {
    const measured = equivalenceStreams().flatMap(([, events]) => {
      const state = foldEvents(events);
      return selectDeploymentRollouts(state).flatMap((d) => d.rollouts.map((r) => measureRollout(state, d, r)));
    });
    expect(measured.some((m) => m.stale.afterDeletion.value > 0)).toBe(true);
    expect(measured.some((m) => m.stale.afterEndpointRemoval.value > 0)).toBe(true);
    expect(measured.some((m) => m.addLags.length > 0 && m.removalLags.length > 0)).toBe(true);
    expect(measured.some((m) => m.dataPlaneOverlap.perNode.length > 1)).toBe(true);
  });
});
