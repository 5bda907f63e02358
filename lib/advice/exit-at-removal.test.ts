import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { measureAll } from '../measure/measure-rollout';
import { rolloutReport } from '../report/report-model';
import { headlineFigures } from '../views/headline-figures';
import { ScenarioBuilder } from '../testing/scenario-builder';

// A pod with no preStop that exits the moment it leaves the endpoints answers nothing more, so its
// removal lag reads 0 s; the node still sends it requests, which time out. The advice must come from
// those failures, not from the empty removal lag.
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

  it('measures no removal lag from responses but the failures after the removal', () => {
    // Last answer 20 ms before the endpoint went, next request 30 ms after it: a few ms at most.
    expect(m?.removalLagByNode.map((l) => [l.node, l.lag.value, l.lag.hi])).toEqual([['node-a', 5, 30]]);
    expect(m?.dropped.total.value).toBe(18);
    expect(m?.mitigation.find((c) => c.id === 'preStop-covers-removal-lag')).toMatchObject({ status: 'fail', numbers: { preStopSleepMs: 0, failuresAfterRemovalMs: 1880 } });
  });

  it('advises a preStop sleep that covers how long requests kept failing, with the numbers', () => {
    const advice = m?.advice.find((a) => a.check === 'preStop-covers-removal-lag');
    expect(advice?.text).toBe(
      'requests kept failing until 1.9 s after the first old pod left the endpoints (18 requests failed: nodes still sent them to pods that had exited, or to new pods not answering yet) but preStop does not sleep; sleep ≥ 3 s so pods keep serving until every node has stopped sending to them, and raise the grace period to 33 s',
    );
  });

  it('shows the failures beside the near-zero removal lag on the page', () => {
    if (!m) throw new Error('no rollout');
    const removal = headlineFigures(rolloutReport(m)).find((f) => f.id === 'worst-removal-lag');
    expect(removal).toMatchObject({ text: '0.01 s', tone: 'bad' });
    expect(removal?.where).toContain('requests failed until 1.88 s after removal');
  });
});
