// Test support: one small rolling update (old-1 on node-a replaced by new-1 on node-b) with probe runs.
import { ScenarioBuilder } from '../testing/scenario-builder';

export const T0 = 1_800_000_000_000;

export function smallRollout(): ScenarioBuilder {
  const b = new ScenarioBuilder(T0);
  const slice = (t: number, oldReady: boolean | 'gone', newReady: boolean | 'absent') => {
    const eps = [];
    if (oldReady !== 'gone') eps.push({ pod: 'old-1', node: 'node-a', ready: oldReady, terminating: !oldReady });
    if (newReady !== 'absent') eps.push({ pod: 'new-1', node: 'node-b', ready: newReady });
    b.slice(t, eps);
  };
  b.deployment(0, { revision: 1, template: 'v1', replicas: 1, preStopSleep: 1 }, 'added')
    .replicaSet(0, 'old', 1, 1, 1, 'added')
    .pod(0, { name: 'old-1', rs: 'old', hash: 'old', node: 'node-a', started: true, ready: true }, 'added');
  slice(0, true, 'absent');
  b.deployment(1000, { revision: 2, template: 'v2', replicas: 1, preStopSleep: 1 })
    .replicaSet(1100, 'new', 2, 1, 0, 'added')
    .pod(1100, { name: 'new-1', rs: 'new', hash: 'new' }, 'added')
    .pod(1500, { name: 'new-1', rs: 'new', hash: 'new', node: 'node-b' })
    .pod(2000, { name: 'new-1', rs: 'new', hash: 'new', node: 'node-b', started: true })
    .pod(3000, { name: 'new-1', rs: 'new', hash: 'new', node: 'node-b', started: true, ready: true });
  slice(3100, true, true);
  b.replicaSet(3100, 'new', 2, 1, 1).replicaSet(3200, 'old', 1, 0, 1).pod(3200, { name: 'old-1', rs: 'old', hash: 'old', node: 'node-a', started: true, ready: true, deleting: true });
  slice(3300, false, true);
  b.pod(5000, { name: 'old-1', rs: 'old', hash: 'old', node: 'node-a', started: true, deleting: true }, 'deleted').replicaSet(5000, 'old', 1, 0, 0);
  slice(5000, 'gone', true);
  b.probes(4500, 'node-a', [
    ['served', 'old-1', 0, 4000, 80],
    ['served', 'new-1', 3500, 4500, 20],
    ['timeout', null, 4000, 4400, 5],
  ]);
  b.probes(30_000, 'node-a', [['served', 'new-1', 4550, 30_000, 500]]);
  b.probes(30_000, 'node-b', [['served', 'new-1', 3600, 30_000, 530], ['served', 'old-1', 0, 3250, 65]]);
  return b;
}
