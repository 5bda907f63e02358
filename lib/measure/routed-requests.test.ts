import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elsewhereAfter, elsewhereBefore, nthSmallest, requestsForConfidence, surelyAfter, surelyBefore, type RoutedRequests, type Segment } from './routed-requests';

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

describe('where enough requests went elsewhere', () => {
  const index = (segments: Segment[], spacing: number): RoutedRequests => ({
    byLast: [...segments].sort((a, b) => a.last - b.last),
    byFirst: [...segments].sort((a, b) => a.first - b.first),
    unattributed: [],
    attributesFailures: false,
    spacing,
  });
  const runs = fc.array(fc.record({ first: fc.integer({ min: 0, max: 20_000 }), count: fc.integer({ min: 1, max: 20 }), slack: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 30 });

  // Safe (by the time found, that many surely went elsewhere) and never looser than counting whole runs.
  // Not always the tightest: runs reaching past the whole-run answer are left out to keep the search short.
  it('finds a time by which the surely-counted requests reach the number needed (after), and a start from which they do (before)', () => {
    fc.assert(
      fc.property(runs, fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 40 }), (specs, at, needed) => {
        const spacing = 49;
        const segments: Segment[] = specs.map((r, i) => ({ first: r.first, last: r.count === 1 ? r.first : r.first + (r.count - 1) * 50 + r.slack, count: r.count, to: `p${i}` }));
        const idx = index(segments, spacing);
        const none = () => false;
        const after = elsewhereAfter(idx, at, needed, none);
        const countAfter = (t: number) => segments.reduce((n, s) => n + surelyAfter(s, at, t, spacing), 0);
        // Whole runs only: the last probe of the run whose whole count reaches `needed`.
        let whole = 0;
        const wholeAfter = idx.byLast.filter((s) => s.last > at).find((s) => (whole += s.first > at ? s.count : 1) >= needed)?.last;
        if (after === undefined) expect(wholeAfter).toBeUndefined();
        else {
          expect(countAfter(after)).toBeGreaterThanOrEqual(needed);
          expect(after).toBeLessThanOrEqual(Math.ceil(wholeAfter ?? Infinity));
        }
        const before = elsewhereBefore(idx, at, needed, none);
        const countBefore = (t: number) => segments.reduce((n, s) => n + surelyBefore(s, t, at, spacing), 0);
        whole = 0;
        const wholeBefore = [...idx.byFirst].reverse().filter((s) => s.first < at).find((s) => (whole += s.last < at ? s.count : 1) >= needed)?.first;
        if (before === undefined) expect(wholeBefore).toBeUndefined();
        else {
          expect(countBefore(before)).toBeGreaterThanOrEqual(needed);
          expect(before).toBeGreaterThanOrEqual(Math.floor(wholeBefore ?? -Infinity));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('nthSmallest', () => {
  it('picks what sorting would', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 200 }), fc.nat(), (values, k) => {
        const n = k % values.length;
        const sorted = [...values].sort((a, b) => a - b);
        expect(nthSmallest([...values], n)).toBe(sorted[n]);
      }),
      { numRuns: 500 },
    );
  });
});
