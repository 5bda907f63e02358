import { describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../events/event-schema';
import { DEFAULT_FOLD_OPTIONS } from '../fold/fold-types';
import { foldEvents } from '../fold/reduce';
import { buildReport } from '../report/report-model';
import { NEW_POD, OLD_POD, oneReplicaRollingUpdate } from '../testing/one-replica-rolling-update';
import { ScenarioBuilder, type RunSpec } from '../testing/scenario-builder';
import { selectRollouts, type SelectOptions } from './select-rollouts';

// Outcomes as DESIGN defines them: a progress deadline fails its own rollout (not the undo after it, nor a
// later rollout it was left over from), and a capture that stopped is judged at its end.
const t0 = 1_800_000_000_000;
const OLD = 'aaaa111';
const NEW = 'bbbb222';
const SETTLE = DEFAULT_FOLD_OPTIONS.settleMs;

const upTo = (events: CutoverEvent[], t: number) => events.filter((e) => e.at <= t0 + t);
const outcomes = (events: CutoverEvent[], options: SelectOptions = {}) => selectRollouts(foldEvents(events), options);

/**
 * `kubectl set image` to a template whose pod never gets ready, ProgressDeadlineExceeded at 40 s, then
 * `kubectl rollout undo` at 60 s, with the Deployment's Progressing condition as the controller writes it:
 * the undo re-uses the old ReplicaSet, so the controller bumps the revision with the status untouched and the
 * deadline condition (same reason, same lastUpdateTime) stays on the Deployment until it sees progress
 * (ReplicaSetUpdated, here a Deployment without the condition) at 60.15 s. The never-ready pod is gone at 60.3 s.
 */
function deadlineThenUndo(order: 'ReplicaSet first' | 'Deployment first', probed: boolean): ScenarioBuilder {
  const s = new ScenarioBuilder(t0);
  const o = (i: number) => ({ name: `web-${OLD}-o${i}`, rs: OLD, hash: OLD, node: `node-${i}`, started: true, ready: true });
  const n1 = { name: `web-${NEW}-n1`, rs: NEW, hash: NEW, node: 'node-1', started: true };
  const oldEndpoints = [1, 2, 3].map((i) => ({ pod: o(i).name, node: `node-${i}`, ready: true }));
  s.deployment(0, { revision: 1, template: 'v1' }, 'added').replicaSet(0, OLD, 1, 3, 3, 'added');
  for (const i of [1, 2, 3]) s.pod(0, o(i), 'added');
  s.slice(0, oldEndpoints, 'added');
  s.deployment(10_000, { revision: 1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { revision: 2, template: 'v2' });
  s.pod(10_100, n1, 'added').slice(11_050, [...oldEndpoints, { pod: n1.name, node: 'node-1', ready: false }]);
  s.deployment(40_000, { revision: 2, template: 'v2', deadlineExceeded: true });
  s.deployment(60_000, { revision: 2, template: 'v1', deadlineExceeded: true });
  if (order === 'ReplicaSet first') s.replicaSet(60_040, OLD, 3, 3, 3).deployment(60_050, { revision: 3, template: 'v1', deadlineExceeded: true });
  else s.deployment(60_040, { revision: 3, template: 'v1', deadlineExceeded: true }).replicaSet(60_050, OLD, 3, 3, 3);
  s.replicaSet(60_070, NEW, 2, 0, 0).pod(60_100, { ...n1, deleting: true });
  s.deployment(60_150, { revision: 3, template: 'v1' });
  s.slice(60_250, oldEndpoints).pod(60_300, { ...n1, deleting: true }, 'deleted');
  if (probed) {
    const old = (from: number, to: number) => [1, 2, 3].map((i): RunSpec => ['served', o(i).name, from + i, to - i, 100]);
    s.probes(30_000, 'node-1', old(0, 30_000)).probes(60_000, 'node-1', old(30_000, 60_000)).probes(61_000, 'node-1', old(60_000, 61_000));
  }
  return s;
}

describe.each([
  ['ReplicaSet first', false],
  ['Deployment first', false],
  ['ReplicaSet first', true],
  ['Deployment first', true],
] as const)('progress deadline exceeded, then undo (%s, probed: %s)', (order, probed) => {
  const events = deadlineThenUndo(order, probed).build();

  it('the stuck rollout is failed when the deadline is reported, before the undo and after it', () => {
    for (const t of [40_000, 60_000, 60_060, 60_300, 90_000]) {
      const [stuck] = outcomes(upTo(events, t), { now: t0 + t });
      expect(stuck, `at ${t}`).toMatchObject({ outcome: 'failed', endAt: t0 + 40_000 });
      expect(stuck?.record).toMatchObject({ toHash: NEW, fromHash: OLD, deadlineExceededAt: t0 + 40_000 });
    }
  });

  it.each([60_050, 60_060, 60_100, 60_150, 60_250])('the undo is a rollback in progress at %i ms, not failed by the inherited condition', (t) => {
    const rollouts = outcomes(upTo(events, t), { now: t0 + t });
    expect(rollouts).toHaveLength(2);
    const undo = rollouts[1];
    expect(undo).toMatchObject({ outcome: 'in-progress', startAt: t0 + 60_000 });
    expect(undo?.record).toMatchObject({ toRevision: 3, toHash: OLD, fromHash: NEW, isRollback: true });
    expect(undo?.record.deadlineExceededAt).toBeUndefined();
  });

  it('the undo is complete once its old pods are back alone (after the settle period when probed)', () => {
    const settled = probed ? 61_000 + SETTLE : 60_300;
    const undo = outcomes(events, { now: t0 + settled })[1];
    expect(undo).toMatchObject({ outcome: 'complete', startAt: t0 + 60_000, endAt: t0 + 60_300 });
    expect(undo?.record.deadlineExceededAt).toBeUndefined();
    // The undo's traffic went to the old pods, its target: it does not wait for the old pods to stop.
    expect(undo?.dataPlaneDoneAt).toBeUndefined();
  });

  it('the report of the finished recording says failed, then a complete rollback', () => {
    const report = buildReport(foldEvents(events), undefined, { captureEnded: true });
    expect(report.rollouts.map((r) => [r.outcome, r.rollback])).toEqual([['failed', false], ['complete', true]]);
  });
});

/**
 * A ProgressDeadlineExceeded condition left by an earlier rollout (first seen on the Deployment at 0 s), then a
 * 1-replica RollingUpdate from v1 to v2 at 10 s (complete at 13.2 s). `deadline` says how the condition goes on.
 */
function leftOverCondition(deadline: 'stays' | 'clears at 10.06 s' | 'clears, then again at 12 s'): CutoverEvent[] {
  const s = new ScenarioBuilder(t0);
  const v = { replicas: 1, maxSurge: 1, maxUnavailable: 0 };
  const o = { name: OLD_POD, rs: OLD, hash: OLD, node: 'node-a', started: true, ready: true };
  const n = { name: NEW_POD, rs: NEW, hash: NEW, node: 'node-b', started: true };
  s.deployment(0, { ...v, revision: 1, template: 'v1', deadlineExceeded: true }, 'added').replicaSet(0, OLD, 1, 1, 1, 'added').pod(0, o, 'added');
  s.deployment(10_000, { ...v, revision: 1, template: 'v2', deadlineExceeded: true }).replicaSet(10_050, NEW, 2, 1, 0, 'added');
  s.deployment(10_060, { ...v, revision: 2, template: 'v2', deadlineExceeded: deadline === 'stays' });
  if (deadline === 'clears, then again at 12 s') s.deployment(12_000, { ...v, revision: 2, template: 'v2', deadlineExceeded: true });
  s.pod(10_100, n, 'added').pod(13_000, { ...n, ready: true }).replicaSet(13_060, NEW, 2, 1, 1);
  s.pod(13_100, { ...o, deleting: true }).replicaSet(13_110, OLD, 1, 0, 0).pod(13_200, { ...o, deleting: true, ready: false }, 'deleted');
  return s.build();
}

describe('a ProgressDeadlineExceeded condition that was there before the rollout began', () => {
  it.each([['stays'], ['clears at 10.06 s']] as const)('does not fail it (condition %s)', (deadline) => {
    const events = leftOverCondition(deadline);
    const [during] = outcomes(upTo(events, 12_500));
    expect(during?.outcome).toBe('in-progress');
    expect(during?.record.deadlineExceededAt).toBeUndefined();
    const [r, ...rest] = outcomes(events);
    expect(rest).toHaveLength(0);
    expect(r).toMatchObject({ outcome: 'complete', startAt: t0 + 10_000, endAt: t0 + 13_200 });
    expect(r?.record.deadlineExceededAt).toBeUndefined();
  });

  it('a deadline reported again after the condition cleared fails it', () => {
    const [r] = outcomes(leftOverCondition('clears, then again at 12 s'));
    expect(r).toMatchObject({ outcome: 'failed', endAt: t0 + 12_000 });
  });
});

// The 1-replica rollout: control plane complete at 13.2 s (old pod gone).
const CONTROL_DONE = 13_200;

function probed(oldUntil: number, end: number): CutoverEvent[] {
  const s = oneReplicaRollingUpdate(t0);
  s.probes(13_000, 'node-a', [['served', OLD_POD, 0, 12_990, 260]]);
  s.probes(end, 'node-a', [['served', OLD_POD, 13_000, oldUntil, 8], ['served', NEW_POD, 13_090, end - 10, 30]]);
  return s.build();
}

describe('a capture judged at its end', () => {
  it.each([
    // [case, events, options, outcome, endAt]
    ['watches only, no probes: complete when the control plane is', oneReplicaRollingUpdate(t0).build(), {}, 'complete', CONTROL_DONE],
    ['watches only, capture ended', oneReplicaRollingUpdate(t0).build(), { captureEnded: true }, 'complete', CONTROL_DONE],
    ['watches only, ended mid-rollout', upTo(oneReplicaRollingUpdate(t0).build(), 13_150), { captureEnded: true }, 'in-progress', undefined],
    ['probed, capture ended 0.8 s after, no old traffic after the control plane completed', probed(13_150, 14_000), { captureEnded: true }, 'complete', CONTROL_DONE],
    ['probed, capture ended, an old pod served after the control plane completed', probed(13_400, 15_000), { captureEnded: true }, 'in-progress', undefined],
    ['probed, capture ended, old traffic after completion but settled since', probed(13_400, 13_400 + SETTLE + 10), { captureEnded: true }, 'complete', 13_400],
  ] as const)('%s', (_case, events, options: SelectOptions, outcome, endAt) => {
    const [r] = outcomes([...events], options);
    expect(r?.outcome).toBe(outcome);
    expect(r?.endAt).toBe(endAt === undefined ? undefined : t0 + endAt);
  });

  it('the report of a finished recording is judged at its end; a live one is not', () => {
    const state = foldEvents(probed(13_150, 14_000));
    expect(buildReport(state, undefined, { captureEnded: true }).rollouts.map((r) => r.outcome)).toEqual(['complete']);
    expect(buildReport(state).rollouts.map((r) => r.outcome)).toEqual(['in-progress']);
  });
});

describe('a live session', () => {
  it.each([
    ['no old traffic after the control plane completed', 13_150, CONTROL_DONE],
    ['old traffic until 13.4 s', 13_400, 13_400],
  ])('still waits for the settle period (%s)', (_case, oldUntil, end) => {
    const state = foldEvents(probed(oldUntil, 14_000));
    expect(selectRollouts(state, { now: t0 + end + SETTLE - 1 })[0]?.outcome).toBe('in-progress');
    expect(selectRollouts(state, { now: t0 + end + SETTLE })[0]).toMatchObject({ outcome: 'complete', endAt: t0 + end });
  });
});
