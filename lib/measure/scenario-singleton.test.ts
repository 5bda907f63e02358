import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { ScenarioBuilder } from '../testing/scenario-builder';
import { measureAll } from './measure-rollout';

// Scenario 2: a 1-replica Deployment rolled with RollingUpdate (two pods overlap) and with Recreate (no
// overlap, but a gap with no ready endpoint in which requests are dropped).
const OLD = 'aaaa111';
const NEW = 'bbbb222';
const o = { name: `web-${OLD}-o`, rs: OLD, hash: OLD, node: 'node-a', started: true, ready: true };
const n = { name: `web-${NEW}-n`, rs: NEW, hash: NEW, node: 'node-b' };
const t0 = 1_800_000_000_000;

function rollingUpdate(): ScenarioBuilder {
  const s = new ScenarioBuilder();
  const v1 = { revision: 1, template: 'v1', replicas: 1, maxSurge: 1, maxUnavailable: 0, preStopSleep: 5 };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 1, 1, 'added').pod(0, o, 'added').slice(0, [{ pod: o.name, node: 'node-a', ready: true }], 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { ...v1, template: 'v2', revision: 2 });
  s.pod(10_100, { ...n, node: undefined }, 'added').pod(10_200, n).pod(11_000, { ...n, started: true }).pod(13_000, { ...n, started: true, ready: true });
  s.slice(13_050, [{ pod: o.name, node: 'node-a', ready: true }, { pod: n.name, node: 'node-b', ready: true }]);
  s.replicaSet(13_060, NEW, 2, 1, 1).pod(13_100, { ...o, deleting: true }).replicaSet(13_110, OLD, 1, 0, 0);
  s.slice(13_120, [{ pod: o.name, node: 'node-a', ready: false, serving: true, terminating: true }, { pod: n.name, node: 'node-b', ready: true }]);
  s.slice(18_150, [{ pod: n.name, node: 'node-b', ready: true }]).pod(18_200, { ...o, deleting: true, ready: false }, 'deleted');
  s.probes(13_000, 'node-a', [['served', o.name, 0, 12_990, 260]]);
  s.probes(14_000, 'node-a', [['served', o.name, 13_000, 13_400, 8], ['served', n.name, 13_090, 13_990, 12]]);
  s.probes(20_000, 'node-a', [['served', n.name, 14_000, 19_990, 120]]);
  return s;
}

function recreate(): ScenarioBuilder {
  const s = new ScenarioBuilder();
  const v1 = { revision: 1, template: 'v1', replicas: 1, strategy: 'Recreate' as const };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 1, 1, 'added').pod(0, o, 'added').slice(0, [{ pod: o.name, node: 'node-a', ready: true }], 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 0, 0, 'added').deployment(10_055, { ...v1, template: 'v2', revision: 2 });
  s.replicaSet(10_060, OLD, 1, 0, 0).pod(10_100, { ...o, deleting: true });
  s.slice(10_120, [{ pod: o.name, node: 'node-a', ready: false, serving: false, terminating: true }]);
  s.slice(10_250, []).pod(10_300, { ...o, deleting: true, ready: false }, 'deleted');
  s.replicaSet(10_400, NEW, 2, 1, 0).pod(10_450, { ...n, node: undefined }, 'added').pod(10_500, n).pod(11_000, { ...n, started: true }).pod(13_000, { ...n, started: true, ready: true });
  s.slice(13_050, [{ pod: n.name, node: 'node-b', ready: true }]).replicaSet(13_060, NEW, 2, 1, 1);
  s.probes(10_000, 'node-a', [['served', o.name, 0, 9_990, 200]]);
  // The old pod refuses once it exits (same node, address still there), then nothing backs the Service.
  s.probes(14_000, 'node-a', [['served', o.name, 10_000, 10_110, 3], ['refused', o.name, 10_160, 10_290, 3], ['refused', null, 10_340, 13_040, 55], ['served', n.name, 13_090, 13_990, 19]]);
  s.probes(20_000, 'node-a', [['served', n.name, 14_000, 19_990, 120]]);
  return s;
}

describe('scenario 2: singleton', () => {
  it('RollingUpdate: singleton violation measured on both planes, and advised against', () => {
    const [m, ...rest] = measureAll(foldEvents(rollingUpdate().build()), { now: t0 + 60_000 });
    expect(rest).toHaveLength(0);
    expect(m?.rollout.outcome).toBe('complete');
    expect(m?.singleton?.controlPlane).toEqual({ value: 70, lo: 70, hi: 70 });
    expect(m?.singleton?.controlPlaneSpans).toEqual([{ from: t0 + 13_050, to: t0 + 13_120 }]);
    // Old pod last answered at 13 400, the new one first at 13 090; each edge may be one interval off.
    expect(m?.singleton?.dataPlane).toEqual({ value: 310, lo: 310, hi: 410 });
    expect(m?.noReadyEndpoint.totalMs).toBe(0);
    expect(m?.dropped.total.value).toBe(0);
    expect(m?.mitigation.find((c) => c.id === 'recreate-for-singleton')).toMatchObject({ status: 'fail', numbers: { strategy: 'RollingUpdate', singletonOverlapMs: 310 } });
    expect(m?.advice.map((a) => a.text).join('\n')).toMatch(/two pods served together for 0\.3 s \(0\.1 s as ready endpoints\)/);
  });

  it('Recreate: no overlap, but the no-ready-endpoint gap and the requests dropped in it are measured', () => {
    const [m, ...rest] = measureAll(foldEvents(recreate().build()), { now: t0 + 60_000 });
    expect(rest).toHaveLength(0);
    expect(m?.rollout.outcome).toBe('complete');
    expect(m?.singleton?.controlPlane.value).toBe(0);
    expect(m?.singleton?.dataPlane).toEqual({ value: 0, lo: 0, hi: 0 });
    expect(m?.noReadyEndpoint.spans).toEqual([{ from: t0 + 10_120, to: t0 + 13_050 }]);
    expect(m?.noReadyEndpoint.totalMs).toBe(2_930);
    expect(m?.noReadyEndpoint.dropped).toEqual({ value: 58, lo: 58, hi: 58 });
    expect(m?.dropped.byPod).toEqual([
      { pod: null, count: { value: 55, lo: 55, hi: 55 } },
      { pod: o.name, count: { value: 3, lo: 3, hi: 3 } },
    ]);
    expect(m?.mitigation.find((c) => c.id === 'recreate-for-singleton')?.status).toBe('ok');
    expect(m?.advice.map((a) => a.text)).toContain(
      'no ready endpoint for 2.9 s during the rollout and 58 requests failed in that time (Recreate stops the old pod before the new one is ready)',
    );
  });
});
