import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../lib/fold/reduce';
import { buildReport } from '../../lib/report/report-model';
import type { RolloutReport } from '../../lib/report/report-model';
import { latestRollouts, latestRolloutSeries } from './latest-rollout-series';
import { O1, T0, singletonRollout } from './rollout-stream.test-support';

function reportAt(until: number): RolloutReport {
  const [r] = buildReport(foldEvents(singletonRollout(until))).rollouts;
  if (!r) throw new Error('no rollout');
  return r;
}

describe('latestRolloutSeries: a rollout report → the cutover_rollout_* series', () => {
  it('carries the report\'s own figures, in seconds, labelled with the revision rolled to', () => {
    const r = reportAt(12_000);
    expect(r.outcome).toBe('in-progress');
    const m = r.measurements;
    const s = latestRolloutSeries(r);
    expect(s.labels).toEqual({ namespace: 'demo', deployment: 'web', revision: '2' });
    expect(s.done).toBe(false);
    expect(s.startedSeconds).toBe((T0 + 10_000) / 1000);
    expect(s.endedSeconds).toBeNull();
    expect(s.controlPlaneOverlapSeconds).toBeCloseTo(m.controlPlaneOverlapMs.value / 1000);
    expect(s.dataPlaneOverlapSeconds).toBeCloseTo((m.dataPlaneOverlapMs?.value ?? NaN) / 1000);
    // Per node: the drops (4 timeouts at node-a) and the conntrack tail, which is part of them.
    expect(s.nodes.map((n) => [n.node, n.dropped, n.conntrackTail])).toEqual([
      ['node-a', 4, 0],
      ['node-b', 0, 0],
    ]);
    expect(s.nodes.reduce((sum, n) => sum + n.dropped, 0)).toBe(m.droppedRequests.total.value);
    expect(s.stale).toEqual({ afterSigterm: m.staleResponses.afterSigterm.value, afterDeletion: m.staleResponses.afterDeletion.value, afterEndpointRemoval: m.staleResponses.afterEndpointRemoval.value });
    expect(s.singleton?.dataPlaneSeconds).toBeGreaterThan(0);
  });

  it('gives each node its worst lag each way with its evidence, and no upper bound where the report has none', () => {
    const r = reportAt(12_000);
    const s = latestRolloutSeries(r);
    for (const n of r.nodes) {
      for (const [direction, lag] of [['add', n.worstAddLag], ['removal', n.worstRemovalLag]] as const) {
        const series = s.lags.filter((l) => l.node === n.node && l.direction === direction);
        if (!lag) {
          expect(series).toEqual([]);
          continue;
        }
        expect(series).toEqual([
          {
            node: n.node,
            direction,
            evidence: lag.evidence,
            seconds: Math.max(0, lag.lagMs.value) / 1000,
            lowerSeconds: Math.max(0, lag.lagMs.lo) / 1000,
            upperSeconds: Number.isFinite(lag.lagMs.hi) ? Math.max(0, lag.lagMs.hi) / 1000 : null,
          },
        ]);
      }
    }
    // The rollout's worst removal lag (o1 at node-a) is the largest removal series: one ranking.
    expect(r.measurements.worstRemovalLag).toMatchObject({ node: 'node-a', pod: O1 });
    const removal = s.lags.filter((l) => l.direction === 'removal');
    expect(Math.max(...removal.map((l) => l.seconds))).toBeCloseTo(Math.max(0, r.measurements.worstRemovalLag?.lagMs.value ?? NaN) / 1000);
    for (const l of s.lags) {
      expect(l.lowerSeconds).toBeLessThanOrEqual(l.seconds);
      if (l.upperSeconds !== null) expect(l.upperSeconds).toBeGreaterThanOrEqual(l.seconds);
    }
  });

  it('an unknown upper end stays unknown, never a number', () => {
    const r = reportAt(12_000);
    const lag = r.nodes[0]?.worstRemovalLag;
    if (!lag || !r.nodes[0]) throw new Error('no removal lag at node-a');
    const node = { ...r.nodes[0], worstRemovalLag: { ...lag, lagMs: { ...lag.lagMs, hi: Infinity } } };
    const s = latestRolloutSeries({ ...r, nodes: [node] });
    expect(s.lags.find((l) => l.direction === 'removal')?.upperSeconds).toBeNull();
  });

  it('is done once the rollout ended, with its end time', () => {
    const r = reportAt(30_000);
    expect(r.outcome).toBe('complete');
    const s = latestRolloutSeries(r);
    expect(s.done).toBe(true);
    expect(s.endedSeconds).toBe((r.endedAtMs ?? NaN) / 1000);
  });

  it('keeps one rollout per Deployment: the latest', () => {
    const a = reportAt(30_000);
    const b = { ...a, id: 'demo/web#1', startedAtMs: a.startedAtMs + 60_000, revisions: { ...a.revisions, to: 3 } };
    const other = { ...a, id: 'shop/api#0', deployment: { namespace: 'shop', name: 'api' } };
    expect(latestRollouts([a, other, b]).map((r) => r.id)).toEqual(['demo/web#1', 'shop/api#0']);
  });
});
