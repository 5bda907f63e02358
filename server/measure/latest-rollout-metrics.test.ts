import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLatestRolloutMetrics, setLatestRollouts } from './latest-rollout-metrics';
import type { LatestRolloutSeries } from './latest-rollout-series';

function series(revision: string, upperSeconds: number | null): LatestRolloutSeries {
  return {
    labels: { namespace: 'demo', deployment: 'web', revision },
    done: false,
    startedSeconds: 1_800_000_010,
    endedSeconds: null,
    controlPlaneOverlapSeconds: 1.5,
    dataPlaneOverlapSeconds: null,
    nodes: [{ node: 'node-a', dropped: 3, conntrackTail: 1, dataPlaneOverlapSeconds: null }],
    lags: [{ node: 'node-a', direction: 'removal', evidence: 'responses', seconds: 2, lowerSeconds: 1, upperSeconds }],
    stale: { afterSigterm: 0, afterDeletion: 0, afterEndpointRemoval: 0 },
    singleton: null,
  };
}

describe('setLatestRollouts', () => {
  it('replaces a Deployment\'s series when its next revision comes, leaving one revision exported', async () => {
    const registry = new Registry();
    const m = createLatestRolloutMetrics(registry);
    setLatestRollouts(m, [series('2', 4)]);
    setLatestRollouts(m, [series('3', 4)]);
    const text = await registry.metrics();
    expect(text).not.toContain('revision="2"');
    expect((await m.dropped.get()).values).toEqual([{ labels: { namespace: 'demo', deployment: 'web', revision: '3', node: 'node-a' }, value: 3 }]);
  });

  it('exports no upper bound, rather than a made-up one, when the lag has none; and nothing absent as zero', async () => {
    const registry = new Registry();
    const m = createLatestRolloutMetrics(registry);
    setLatestRollouts(m, [series('2', null)]);
    expect((await m.nodeLag.get()).values.map((v) => v.value)).toEqual([2]);
    expect((await m.nodeLagLower.get()).values.map((v) => v.value)).toEqual([1]);
    expect((await m.nodeLagUpper.get()).values).toEqual([]);
    expect((await m.dataPlaneOverlap.get()).values).toEqual([]);
    expect((await m.ended.get()).values).toEqual([]);
  });
});
