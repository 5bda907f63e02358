import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { ScenarioBuilder } from '../testing/scenario-builder';
import { measureAll } from './measure-rollout';

// Two replicas rolled one pod at a time. Old pod `o` is taken out of the Service (relabelled) at 13 100:
// the slice drops it at 13 120 while it keeps running; node-a keeps sending to it until 13 500 (its lag);
// its DELETE comes at `deleteAt`, and it exits at once (no preStop).
const OLD = 'aaaa111';
const NEW = 'bbbb222';
const k = { name: `web-${OLD}-k`, rs: OLD, hash: OLD, node: 'node-b', started: true, ready: true };
const o = { name: `web-${OLD}-o`, rs: OLD, hash: OLD, node: 'node-a', started: true, ready: true };
const n = { name: `web-${NEW}-n`, rs: NEW, hash: NEW, node: 'node-b', started: true, ready: true };
const t0 = 1_800_000_000_000;
const A = { address: '10.0.0.1' };
const B = { address: '10.0.0.2' };
const C = { address: '10.0.0.3' };

function rollout(deleteAt: number, relabelled: boolean): ScenarioBuilder {
  const s = new ScenarioBuilder();
  const v1 = { revision: 1, template: 'v1', replicas: 2, maxSurge: 1, maxUnavailable: 0 };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 2, 2, 'added').pod(0, o, 'added').pod(0, k, 'added');
  s.slice(0, [{ pod: o.name, node: 'node-a', ready: true, ...A }, { pod: k.name, node: 'node-b', ready: true, ...C }], 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { ...v1, template: 'v2', revision: 2 });
  s.pod(10_100, n, 'added');
  s.slice(13_050, [{ pod: o.name, node: 'node-a', ready: true, ...A }, { pod: k.name, node: 'node-b', ready: true, ...C }, { pod: n.name, node: 'node-b', ready: true, ...B }]);
  s.replicaSet(13_060, NEW, 2, 1, 1).replicaSet(13_110, OLD, 1, 1, 1);
  if (relabelled) {
    s.pod(13_100, o);
    s.slice(13_120, [{ pod: k.name, node: 'node-b', ready: true, ...C }, { pod: n.name, node: 'node-b', ready: true, ...B }]);
    s.pod(deleteAt, { ...o, deleting: true });
  } else {
    s.pod(13_100, { ...o, deleting: true });
    s.slice(13_120, [{ pod: k.name, node: 'node-b', ready: true, ...C }, { pod: n.name, node: 'node-b', ready: true, ...B }, { pod: o.name, node: 'node-a', ready: false, serving: true, terminating: true, ...A }]);
  }
  const gone = Math.max(deleteAt, 13_100) + 200;
  s.pod(gone, { ...o, deleting: true, ready: false }, 'deleted');
  s.slice(gone + 10, [{ pod: k.name, node: 'node-b', ready: true, ...C }, { pod: n.name, node: 'node-b', ready: true, ...B }]);
  // The rest of the rollout: k replaced by a second new pod would add nothing here; the rollout ends with o gone.
  s.replicaSet(gone + 20, OLD, 1, 0, 0);
  s.probes(13_000, 'node-a', [['served', o.name, 0, 12_990, 260]]);
  const lastToO = 13_500;
  const served: Array<['served', string, number, number, number]> = [];
  for (let t = 13_000; t < 20_000; t += 50) served.push(['served', t <= lastToO && t % 100 === 0 ? o.name : t % 100 === 0 ? n.name : k.name, t, t, 1]);
  // Runs change with the serving pod: merge consecutive runs of the same pod.
  const runs: Array<['served', string, number, number, number]> = [];
  for (const r of served) {
    const prev = runs[runs.length - 1];
    if (prev && prev[1] === r[1]) {
      prev[3] = r[3];
      prev[4] += 1;
    } else runs.push([...r]);
  }
  s.probes(20_000, 'node-a', runs);
  return s;
}

describe('pods taken out of the Service before their deletion', () => {
  it('each node\'s all-clear is the pod\'s removal lag; a deletion after the last one covers it without any preStop', () => {
    const [m] = measureAll(foldEvents(rollout(18_100, true).build()), { now: t0 + 60_000 });
    const first = m?.removedFirst ?? [];
    expect(first.map((r) => r.pod)).toEqual([o.name]);
    const r = first[0];
    expect(r?.leftAt).toBe(t0 + 13_120);
    expect(r?.deletedAt).toBe(t0 + 18_100);
    expect(r?.waitedMs).toBe(4_980);
    expect(r?.last?.node).toBe('node-a');
    // node-a last reached o at 13 500: 380 ms after o left, and its bound reaches no further than the wait.
    expect(r?.last?.lag.lo).toBeGreaterThanOrEqual(380);
    expect(r?.neededMs).toBeLessThan(r?.waitedMs ?? 0);
    expect(r?.last?.at).toBe((r?.leftAt ?? 0) + (r?.last?.lag.value ?? 0));
    expect(m?.mitigation.find((c) => c.id === 'preStop-covers-removal-lag')?.status).toBe('ok');
    const advice = m?.advice.find((a) => a.check === 'removed-first');
    expect(advice?.severity).toBe('ok');
    expect(advice?.text).toMatch(/^1 pod left the Service before deletion \(the shortest wait 5\.0 s\); the last node to stop sending to one was node-a/);
  });

  it('deleted before the last node cleared it: the preStop check fails and says how long the pod was out of the Service', () => {
    const [m] = measureAll(foldEvents(rollout(13_300, true).build()), { now: t0 + 60_000 });
    expect(m?.removedFirst[0]?.waitedMs).toBe(180);
    const check = m?.mitigation.find((c) => c.id === 'preStop-covers-removal-lag');
    expect(check).toMatchObject({ status: 'fail', numbers: { pod: o.name, node: 'node-a', outOfServiceBeforeDeletionMs: 180 } });
    expect(m?.advice.find((a) => a.check === 'removed-first')).toBeUndefined();
    expect(m?.advice.find((a) => a.check === 'preStop-covers-removal-lag')?.text).toMatch(/it was deleted 0\.2 s after leaving the Service and preStop does not sleep/);
  });

  it('an ordinary deletion (terminating in the slice) is not one', () => {
    const [m] = measureAll(foldEvents(rollout(13_100, false).build()), { now: t0 + 60_000 });
    expect(m?.removedFirst).toEqual([]);
    expect(m?.mitigation.find((c) => c.id === 'preStop-covers-removal-lag')?.status).toBe('fail');
  });
});
