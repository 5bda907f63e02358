import { describe, expect, it } from 'vitest';
import { formatAxisMs, lagAxis, lagChartMax, lagChartShown, type LagChartRow } from './lag-chart-rows';

const row = (node: string, removal: number | null, add: number | null, above = 0): LagChartRow => ({
  node,
  removal,
  removalError: [0, removal === null ? 0 : above],
  add,
  addError: [0, add === null ? 0 : above],
  dropped: 0,
});

describe('lag chart axis', () => {
  it('ends at the first round tick past the data, not at the next power of the scale', () => {
    expect(lagAxis(4100)).toEqual({ max: 4500, step: 500, ticks: [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500] });
    expect(lagAxis(5640).max).toBe(6000);
    expect(lagAxis(5640).step).toBe(1000);
    expect(lagAxis(4000).max).toBe(4000);
  });
  it('keeps small lags in ms and has at most the asked number of intervals', () => {
    const axis = lagAxis(37);
    expect(axis.max).toBe(40);
    expect(axis.ticks.length - 1).toBeLessThanOrEqual(10);
    expect(lagAxis(0).max).toBe(1000);
    for (const v of [1, 9, 99, 101, 999, 1001, 12_345, 61_000, 3_600_000]) {
      const a = lagAxis(v);
      expect(a.max).toBeGreaterThanOrEqual(v);
      expect(a.max - a.step).toBeLessThan(v);
      expect(a.ticks.length - 1).toBeLessThanOrEqual(10);
    }
  });
  it('covers every upper bound and the reference lines', () => {
    expect(lagChartMax([row('a', 1000, 2000, 300), row('b', null, 3000, 1100)], 5000)).toBe(5000);
    expect(lagChartMax([row('a', 1000, 2000, 300), row('b', null, 3000, 1100)], 0)).toBe(4100);
  });
  it('labels ticks with the decimals the step needs', () => {
    expect(formatAxisMs(1500, 500, 4500)).toBe('1.5 s');
    expect(formatAxisMs(2000, 1000, 6000)).toBe('2 s');
    expect(formatAxisMs(20, 10, 40)).toBe('20 ms');
  });
});

describe('lag chart rows shown', () => {
  it('keeps all rows that fit, and otherwise the largest lags in node order', () => {
    const rows = [row('n1', 100, 50), row('n2', 4000, null), row('n3', null, null), row('n4', 10, 3000, 10), row('n5', 200, 200)];
    expect(lagChartShown(rows, 5)).toEqual(rows);
    expect(lagChartShown(rows, 2).map((r) => r.node)).toEqual(['n2', 'n4']);
  });
});

describe('a lag whose bound has no upper end', () => {
  it('sizes the axis by its value and never searches for a step forever', () => {
    const rows: LagChartRow[] = [{ node: 'node-c', removal: 1_900, removalError: [1_920, Infinity], add: null, addError: [0, 0], dropped: 18 }];
    expect(lagChartMax(rows, 0, 0)).toBe(1_900);
    expect(lagAxis(Infinity)).toMatchObject({ max: 1000 });
    expect(lagAxis(lagChartMax(rows, 5_000, 0)).max).toBe(5_000);
  });
});
