import { describe, expect, it } from 'vitest';
import { formatSweepTable, parseSweepSpec, SweepSpecError, sweepOverrides } from './lab-sweep';

describe('sweep spec', () => {
  it('reads knob=v1,v2,… into sorted values, each checked against the knob range', () => {
    expect(parseSweepSpec('preStopSeconds=4, 0,2')).toEqual({ knob: 'preStopSeconds', values: [0, 2, 4] });
    expect(sweepOverrides({ knob: 'preStopSeconds', values: [0, 2] }, 2)).toEqual({ preStopSeconds: 2 });
  });

  it('refuses what it cannot run, saying why', () => {
    expect(() => parseSweepSpec('preStop=1')).toThrow(/unknown knob "preStop": one of nodeLagMs, preStopSeconds/);
    expect(() => parseSweepSpec('readinessProbe=1')).toThrow(/cannot be swept/);
    expect(() => parseSweepSpec('replicas=0,2')).toThrow(/replicas: must be at least 1/);
    expect(() => parseSweepSpec('preStopSeconds=1,1')).toThrow(/repeats/);
    expect(() => parseSweepSpec('preStopSeconds=')).toThrow(SweepSpecError);
    expect(() => parseSweepSpec(`preStopSeconds=${Array.from({ length: 13 }, (_, i) => i).join(',')}`)).toThrow(/at most 12/);
  });

  it('prints one row per value, lags in the scenario\'s own seconds', () => {
    const table = formatSweepTable({ knob: 'preStopSeconds', values: [0, 8] }, [
      { value: 0, outcome: 'complete', labRequests: 900, labDropped: 97, dropped: 95, afterSigterm: 0, conntrackTail: 12, worstRemovalLagMs: 1_300, worstRemovalNode: 'node-c' },
      { value: 8, outcome: 'complete', labRequests: 1_100, labDropped: 0, dropped: 0, afterSigterm: 0, conntrackTail: 0, worstRemovalLagMs: null, worstRemovalNode: null },
    ], 5);
    const [head, first, second] = table.trimEnd().split('\n');
    expect(head).toMatch(/^preStopSeconds \(s\)\s+dropped \(lab\)\s+dropped \(Cutover\)/);
    expect(first?.trim().split(/\s{2,}/).map((c) => c.trim())).toEqual(['0', '97', '95', '0', '12', '6.5 s node-c', '900', 'complete']);
    expect(second).toMatch(/^\s+8\s+0\s+0\s+0\s+0\s+—\s+1100\s+complete$/);
  });
});
