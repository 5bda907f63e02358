import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableOrder } from './run-order';

describe('stableOrder', () => {
  it('orders positions as the built-in stable sort does, ties, infinities and values that are not numbers included', () => {
    const key = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 40 }), weight: 3 }, fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.5), fc.double({ noNaN: true }));
    // Mostly in order with a few out of place, as runs come; sometimes with a value that is not a number.
    const keys = fc.tuple(fc.array(key, { maxLength: 300 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 3 })).map(([values, nearlySorted, nans]) => {
      const out = nearlySorted ? [...values].sort((a, b) => a - b).map((v, i) => (i % 17 === 5 ? -v : v)) : values;
      if (nans.length > 0 && out.length > 0 && nans[0]! % 3 === 0) for (const at of nans) out[at % out.length] = Number.NaN;
      return out;
    });
    fc.assert(
      fc.property(keys, (values) => {
        const keys = Float64Array.from(values);
        const expected = values.map((_, i) => i).sort((a, b) => (keys[a] as number) - (keys[b] as number));
        expect([...stableOrder(keys)]).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
