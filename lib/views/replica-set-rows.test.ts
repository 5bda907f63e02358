import { describe, expect, it } from 'vitest';
import { lagChartRows } from './lag-chart-rows';
import { foldEvents } from '../fold/reduce';
import { rolloutReport } from '../report/report-model';
import { createReplicaSetHistory, recordReplicaSetEvents } from './replica-set-history';
import { replicaSetRows } from './replica-set-rows';
import { selectRollout } from './rollout-selection';
import { smallRollout, T0 } from './rollout-fixture.test-support';

const events = smallRollout().build();

describe('replicaSetRows', () => {
  const history = recordReplicaSetEvents(createReplicaSetHistory(), events);
  it('puts every change of every ReplicaSet on one row with step values', () => {
    const rows = replicaSetRows([...history.values()], { from: T0 - 500, to: T0 + 6000 });
    expect(rows.map((r) => [r.at - T0, r['desired:old'], r['ready:old'], r['desired:new'], r['ready:new']])).toEqual([
      [-500, 0, 0, 0, 0],
      [0, 1, 1, 0, 0],
      [1100, 1, 1, 1, 0],
      [3100, 1, 1, 1, 1],
      [3200, 0, 1, 1, 1],
      [5000, 0, 0, 1, 1],
      [6000, 0, 0, 1, 1],
    ]);
  });
  it('starts from the value in force at the window start', () => {
    const rows = replicaSetRows([...history.values()], { from: T0 + 2000, to: T0 + 3150 });
    expect(rows.map((r) => [r.at - T0, r['desired:old'], r['ready:new']])).toEqual([
      [2000, 1, 0],
      [3100, 1, 1],
      [3150, 1, 1],
    ]);
  });
});

describe('lagChartRows', () => {
  it('gives each node its worst lags with error bars', () => {
    const m = selectRollout(foldEvents(events)).measurements;
    if (!m) throw new Error('no rollout');
    const rows = lagChartRows(rolloutReport(m));
    expect(rows.map((r) => r.node)).toEqual(['node-a', 'node-b']);
    for (const r of rows) {
      expect(r.removalError[0]).toBeGreaterThanOrEqual(0);
      expect(r.removalError[1]).toBeGreaterThanOrEqual(0);
    }
    expect(rows[0]?.dropped).toBe(5);
  });
});

describe('sampleRows', () => {
  it('samples the step values evenly across the window', async () => {
    const { sampleRows } = await import('./replica-set-rows');
    const history = recordReplicaSetEvents(createReplicaSetHistory(), events);
    const rows = replicaSetRows([...history.values()], { from: T0, to: T0 + 6000 });
    const samples = sampleRows(rows, { from: T0, to: T0 + 6000 }, 4);
    expect(samples.map((r) => [r.at - T0, r['ready:new'], r['desired:old']])).toEqual([
      [0, 0, 1],
      [2000, 0, 1],
      [4000, 1, 0],
      [6000, 1, 0],
    ]);
  });
});
