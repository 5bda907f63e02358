import { ScenarioBuilder } from './scenario-builder';

/** Test support: the pods of `oneReplicaRollingUpdate`, old on node-a and new on node-b. */
export const OLD_POD = 'web-aaaa111-o';
export const NEW_POD = 'web-bbbb222-n';

/**
 * The objects of a 1-replica RollingUpdate (surge 1) from v1 to v2: the template changes at 10 s, the new
 * pod is ready at 13 s and in the slice at 13.05 s, the old one is deleted at 13.1 s, out of the slice at
 * 13.12 s and gone at 13.2 s. Callers add the probe batches their test is about.
 */
export function oneReplicaRollingUpdate(t0: number): ScenarioBuilder {
  const OLD = 'aaaa111';
  const NEW = 'bbbb222';
  const o = { name: OLD_POD, rs: OLD, hash: OLD, node: 'node-a', started: true, ready: true };
  const n = { name: NEW_POD, rs: NEW, hash: NEW, node: 'node-b' };
  const s = new ScenarioBuilder(t0);
  const v1 = { revision: 1, template: 'v1', replicas: 1, maxSurge: 1, maxUnavailable: 0 };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 1, 1, 'added').pod(0, o, 'added').slice(0, [{ pod: o.name, node: 'node-a', ready: true }], 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { ...v1, template: 'v2', revision: 2 });
  s.pod(10_100, { ...n, node: undefined }, 'added').pod(10_200, n).pod(11_000, { ...n, started: true }).pod(13_000, { ...n, started: true, ready: true });
  s.slice(13_050, [{ pod: o.name, node: 'node-a', ready: true }, { pod: n.name, node: 'node-b', ready: true }]);
  s.replicaSet(13_060, NEW, 2, 1, 1).pod(13_100, { ...o, deleting: true }).replicaSet(13_110, OLD, 1, 0, 0);
  s.slice(13_120, [{ pod: n.name, node: 'node-b', ready: true }]).pod(13_200, { ...o, deleting: true, ready: false }, 'deleted');
  return s;
}
