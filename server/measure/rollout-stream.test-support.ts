import type { CutoverEvent } from '../../lib/events/event-schema';
import { ScenarioBuilder } from '../../lib/testing/scenario-builder';

export const T0 = 1_800_000_000_000;
const OLD = 'aaaa111';
const NEW = 'bbbb222';
export const O1 = `web-${OLD}-o1`;
export const N1 = `web-${NEW}-n1`;

/**
 * A singleton Deployment (1 replica, RollingUpdate) rolled from v1 to v2 at 10 s: o1 on node-a, n1 on
 * node-b. node-a keeps sending requests to o1 after it left the slice (11.2 s): served until 11.3 s,
 * then 4 timeouts. Probe batches at 11 s, 12 s, then steady traffic to n1 until `until` (ms after T0).
 */
export function singletonRollout(until = 30_000): CutoverEvent[] {
  const s = new ScenarioBuilder(T0);
  const v1 = { revision: 1, template: 'v1', replicas: 1, singleton: true };
  const old = { name: O1, rs: OLD, hash: OLD, node: 'node-a', started: true, ready: true };
  const neu = { name: N1, rs: NEW, hash: NEW, node: 'node-b', started: true, ready: true };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 1, 1, 'added').pod(0, old, 'added');
  s.slice(0, [{ pod: O1, node: 'node-a', ready: true }], 'added');

  s.deployment(10_000, { ...v1, template: 'v2' });
  s.replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { ...v1, template: 'v2', revision: 2 });
  s.pod(10_100, { ...neu, node: undefined, started: false, ready: false }, 'added').pod(10_200, { ...neu, ready: false });
  s.pod(11_000, neu);
  s.slice(11_050, [{ pod: O1, node: 'node-a', ready: true }, { pod: N1, node: 'node-b', ready: true }]);
  s.replicaSet(11_060, NEW, 2, 1, 1);
  s.pod(11_100, { ...old, deleting: true });
  s.replicaSet(11_110, OLD, 1, 0, 0);
  s.slice(11_120, [{ pod: O1, node: 'node-a', ready: false, serving: true, terminating: true }, { pod: N1, node: 'node-b', ready: true }]);
  s.pod(11_150, { ...old, deleting: true, ready: false });
  s.slice(11_200, [{ pod: N1, node: 'node-b', ready: true }]);
  // The kubelet confirms the exit after the grace period's bookkeeping: the API object goes last.
  s.pod(11_600, { ...old, deleting: true, ready: false }, 'deleted');

  s.probes(11_000, 'node-a', [['served', O1, 0, 10_990, 220]]);
  s.probes(11_000, 'node-b', [['served', O1, 0, 10_990, 220]]);
  s.probes(12_000, 'node-a', [['served', O1, 11_010, 11_300, 6], ['timeout', null, 11_350, 11_500, 4], ['served', N1, 11_550, 11_990, 9]]);
  s.probes(12_000, 'node-b', [['served', O1, 11_010, 11_110, 3], ['served', N1, 11_060, 11_990, 19]]);
  for (let t = 13_000; t <= until; t += 1_000) {
    for (const node of ['node-a', 'node-b']) s.probes(t, node, [['served', N1, t - 990, t - 10, 20]]);
  }
  return s.build();
}
