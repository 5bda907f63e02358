import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutoverEventSchema } from '../events/event-schema';
import { PROBE_OUTCOMES } from '../probes/probe-run';
import { fastParseEvent } from './fast-event-parse';

const anyValue = fc.oneof(fc.integer({ min: -5, max: 700 }), fc.double(), fc.string({ maxLength: 3 }), fc.constant(null), fc.constant(undefined), fc.boolean());
const run = fc.tuple(
  fc.oneof(fc.constantFrom(...PROBE_OUTCOMES), anyValue),
  fc.oneof(fc.constant(null), fc.string({ maxLength: 4 }), anyValue),
  fc.oneof(fc.constant(null), fc.string({ maxLength: 2 })),
  fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 700 }), anyValue),
  fc.integer({ min: 0, max: 100 }),
  fc.oneof(fc.integer({ min: 0, max: 100 }), anyValue),
  fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(2 ** 53), anyValue),
  fc.oneof(fc.nat(5), anyValue),
  fc.nat(10),
  fc.oneof(fc.nat(50), anyValue),
);
const batch = fc.record(
  {
    seq: fc.oneof(fc.nat(), fc.constant(2 ** 53), anyValue),
    at: fc.oneof(fc.integer(), anyValue),
    type: fc.oneof(fc.constant('probes'), fc.constant('marker')),
    node: fc.oneof(fc.constantFrom('node-a', ''), anyValue),
    target: fc.oneof(fc.constant('demo/web'), anyValue),
    intervalMs: fc.oneof(fc.constantFrom(50, 0), anyValue),
    offsetUncertaintyMs: fc.oneof(fc.constantFrom(0, 2.5, -1), anyValue),
    runs: fc.oneof(fc.array(run, { maxLength: 3 }), anyValue),
    extra: fc.string(),
  },
  { requiredKeys: ['type'] },
);

describe('fastParseEvent', () => {
  it('accepts only what the schema accepts, and yields the same event', () => {
    fc.assert(
      fc.property(batch, (raw) => {
        const fast = fastParseEvent(raw);
        const slow = cutoverEventSchema.safeParse(raw);
        if (fast) {
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the common well-formed probe batch', () => {
    const raw = { seq: 3, at: 10, type: 'probes', node: 'node-a', target: 'demo/web', intervalMs: 50, offsetUncertaintyMs: 1, runs: [['served', 'web-1', '2', 200, 1, 2, 2, 1, 2, 3]], junk: 1 };
    expect(fastParseEvent(raw)).toEqual(cutoverEventSchema.parse(raw));
  });
});
