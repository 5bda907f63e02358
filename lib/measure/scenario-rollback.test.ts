import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { ScenarioBuilder } from '../testing/scenario-builder';
import { measureAll } from './measure-rollout';
import { selectRollouts } from './select-rollouts';

// Scenario 3: the new pods never become ready, then `kubectl rollout undo`: the first rollout is rolled
// back and the undo (to the old template, re-using its ReplicaSet with a new revision) is its own rollout.
const OLD = 'aaaa111';
const NEW = 'bbbb222';
const t0 = 1_800_000_000_000;
const o = (i: number) => ({ name: `web-${OLD}-o${i}`, rs: OLD, hash: OLD, node: `node-${i}`, started: true, ready: true });
const n1 = { name: `web-${NEW}-n1`, rs: NEW, hash: NEW, node: 'node-1' };

function build(deploymentFirst: boolean, deadlineAt?: number): ScenarioBuilder {
  const s = new ScenarioBuilder();
  const v1 = { revision: 1, template: 'v1' };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 3, 3, 'added');
  for (const i of [1, 2, 3]) s.pod(0, o(i), 'added');
  const oldEndpoints = [1, 2, 3].map((i) => ({ pod: o(i).name, node: `node-${i}`, ready: true }));
  s.slice(0, oldEndpoints, 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { revision: 2, template: 'v2' });
  s.pod(10_100, { ...n1, node: undefined }, 'added').pod(10_200, n1).pod(11_000, { ...n1, started: true });
  s.slice(11_050, [...oldEndpoints, { pod: n1.name, node: 'node-1', ready: false }]);
  s.probes(30_000, 'node-1', [['served', o(1).name, 0, 29_990, 200], ['served', o(2).name, 10, 29_980, 200], ['served', o(3).name, 20, 29_970, 200]]);
  if (deadlineAt !== undefined) s.deployment(deadlineAt, { revision: 2, template: 'v2', deadlineExceeded: true });
  // rollout undo at 60 s: template back to v1, the old ReplicaSet becomes revision 3.
  s.deployment(60_000, { revision: 2, template: 'v1' });
  if (deploymentFirst) s.deployment(60_040, { revision: 3, template: 'v1' }).replicaSet(60_050, OLD, 3, 3, 3);
  else s.replicaSet(60_040, OLD, 3, 3, 3).deployment(60_050, { revision: 3, template: 'v1' });
  s.replicaSet(60_070, NEW, 2, 0, 0).pod(60_100, { ...n1, started: true, deleting: true });
  s.slice(60_250, oldEndpoints).pod(60_300, { ...n1, started: true, deleting: true }, 'deleted');
  s.probes(61_000, 'node-1', [['served', o(1).name, 30_000, 60_990, 200], ['served', o(2).name, 30_010, 60_980, 200], ['served', o(3).name, 30_020, 60_970, 200]]);
  return s;
}

describe.each([['ReplicaSet seen first', false], ['Deployment seen first', true]])('scenario 3: rollback (%s)', (_label, deploymentFirst) => {
  const state = foldEvents(build(deploymentFirst).build());
  const now = t0 + 90_000;

  it('the stuck rollout is rolled back; the undo is its own rollout, to the old template', () => {
    const [stuck, undo, ...rest] = selectRollouts(state, { now });
    expect(rest).toHaveLength(0);
    expect(stuck).toMatchObject({ outcome: 'rolled-back', startAt: t0 + 10_000, endAt: t0 + 60_000 });
    expect(stuck?.record).toMatchObject({ fromRevision: 1, toRevision: 2, fromHash: OLD, toHash: NEW, isRollback: false });
    expect(undo).toMatchObject({ outcome: 'complete', startAt: t0 + 60_000, endAt: t0 + 60_300 });
    expect(undo?.record).toMatchObject({ fromRevision: 2, toRevision: 3, fromHash: NEW, toHash: OLD, isRollback: true });
  });

  it('nothing was dropped and the new pod never reached the endpoints as ready', () => {
    const [stuck, undo] = measureAll(state, { now });
    expect(stuck?.dropped.total.value).toBe(0);
    expect(stuck?.controlPlaneOverlap.total.value).toBe(0);
    expect(stuck?.addLags).toEqual([]);
    // The old pods never stopped serving and no pod of the abandoned template ever answered: no overlap.
    expect(undo?.dataPlaneOverlap.cluster.overlap).toBeUndefined();
    expect(undo?.noReadyEndpoint.totalMs).toBe(0);
  });

  it('a progress deadline exceeded before the undo makes it failed, not rolled back; the undo is still a rollback', () => {
    const [stuck, undo] = selectRollouts(foldEvents(build(deploymentFirst, 50_000).build()), { now });
    expect(stuck).toMatchObject({ outcome: 'failed', endAt: t0 + 50_000 });
    expect(stuck?.record.deadlineExceededAt).toBe(t0 + 50_000);
    expect(undo?.record.isRollback).toBe(true);
  });
});

describe('scenario 3b: progress deadline exceeded with no undo', () => {
  it('is reported as failed at the time the condition was observed', () => {
    const s = new ScenarioBuilder();
    s.deployment(0, { revision: 1, template: 'v1' }, 'added').replicaSet(0, OLD, 1, 3, 3, 'added');
    s.deployment(10_000, { revision: 1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { revision: 2, template: 'v2' });
    s.deployment(610_000, { revision: 2, template: 'v2', deadlineExceeded: true });
    const [r] = selectRollouts(foldEvents(s.build()));
    expect(r).toMatchObject({ outcome: 'failed', endAt: t0 + 610_000 });
  });
});
