import { describe, expect, it } from 'vitest';
import { pixelSpans } from './pixel-spans';

describe('pixelSpans', () => {
  const view = { from: 0, to: 1000 };

  it('joins spans closer than the pixel gap and sums their counts', () => {
    // 100 px for 1000 ms: 2 px = 20 ms.
    const spans = [{ from: 0, to: 10, count: 2 }, { from: 25, to: 30, count: 1 }, { from: 80, to: 90, count: 4 }];
    expect(pixelSpans(spans, view, 100)).toEqual([{ from: 0, to: 30, count: 3 }, { from: 80, to: 90, count: 4 }]);
  });

  it('keeps what is outside the view out, and spans across its edges in', () => {
    const spans = [{ from: -50, to: -10 }, { from: -5, to: 5 }, { from: 995, to: 1200 }, { from: 1300, to: 1400 }];
    expect(pixelSpans(spans, view, 1000)).toEqual([{ from: -5, to: 5, count: 1 }, { from: 995, to: 1200, count: 1 }]);
  });

  it('bounds the number of rectangles by the width, whatever the number of runs', () => {
    const runs = Array.from({ length: 100_000 }, (_, i) => ({ from: i * 10, to: i * 10 + 1 }));
    const wide = { from: 0, to: 1_000_000 };
    expect(pixelSpans(runs, wide, 1500).length).toBeLessThanOrEqual(1);
    // Zoomed in to 1 s, the 101 runs that touch it are 13 px apart: each its own rectangle.
    expect(pixelSpans(runs, { from: 0, to: 1000 }, 1500)).toHaveLength(101);
  });

  it('draws nothing in an empty view', () => {
    expect(pixelSpans([{ from: 0, to: 1 }], view, 0)).toEqual([]);
  });
});
