import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { NEW_POD, OLD_POD, oneReplicaRollingUpdate } from '../testing/one-replica-rolling-update';
import { measureAll } from './measure-rollout';

// A new pod whose readiness probe failed once during the rollout left the ready endpoints and came back:
// it was never taken out of the Service, so it has no removal lag and serves nothing stale (the lab's
// fixed run on a loaded machine once gave such a pod an 11.8 s "removal lag" and 622 "late" responses).
describe('a pod whose readiness flapped during the rollout', () => {
  const s = oneReplicaRollingUpdate(1_800_000_000_000);
  const newEndpoint = { pod: NEW_POD, node: 'node-b', ready: true };
  s.slice(14_000, [{ ...newEndpoint, ready: false }]).slice(15_000, [newEndpoint]);
  s.probes(13_100, 'node-a', [['served', OLD_POD, 0, 13_050, 262]]);
  s.probes(30_000, 'node-a', [['served', NEW_POD, 13_100, 30_000, 339]]);
  const [m] = measureAll(foldEvents(s.build()));

  it('has no removal lag: only the old pod left the Service', () => {
    expect(m?.removalLags.map((l) => l.pod)).toEqual([OLD_POD]);
  });

  it('served nothing stale', () => {
    expect(m?.stale.afterEndpointRemoval.value).toBe(0);
    expect(m?.stale.byPod.filter((row) => row.pod === NEW_POD)).toEqual([]);
  });
});
