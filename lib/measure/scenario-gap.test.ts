import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { ScenarioBuilder } from '../testing/scenario-builder';
import { measureAll } from './measure-rollout';

// Scenario 4: the watch drops mid-rollout (12.5 s → 20 s) and comes back with a relist: what happened in
// between is seen only as resynced objects and resync deletes.
const OLD = 'aaaa111';
const NEW = 'bbbb222';
const t0 = 1_800_000_000_000;
const o = (i: number) => ({ name: `web-${OLD}-o${i}`, rs: OLD, hash: OLD, node: i === 1 ? 'node-a' : 'node-b', started: true, ready: true });
const nw = (i: number) => ({ name: `web-${NEW}-n${i}`, rs: NEW, hash: NEW, node: i === 1 ? 'node-a' : 'node-b', started: true, ready: true });
const ep = (p: { name: string; node: string }, ready: boolean) => ({ pod: p.name, node: p.node, ready, serving: true, terminating: !ready });

function build(): ScenarioBuilder {
  const s = new ScenarioBuilder();
  const v1 = { revision: 1, template: 'v1', replicas: 2 };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 2, 2, 'added').pod(0, o(1), 'added').pod(0, o(2), 'added');
  s.slice(0, [ep(o(1), true), ep(o(2), true)], 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { ...v1, template: 'v2', revision: 2 });
  s.pod(10_100, { ...nw(1), started: false, ready: false }, 'added').pod(12_000, nw(1));
  s.slice(12_050, [ep(o(1), true), ep(o(2), true), ep(nw(1), true)]).pod(12_100, { ...o(1), deleting: true });
  s.slice(12_120, [ep(o(1), false), ep(o(2), true), ep(nw(1), true)]);
  // Watch lost at 12.5 s. In truth: o1 gone ~13.2 s, n2 ready ~14.9 s, o2 not ready ~15.9 s, gone ~17 s.
  s.gap(20_000, 12_500, 'relist');
  s.deployment(20_010, { ...v1, template: 'v2', revision: 2 }, 'resynced');
  s.replicaSet(20_010, NEW, 2, 2, 2, 'resynced').replicaSet(20_010, OLD, 1, 0, 0, 'resynced');
  s.pod(20_010, nw(1), 'resynced').pod(20_010, nw(2), 'resynced');
  s.slice(20_010, [ep(nw(1), true), ep(nw(2), true)], 'resynced');
  s.pod(20_020, { ...o(1), deleting: true, ready: false }, 'deleted', true).pod(20_020, { ...o(2), deleting: true, ready: false }, 'deleted', true);
  // The probe agents were not affected: they saw the switch when it happened.
  s.probes(13_000, 'node-a', [['served', o(1).name, 0, 12_160, 100], ['served', nw(1).name, 12_090, 12_990, 9], ['served', o(2).name, 0, 12_980, 100]]);
  s.probes(17_000, 'node-b', [['served', o(2).name, 0, 16_000, 150], ['served', nw(1).name, 12_100, 16_990, 40], ['served', nw(2).name, 15_000, 16_980, 20]]);
  s.probes(21_000, 'node-a', [['served', o(2).name, 13_000, 15_950, 20], ['served', nw(1).name, 13_000, 20_990, 80], ['served', nw(2).name, 15_010, 20_980, 60]]);
  s.probes(21_000, 'node-b', [['served', nw(1).name, 17_000, 20_990, 40], ['served', nw(2).name, 17_000, 20_980, 40]]);
  return s;
}

describe('scenario 4: a watch gap with a relist in the middle of a rollout', () => {
  const state = foldEvents(build().build());
  const [m, ...rest] = measureAll(state, { now: t0 + 60_000 });

  it('folds into one rollout that completes, with every old pod gone', () => {
    expect(rest).toHaveLength(0);
    expect(m?.rollout).toMatchObject({ outcome: 'complete', startAt: t0 + 10_000 });
    const lanes = [...state.pods.values()];
    expect(lanes.filter((l) => l.goneAt === undefined).map((l) => l.name).sort()).toEqual([nw(1).name, nw(2).name]);
  });

  it('times seen only through the relist carry the gap as their lower bound', () => {
    const o2 = [...state.pods.values()].find((l) => l.name === o(2).name);
    expect(o2).toMatchObject({ goneAt: t0 + 20_020, earliest: { goneAt: t0 + 12_500 } });
    const n2 = [...state.pods.values()].find((l) => l.name === nw(2).name);
    expect(n2).toMatchObject({ createdAt: t0 + 20_010, readyAt: t0 + 20_010, earliest: { createdAt: t0 + 12_500, readyAt: t0 + 12_500 } });
    // n1 was seen live: its times are exact.
    expect([...state.pods.values()].find((l) => l.name === nw(1).name)?.earliest).toEqual({});
  });

  it('the gap is visible on the rollout and widens what spans it', () => {
    expect(m?.spansGap).toBe(true);
    expect(m?.rollout.gaps).toEqual([{ source: 'test', reason: 'relist', from: t0 + 12_500, to: t0 + 20_000 }]);
    // Seen: new ready from 12 050, old o2 not ready only at 20 010 (the relist): 7 960 ms, ± the 7 500 ms gap.
    expect(m?.controlPlaneOverlap).toMatchObject({ spansGap: true, total: { value: 7_960, lo: 460, hi: 15_460 } });
    // The truth (o2 not ready ~15 900) lies inside.
    const truth = 15_900 - 12_050;
    expect(m?.controlPlaneOverlap.total.lo).toBeLessThanOrEqual(truth);
    expect(m?.controlPlaneOverlap.total.hi).toBeGreaterThanOrEqual(truth);
  });

  it('per-pod lags that depend on a relisted time say so and bound the truth', () => {
    const o2b = m?.removalLags.find((l) => l.pod === o(2).name && l.node === 'node-b');
    expect(o2b?.spansGap).toBe(true);
    expect(o2b?.lag.lo).toBeLessThanOrEqual(16_000 - 15_900);
    expect(o2b?.lag.hi).toBeGreaterThanOrEqual(16_000 - 15_900);
    const n2b = m?.addLags.find((l) => l.pod === nw(2).name && l.node === 'node-b');
    expect(n2b?.spansGap).toBe(true);
    expect(n2b?.lag.lo).toBeLessThanOrEqual(15_000 - 14_900);
    expect(n2b?.lag.hi).toBeGreaterThanOrEqual(15_000 - 14_900);
    // Lags measured on live watch events start at the last request the node sent the pod.
    expect(m?.removalLags.find((l) => l.pod === o(1).name && l.node === 'node-a')).toMatchObject({ spansGap: false, lag: { value: 65, lo: 40 } });
  });

  it('the data plane is unaffected by a control-plane gap', () => {
    expect(m?.dataPlaneOverlap.cluster).toMatchObject({ firstNewAt: t0 + 12_090, lastOldAt: t0 + 16_000, spansGap: false });
  });
});
