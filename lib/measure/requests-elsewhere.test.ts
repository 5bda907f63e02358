import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oracleElsewhereAfter, oracleElsewhereBefore, oracleRuns } from '../../test/support/elsewhere-oracle';
import { elsewhereAfter, elsewhereBefore } from './requests-elsewhere';
import { HORIZON_MS, nthSmallest } from './requests-elsewhere-walk';
import { indexRoutedRequests, runColumns, surelyAfter, surelyBefore, type RoutedRequests, type Segment } from './routed-requests';

const index = (segments: Segment[], spacing: number): RoutedRequests => indexRoutedRequests(runColumns(segments), [], false, spacing);

describe('where enough requests went elsewhere', () => {
  const runs = fc.array(fc.record({ first: fc.integer({ min: 0, max: 20_000 }), count: fc.integer({ min: 1, max: 20 }), slack: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 30 });

  // Safe (by the time found, that many surely went elsewhere) and never looser than counting whole runs.
  // Not always the tightest: runs reaching past the whole-run answer are left out to keep the search short.
  it('finds a time by which the surely-counted requests reach the number needed (after), and a start from which they do (before)', () => {
    fc.assert(
      fc.property(runs, fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 40 }), (specs, at, needed) => {
        const spacing = 49;
        const segments: Segment[] = specs.map((r, i) => ({ first: r.first, last: r.count === 1 ? r.first : r.first + (r.count - 1) * 50 + r.slack, count: r.count, to: `p${i}` }));
        const idx = index(segments, spacing);
        const none: string[] = [];
        const after = elsewhereAfter(idx, at, needed, none);
        const countAfter = (t: number) => segments.reduce((n, s) => n + surelyAfter(s, at, t, spacing), 0);
        // Whole runs only: the last probe of the run whose whole count reaches `needed`.
        let whole = 0;
        const { byLast, byFirst } = oracleRuns(segments, spacing);
        const wholeAfter = byLast.filter((s) => s.last > at).find((s) => (whole += s.first > at ? s.count : 1) >= needed)?.last;
        if (after === undefined) expect(wholeAfter).toBeUndefined();
        else {
          expect(countAfter(after)).toBeGreaterThanOrEqual(needed);
          expect(after).toBeLessThanOrEqual(Math.ceil(wholeAfter ?? Infinity));
        }
        const before = elsewhereBefore(idx, at, needed, none);
        const countBefore = (t: number) => segments.reduce((n, s) => n + surelyBefore(s, t, at, spacing), 0);
        whole = 0;
        const wholeBefore = [...byFirst].reverse().filter((s) => s.first < at).find((s) => (whole += s.last < at ? s.count : 1) >= needed)?.first;
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

describe('the indexed searches equal the run-by-run walk (test/support/elsewhere-oracle.ts)', () => {
  // Destinations: two that are "the pod" when picked as targets, others, and a stable pod's merged probes.
  const POOL = ['p0', '@10.0.0.1', 'p1', 'p2', '@10.0.0.2', undefined] as const;
  const BASE = 1_733_000_000_000;

  /**
   * A node's runs as probing makes them: one after another (each starts no earlier than the one before
   * ended: one stretch), of 1-20 probes at least `step` apart, with gaps from none to past the horizon;
   * times whole ms, quarter ms (agent clocks mapped onto the server's), or epoch ms. With `overlap`, some
   * runs reach back across others, as steady-state merged runs do, which cuts the runs into stretches.
   */
  const session = fc
    .record({
      specs: fc.array(
        fc.record({
          gap: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 200 }), weight: 3 }, fc.integer({ min: 0, max: HORIZON_MS })),
          count: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 20 })),
          step: fc.integer({ min: 1, max: 120 }),
          slack: fc.integer({ min: 0, max: 100 }),
          to: fc.integer({ min: 0, max: POOL.length - 1 }),
          back: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.integer({ min: 1, max: 4000 })),
        }),
        { minLength: 1, maxLength: 60 },
      ),
      scale: fc.constantFrom(1, 0.25),
      base: fc.constantFrom(0, BASE),
      overlap: fc.boolean(),
      // Mostly the pod's own runs, so that the runs taken between others are often its own.
      own: fc.boolean(),
    })
    .map(({ specs, scale, base, overlap, own }) => {
      let t = 0;
      const segments: Segment[] = [];
      for (const r of specs) {
        const first = t + r.gap;
        const last = r.count === 1 ? first : first + (r.count - 1) * r.step + r.slack;
        t = last;
        // In an overlapping session some runs start well before their place (long merged runs).
        const start = overlap ? Math.max(0, first - r.back) : first;
        segments.push({ first: base + start * scale, last: base + last * scale, count: r.count, to: own && r.to > 2 ? 'p0' : POOL[r.to] });
      }
      return { segments, overlap };
    });

  /**
   * A time to search from: at a run's end or start, just beside it, a horizon away from one (so the horizon
   * falls on it), or anywhere in (and around) the session.
   */
  const times = (segments: readonly Segment[]) =>
    fc.oneof(
      fc.tuple(fc.nat(), fc.constantFrom(-1, -0.25, 0, 0.25, 1), fc.boolean(), fc.constantFrom(0, 0, -HORIZON_MS, HORIZON_MS)).map(([i, d, end, h]) => {
        const s = segments[i % segments.length] as Segment;
        return (end ? s.last : s.first) + d + h;
      }),
      fc.double({ min: (segments[0]?.first ?? 0) - 1000, max: Math.max(...segments.map((s) => s.last)) + 1000, noNaN: true }),
    );


  it('give exactly what walking run by run gives, for every starting point, number needed and pod', () => {
    fc.assert(
      fc.property(
        session.chain(({ segments, overlap }) =>
          fc.record({
            segments: fc.constant(segments),
            overlap: fc.constant(overlap),
            at: times(segments),
            needed: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 30 }), weight: 3 }, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 1200 })),
            spacing: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 150 }), fc.constant(49)),
            targets: fc.subarray(['p0', '@10.0.0.1', 'p1']),
          }),
        ),
        ({ segments, overlap, at, needed, spacing, targets }) => {
          const idx = index(segments, spacing);
          // Sessions without overlap are what the indexed path takes whole.
          if (!overlap) expect([idx.byLast.stretchEnd[0], idx.byFirst.stretchEnd[0]]).toEqual([segments.length, segments.length]);
          const isTarget = (to: string | undefined) => to !== undefined && targets.includes(to);
          expect(elsewhereAfter(idx, at, needed, targets)).toBe(oracleElsewhereAfter(oracleRuns(segments, idx.spacing), at, needed, isTarget));
          expect(elsewhereBefore(idx, at, needed, targets)).toBe(oracleElsewhereBefore(oracleRuns(segments, idx.spacing), at, needed, isTarget));
        },
      ),
      { numRuns: 8000 },
    );
  });

  it('answer as the walk does where the runs are odd (no count, ends reversed, not a number)', () => {
    const odd: Segment[] = [
      { first: 0, last: 100, count: 3, to: 'p1' },
      { first: 150, last: 140, count: 2, to: 'p2' },
      { first: 200, last: 260, count: 0, to: 'p2' },
      { first: 300, last: 300, count: 1, to: undefined },
      { first: 400, last: 460, count: 2.5, to: 'p1' },
      { first: 500, last: Number.NaN, count: 2, to: 'p2' },
      { first: 600, last: 700, count: 4, to: 'p0' },
    ];
    for (let n = 0; n <= odd.length; n++) {
      const segments = odd.slice(0, n).concat(odd.slice(n + 1));
      // Ties and values that are not numbers: the order must be the old sort's, whatever it made of them.
      if (n % 2 === 1) segments.push({ first: 300, last: 300, count: 1, to: 'p1' }, { first: Number.NaN, last: 350, count: 1, to: 'p2' });
      const idx = index(segments, 20);
      for (const at of [-1, 0, 50, 120, 150, 250, 300, 430, 500, 650, 800])
        for (const needed of [0, 1, 2, 3, 5, 8, 1.5])
          for (const targets of [[], ['p0']]) {
            const isTarget = (to: string | undefined) => to !== undefined && targets.includes(to);
            expect(elsewhereAfter(idx, at, needed, targets)).toBe(oracleElsewhereAfter(oracleRuns(segments, idx.spacing), at, needed, isTarget));
            expect(elsewhereBefore(idx, at, needed, targets)).toBe(oracleElsewhereBefore(oracleRuns(segments, idx.spacing), at, needed, isTarget));
          }
    }
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
