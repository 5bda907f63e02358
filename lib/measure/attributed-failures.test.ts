import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { fromProbeRunTuple, toProbeRunTuple } from '../probes/probe-run';
import { ProbeRunAccumulator } from '../probes/probe-run-accumulator';
import { ScenarioBuilder, type RunSpec } from '../testing/scenario-builder';
import { measureAll } from './measure-rollout';

// Evidence of the second kind (DESIGN.md, "Evidence and bounds"): a failure sent to a dead pod proves the
// node still routed there only when its conntrack entry was its own. One that matched an older entry is
// conntrack tail; one whose entry's age could not be told proves nothing about the rules at that time.
const OLD = 'aaaa111';
const NEW = 'bbbb222';
const OLD_POD = `web-${OLD}-o`;
const NEW_POD = `web-${NEW}-n`;
const OLD_ADDRESS = '10.1.0.7';

/**
 * A 1-replica RollingUpdate whose old pod dies at SIGTERM: out of the slice at 13.12 s. node-c's rules keep
 * it until about 15 s; it fails every request to it from 13.15 s to 15 s, then gets the new pod only.
 */
function dyingPod(failures: boolean | undefined, tail: RunSpec[] = []): ScenarioBuilder {
  const o = { name: OLD_POD, rs: OLD, hash: OLD, node: 'node-a', started: true, ready: true };
  const n = { name: NEW_POD, rs: NEW, hash: NEW, node: 'node-b', started: true };
  const oldEndpoint = { pod: o.name, node: 'node-a', ready: true, address: OLD_ADDRESS };
  const newEndpoint = { pod: n.name, node: 'node-b', ready: true, address: '10.1.0.9' };
  const v1 = { revision: 1, template: 'v1', replicas: 1, maxSurge: 1, maxUnavailable: 0 };
  const s = new ScenarioBuilder();
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 1, 1, 'added').pod(0, o, 'added').slice(0, [oldEndpoint], 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { ...v1, template: 'v2', revision: 2 });
  s.pod(10_100, n, 'added').pod(13_000, { ...n, ready: true }).slice(13_050, [oldEndpoint, newEndpoint]);
  s.replicaSet(13_060, NEW, 2, 1, 1).pod(13_100, { ...o, deleting: true }).replicaSet(13_110, OLD, 1, 0, 0);
  s.slice(13_120, [newEndpoint]).pod(13_200, { ...o, deleting: true, ready: false }, 'deleted');
  const failed: RunSpec = ['timeout', null, 13_150, 15_000, 38, `${OLD_ADDRESS}:8080`];
  if (failures !== undefined) failed.push(failures);
  s.probes(13_000, 'node-c', [['served', OLD_POD, 0, 13_100, 263]]);
  s.probes(15_100, 'node-c', [failed, ['served', NEW_POD, 15_050, 15_050, 1]]);
  s.probes(30_000, 'node-c', [['served', NEW_POD, 15_100, 30_000, 299], ...tail]);
  return s;
}

function removalOnNodeC(s: ScenarioBuilder) {
  const [m] = measureAll(foldEvents(s.build()));
  return { m, lag: m?.removalLags.find((l) => l.node === 'node-c' && l.pod === OLD_POD) };
}

describe('failures tied to their DNAT target', () => {
  it('the wire keeps whether the entry was the connection\'s own, an older one, or not known', () => {
    for (const reused of [true, false, undefined]) {
      const acc = new ProbeRunAccumulator();
      acc.add({ time: 1, outcome: 'timeout', latencyMs: 900, endpoint: '10.1.0.7:8080', reusedConntrack: reused });
      acc.add({ time: 2, outcome: 'timeout', latencyMs: 900, endpoint: '10.1.0.7:8080', reusedConntrack: !reused });
      const runs = acc.flush();
      expect(runs).toHaveLength(2);
      const [run] = runs;
      if (!run) throw new Error('no run');
      expect(fromProbeRunTuple(run).reusedConntrack).toBe(reused);
      expect(toProbeRunTuple(fromProbeRunTuple(run))).toEqual(run);
    }
  });

  it('failures known to have made their own entry put the removal after the last of them', () => {
    const { lag } = removalOnNodeC(dyingPod(false));
    expect(lag?.evidence).toBe('attributed-failures');
    // The last failure at 15 s proves the rules still sent there 1.88 s after the pod left the slice.
    expect(lag?.lag.lo).toBeGreaterThanOrEqual(15_000 - 13_120 - 1);
    expect(lag?.lag.hi).toBeGreaterThanOrEqual(lag?.lag.lo ?? Infinity);
  });

  it('failures whose entry may have been older prove nothing of the rules, but may have been the rules\' choice', () => {
    const { lag } = removalOnNodeC(dyingPod(undefined));
    // Earliest: the last response, before the pod left the slice; latest: past the last such failure.
    expect(lag?.lag.lo).toBeLessThanOrEqual(0);
    expect(lag?.lag.hi).toBeGreaterThanOrEqual(15_000 - 13_120);
  });

  it('a failure that matched an older entry after the rules were correct is conntrack tail, not removal lag', () => {
    const tail: RunSpec = ['timeout', null, 20_000, 20_000, 1, `${OLD_ADDRESS}:8080`, true];
    const { m, lag } = removalOnNodeC(dyingPod(false, [tail]));
    expect(lag?.lag.lo).toBeLessThan(20_000 - 13_120);
    expect(lag?.lag.value).toBeLessThan(20_000 - 13_120);
    expect(m?.conntrackTail.total.value).toBe(1);
  });
});
