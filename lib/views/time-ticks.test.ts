import { describe, expect, it } from 'vitest';
import { formatTickOffset, offsetTicks } from './time-ticks';

describe('offsetTicks', () => {
  it('puts ticks at round offsets from the rollout start, the start included', () => {
    const origin = 1_000_000;
    const ticks = offsetTicks({ from: origin - 10_300, to: origin + 139_000 }, origin);
    expect(ticks).toContain(origin);
    expect(ticks.map((t) => t - origin)).toEqual([0, 30_000, 60_000, 90_000, 120_000]);
    expect(ticks.map((t) => formatTickOffset(t, origin, (ticks[1] ?? 0) - (ticks[0] ?? 0)))).toEqual(['0 s', '+30 s', '+60 s', '+90 s', '+2:00']);
  });

  it('keeps about the asked number of ticks, from milliseconds to hours', () => {
    for (const span of [80, 4000, 150_000, 3_700_000, 30 * 3_600_000]) {
      const ticks = offsetTicks({ from: 0, to: span }, 0);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(9);
    }
  });

  it('labels with the decimals the step needs', () => {
    expect(formatTickOffset(-500, 0, 500)).toBe('−0.5 s');
    expect(formatTickOffset(40, 0, 20)).toBe('+0.04 s');
    expect(formatTickOffset(600_000, 0, 300_000)).toBe('+10:00');
  });

  it('has nothing to say about an empty view', () => {
    expect(offsetTicks({ from: 5, to: 5 }, 0)).toEqual([]);
  });
});
