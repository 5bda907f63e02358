import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { measureAll } from '../measure/measure-rollout';
import { rolloutReport } from '../report/report-model';
import { headlineFigures } from '../views/headline-figures';
import { ScenarioBuilder } from '../testing/scenario-builder';

// A pod with no preStop that exits the moment it leaves the endpoints answers nothing more; the node still
// sends it requests, which time out with no pod named. Those failures may have been the dead pod's, so the
// removal lag reaches to them: never 0 (DESIGN.md, removal lag).
const OLD = 'aaaa111';
const NEW = 'bbbb222';
const o = { name: `web-${OLD}-o`, rs: OLD, hash: OLD, node: 'node-a', started: true, ready: true };
const n = { name: `web-${NEW}-n`, rs: NEW, hash: NEW, node: 'node-b' };

function exitAtRemoval(): ScenarioBuilder {
  const s = new ScenarioBuilder();
  const v1 = { revision: 1, template: 'v1', replicas: 1, maxSurge: 1, maxUnavailable: 0, grace: 30 };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 1, 1, 'added').pod(0, o, 'added').slice(0, [{ pod: o.name, node: 'node-a', ready: true }], 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { ...v1, template: 'v2', revision: 2 });
  s.pod(10_100, { ...n, node: undefined }, 'added').pod(10_200, n).pod(11_000, { ...n, started: true }).pod(12_000, { ...n, started: true, ready: true });
  s.slice(12_050, [{ pod: o.name, node: 'node-a', ready: true }, { pod: n.name, node: 'node-b', ready: true }]);
  s.replicaSet(12_060, NEW, 2, 1, 1).pod(12_100, { ...o, deleting: true }).replicaSet(12_110, OLD, 1, 0, 0);
  s.slice(12_120, [{ pod: n.name, node: 'node-b', ready: true }]).pod(12_200, { ...o, deleting: true, ready: false }, 'deleted');
  // node-a: the old pod answers until it exits (12 100), then its requests time out until the node
  // stops sending them there at 14 000; the new pod answers from 12 300 on (every other request).
  s.probes(12_000, 'node-a', [['served', o.name, 0, 11_990, 240]]);
  s.probes(14_000, 'node-a', [['served', o.name, 12_000, 12_100, 2], ['served', n.name, 12_300, 13_900, 17], ['timeout', null, 12_150, 14_000, 18]]);
  s.probes(30_000, 'node-a', [['served', n.name, 14_050, 29_990, 319]]);
  return s;
}

describe('advice when pods exit as they leave the endpoints', () => {
  const [m] = measureAll(foldEvents(exitAtRemoval().build()));
  // The truth: node-a sent requests to the dead pod until 14 000, 1 880 ms after it left (12 120).
  const truth = 1_880;

  it('reads the removal lag from the failures that may have been the dead pod\'s, never 0', () => {
    const [lag] = m?.removalLagByNode ?? [];
    expect(lag?.node).toBe('node-a');
    expect(lag?.evidence).toBe('responses');
    expect(lag?.lag.lo).toBeLessThanOrEqual(truth);
    expect(lag?.lag.hi).toBeGreaterThanOrEqual(truth);
    expect(lag?.lag.value).toBeGreaterThan(1_800);
    expect(m?.dropped.total.value).toBe(18);
    expect(m?.mitigation.find((c) => c.id === 'preStop-covers-removal-lag')).toMatchObject({ status: 'fail', numbers: { preStopSleepMs: 0, node: 'node-a' } });
  });

  it('advises a preStop sleep that covers the removal lag, naming the node, with the numbers', () => {
    const text = m?.advice.find((a) => a.check === 'preStop-covers-removal-lag')?.text ?? '';
    expect(text).toMatch(/^node-a kept sending new connections to web-aaaa111-o for 1\.9 s after it left the endpoints \(up to \d\.\d s, from requests\) but preStop does not sleep: 18 requests failed there; sleep ≥ \d s/);
  });

  it('shows the lag and what it stands on at the top of the page', () => {
    if (!m) throw new Error('no rollout');
    const removal = headlineFigures(rolloutReport(m)).find((f) => f.id === 'worst-removal-lag');
    expect(removal?.text).toMatch(/^1\.9\d s$/);
    expect(removal?.where).toBe('node-a · web-aaaa111-o · from responses alone, 99 %');
  });
});
