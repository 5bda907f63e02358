import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../lib/fold/reduce';
import { measureAll } from '../../lib/measure/measure-rollout';
import type { PodNodeLag } from '../../lib/measure/measure-lags';
import { captureTruth, type TruthLag } from '../support/capture-truth';
import { captureEvents, captureFolders, EVIDENCE, type Evidence } from '../support/real-capture';

// The real-capture tier: every capture under test/fixtures (real kube-apiserver, real kube-proxy, real
// pod network namespaces) turned into Cutover's evidence one kind at a time, and every figure held against
// the truth computed from the raw files. A capture dropped into test/fixtures is checked the same way.
const folders = captureFolders();

function table(rows: readonly { truth: TruthLag; lag: PodNodeLag | undefined }[]): string {
  return rows
    .map(({ truth, lag }) => `${truth.pod} ${truth.node}: truth ${truth.lagMs.toFixed(1)}${truth.upperBound ? ` (upper bound, from ${truth.earliestMs.toFixed(0)})` : ''}${truth.latestMs > truth.lagMs ? ` (dump ${truth.latestMs.toFixed(0)})` : ''} | cutover ${lag ? `${lag.lag.value} [${lag.lag.lo}, ${lag.lag.hi}] ${lag.evidence}` : 'none'}`)
    .join('\n');
}

describe.each(folders.flatMap((f) => EVIDENCE.map((e) => [f, e] as [string, Evidence])))('real capture %s with %s', (folder, evidence) => {
  const events = captureEvents(folder, evidence);
  const state = foldEvents(events);
  const all = measureAll(state, { now: state.now });
  const truth = captureTruth(folder);
  const m = all.find((x) => x.rollout.deployment.name === 'web');

  it('folds into one finished rollout of demo/web', () => {
    expect(all.filter((x) => x.rollout.deployment.name === 'web')).toHaveLength(1);
    expect(m?.rollout.outcome).toBe('complete');
  });

  const check = (kind: 'removal' | 'add') => () => {
    const lags = kind === 'removal' ? m?.removalLags : m?.addLags;
    const rows = truth[kind].map((t) => ({ truth: t, lag: lags?.find((l) => l.pod === t.pod && l.node === t.node) }));
    console.info(`${folder} ${evidence} ${kind} lags (ms):\n${table(rows)}`);
    expect(rows.length).toBeGreaterThan(0);
    for (const { truth: t, lag } of rows) {
      expect(lag, `${kind} lag of ${t.pod} at ${t.node}`).toBeDefined();
      if (!lag) continue;
      const what = `${t.pod} at ${t.node}: truth ${t.lagMs} in [${t.earliestMs}, ${t.latestMs}]`;
      if (evidence === 'node-rules') {
        // Both readings of the truth (the sample's label, as real-dataplane's README; and the sync its dump
        // really shows, as real-audit's) lie inside the bound.
        expect.soft(lag.lag.lo, what).toBeLessThanOrEqual(Math.min(t.lagMs, t.latestMs));
        expect.soft(lag.lag.hi, what).toBeGreaterThanOrEqual(Math.max(t.lagMs, t.latestMs));
        expect.soft(lag.evidence).toBe('node-rules');
        expect.soft(lag.lag.hi - lag.lag.lo, `bound width of ${t.pod} at ${t.node}`).toBeLessThanOrEqual(300);
      } else {
        // The truth is only known to lie in [earliest, latest] when a sync may hide: the bound must meet it.
        expect.soft(lag.lag.lo, what).toBeLessThanOrEqual(t.latestMs);
        expect.soft(lag.lag.hi, what).toBeGreaterThanOrEqual(t.upperBound || t.latestMs > t.lagMs ? t.earliestMs : t.lagMs);
        expect.soft(lag.evidence).not.toBe('node-rules');
        expect.soft(lag.confidence).toBe(0.99);
      }
    }
  };
  it('holds every true removal lag inside its bound', check('removal'));
  it('holds every true add lag inside its bound', check('add'));

  it('counts the dropped requests of every node within 2 %', () => {
    for (const [node, r] of Object.entries(truth.requests)) {
      const counted = m?.dropped.byNode.find((d) => d.node === node)?.count.value ?? 0;
      expect.soft(Math.abs(counted - r.failed), `dropped at ${node}: cutover ${counted}, truth ${r.failed} of ${r.total}`).toBeLessThanOrEqual(Math.max(0.02 * r.failed, 0));
    }
  });
});
