import { describe, expect, it } from 'vitest';
import { deliveryTime, sampleLag, seedFromName, seededRandom } from './lag-model';

describe('lag models', () => {
  it('fixed is fixed, jitter stays in range, straggler jitters around its lag', () => {
    const random = seededRandom(seedFromName('node-a'));
    expect(sampleLag({ kind: 'fixed', ms: 700 }, random)).toBe(700);
    for (let i = 0; i < 200; i++) {
      const j = sampleLag({ kind: 'jitter', minMs: 500, maxMs: 3000 }, random);
      expect(j).toBeGreaterThanOrEqual(500);
      expect(j).toBeLessThanOrEqual(3000);
      const s = sampleLag({ kind: 'straggler', ms: 60_000, jitterMs: 5000 }, random);
      expect(Math.abs(s - 60_000)).toBeLessThanOrEqual(5000);
    }
  });

  it('is reproducible per seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(seedFromName('node-a')).not.toBe(seedFromName('node-b'));
  });

  it('never reorders deliveries and holds them through a cut-off', () => {
    expect(deliveryTime(1000, 500, 0, undefined, 0)).toBe(1500);
    expect(deliveryTime(1000, 100, 2000, undefined, 0)).toBe(2000); // an earlier change still in flight
    const cutOff = { fromMs: 1000, toMs: 5000 };
    expect(deliveryTime(1200, 100, 0, cutOff, 100)).toBe(5100);
    expect(deliveryTime(6000, 100, 0, cutOff, 100)).toBe(6100);
    expect(deliveryTime(0, 100, 0, cutOff, 100)).toBe(100);
  });
});
