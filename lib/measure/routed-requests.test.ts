import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestsForConfidence, surelyAfter, surelyBefore, type Segment } from './routed-requests';

// Every placement of a run's probes that its spacing allows (one probe per `spacing` ms, ends exact):
// "surely" counts must never exceed what any such placement puts in the window.
function placements(s: Segment, spacing: number, trials: number, rand: () => number): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < trials; t++) {
    const inner: number[] = [];
    // Spread the inner probes at random, keeping them `spacing` apart, between first and last.
    let at = s.first;
    for (let k = 1; k < s.count - 1; k++) {
      const room = s.last - (s.count - 1 - k) * spacing - (at + spacing);
      at = at + spacing + Math.max(0, room) * rand() * 0.5;
      inner.push(at);
    }
    out.push(s.count === 1 ? [s.first] : [s.first, ...inner, s.last]);
  }
  return out;
}

describe('counts of requests surely in a window', () => {
  it('never count more than a placement the spacing allows puts there', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 100 }), (count, first, w1, w2, seed) => {
        const spacing = 50;
        // A run of one probe starts and ends at it.
        const s: Segment = { first, last: count === 1 ? first : first + (count - 1) * spacing + (seed % 7) * 10, count, to: undefined };
        let x = seed;
        const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
        const from = Math.min(w1, w2);
        const to = Math.max(w1, w2);
        for (const p of placements(s, spacing, 5, rand)) {
          expect(surelyAfter(s, from, to, spacing)).toBeLessThanOrEqual(p.filter((t) => t > from && t <= to).length);
          expect(surelyBefore(s, from, to, spacing)).toBeLessThanOrEqual(p.filter((t) => t >= from && t < to).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts a run wholly inside the window whole, and its ends without spacing', () => {
    const s: Segment = { first: 100, last: 600, count: 6, to: 'p' };
    expect(surelyAfter(s, 0, 1000, 100)).toBe(6);
    expect(surelyAfter(s, 350, 1000, 100)).toBe(3);
    expect(surelyAfter(s, 350, 1000, 0)).toBe(1);
    expect(surelyBefore(s, 0, 350, 100)).toBe(3);
    expect(surelyBefore(s, 0, 350, 0)).toBe(1);
  });
});

describe('requests needed for 99 %', () => {
  it.each([
    [1, 1],
    [2, 7],
    [3, 12],
    [6, 26],
  ])('with %i endpoints: %i', (k, m) => {
    expect(requestsForConfidence(k, 0.99)).toBe(m);
    // (1 − 1/k)^m ≤ 1 % and one fewer would not be.
    if (k > 1) expect((1 - 1 / k) ** (m - 1)).toBeGreaterThan(0.01);
  });
});
