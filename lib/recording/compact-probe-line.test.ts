import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProbeBatchEvent } from '../events/event-schema';
import { PROBE_OUTCOMES, type ProbeRunTuple } from '../probes/probe-run';
import { PodNames, compactProbeLineSchema, encodeCompactProbeLine, fastParseCompactProbeLine } from './compact-probe-line';
import { readRecording } from './recording-reader';
import { formatEvent, formatHeader } from './recording-writer';

const anyValue = fc.oneof(fc.integer({ min: -5, max: 700 }), fc.double(), fc.string({ maxLength: 3 }), fc.constant(null), fc.constant(undefined), fc.boolean());
/** Mostly the valid value, sometimes anything: so that the fast check both takes and refuses lines often. */
const mostly = <T,>(valid: fc.Arbitrary<T>, weight = 12) => fc.oneof({ arbitrary: valid, weight }, { arbitrary: anyValue, weight: 1 });
const time = mostly(fc.oneof(fc.integer({ min: -2000, max: 2000 }), fc.double({ min: -1e4, max: 1e4 }), fc.double()));
const lat = mostly(fc.oneof(fc.nat(5000), fc.integer({ min: -3, max: 3 }), fc.double({ min: -1, max: 1e4 }), fc.double()));
const suffix = mostly(fc.oneof(fc.constant(null), fc.constantFrom('abcde', '1', ''), fc.string({ maxLength: 3 })));
const single = fc.tuple(suffix, time, lat);
const multi = fc.tuple(suffix, time, time, mostly(fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(2 ** 53))), lat, lat, lat);
const entry = fc.oneof({ arbitrary: single, weight: 6 }, { arbitrary: multi, weight: 6 }, { arbitrary: fc.array(anyValue, { maxLength: 8 }), weight: 1 }, { arbitrary: anyValue, weight: 1 });
const group = fc
  .tuple(
    mostly(fc.constantFrom(...PROBE_OUTCOMES)),
    mostly(fc.oneof(fc.constant(null), fc.string({ maxLength: 2 }))),
    mostly(fc.oneof(fc.constant(null), fc.integer({ min: 90, max: 610 }))),
    mostly(fc.oneof(fc.constant(null), fc.constantFrom('web-67c878cb69-', ''), fc.string({ maxLength: 3 }))),
    fc.array(entry, { maxLength: 3 }),
  )
  .map(([o, revision, status, prefix, entries]): unknown => [o, revision, status, prefix, ...entries]);
const line = fc
  .tuple(
    mostly(fc.constant('probes'), 30),
    mostly(fc.oneof(fc.nat(), fc.constant(-1), fc.constant(2 ** 53), fc.double())),
    mostly(fc.oneof(fc.integer({ min: 1_800_000_000_000, max: 1_800_000_100_000 }), fc.double())),
    mostly(fc.constantFrom('node-a', 'node-a', '')),
    mostly(fc.constantFrom('demo/web', '', null)),
    mostly(fc.constantFrom(50, 50, 0)),
    mostly(fc.constantFrom(0, 2.5, -1)),
    fc.array(fc.oneof({ arbitrary: group, weight: 12 }, { arbitrary: fc.array(anyValue, { maxLength: 5 }), weight: 1 }, { arbitrary: anyValue, weight: 1 }), { maxLength: 3 }),
  )
  .map(([tag, seq, at, node, target, interval, uncertainty, groups]): unknown[] => [tag, seq, at, node, target, interval, uncertainty, ...groups]);

const outcome = fc.constantFrom(...PROBE_OUTCOMES);
const name = fc.oneof(fc.constant(null), fc.constantFrom('web-1', 'web-67c878cb69-abcde', 'web-67c878cb69-xyz12', 'web-5d9-q', 'plain', 'a-', '-b'), fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', '-') }));
const latency = fc.oneof(fc.integer({ min: 0, max: 900_000 }).map((n) => n / 100), fc.double({ min: 0, max: 1e5, noNaN: true }));
const serverTime = fc.oneof(fc.integer({ min: 1_800_000_000_000, max: 1_800_000_100_000 }), fc.double({ min: 1.8e12, max: 1.8e12 + 1e5, noNaN: true }));
const validRun = fc.tuple(outcome, name, name, fc.oneof(fc.constant(null), fc.integer({ min: 100, max: 599 })), serverTime, fc.nat(5000), fc.integer({ min: 1, max: 50 }), latency, latency, latency).map(
  ([o, pod, revision, status, first, span, count, a, b, c]): ProbeRunTuple => {
    const [latMin, latMax] = a <= b ? [a, b] : [b, a];
    return count === 1 ? [o, pod, revision, status, first, first, 1, latMin, latMin, latMin] : [o, pod, revision, status, first, first + span, count, latMin, latMax, c];
  },
);
const validBatch = fc
  .tuple(fc.nat(1_000_000), serverTime, fc.constantFrom('node-a', 'node-b'), fc.option(fc.constantFrom('demo/web', ''), { nil: undefined }), fc.constantFrom(50, 1000 / 3), fc.constantFrom(0, 1, 2.75), fc.array(validRun, { maxLength: 6 }))
  .map(([seq, at, node, target, intervalMs, offsetUncertaintyMs, runs]): ProbeBatchEvent => ({ seq, at, type: 'probes', node, ...(target !== undefined ? { target } : {}), intervalMs, offsetUncertaintyMs, runs }));

describe('compact probe line', () => {
  it('the fast check accepts only what the schema accepts, and yields the same event', () => {
    const names = new PodNames();
    fc.assert(
      fc.property(line, (raw) => {
        const fast = fastParseCompactProbeLine(raw, names);
        const slow = compactProbeLineSchema.safeParse(raw);
        expect(fastParseCompactProbeLine(raw)).toEqual(fast);
        if (fast) {
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('the fast check takes every line the writer makes', () => {
    fc.assert(
      fc.property(validBatch, (event) => {
        const compact = encodeCompactProbeLine(event);
        if (!compact) return;
        const raw = JSON.parse(JSON.stringify(compact)) as unknown[];
        expect(fastParseCompactProbeLine(raw)).toEqual(event);
        expect(compactProbeLineSchema.parse(raw)).toEqual(event);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes and reads back every probe batch exactly, compact or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validBatch, { minLength: 1, maxLength: 5 }), async (events) => {
        const text = formatHeader({ cluster: 'c', startedAt: 0, tool: 't' }) + events.map(formatEvent).join('');
        const read = await readRecording(text);
        expect(read.problems).toEqual([]);
        expect(read.events).toEqual(events);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the usual batch (whole-ms times, latencies to 0.01 ms) compact: runs grouped, pod prefixes once, one-probe runs shortest', () => {
    const event: ProbeBatchEvent = {
      seq: 7,
      at: 1_800_000_001_003,
      type: 'probes',
      node: 'node-a',
      target: 'demo/web',
      intervalMs: 50,
      offsetUncertaintyMs: 1,
      runs: [
        ['served', 'web-67c878cb69-abcde', '2', 200, 1_800_000_000_000, 1_800_000_000_950, 20, 0.51, 2.49, 30.13],
        ['served', 'web-67c878cb69-fghij', '2', 200, 1_800_000_000_020, 1_800_000_000_020, 1, 1.5, 1.5, 1.5],
        ['refused', null, null, null, 1_800_000_001_000, 1_800_000_001_000, 1, 0.07, 0.07, 0.07],
        ['served', 'other', '2', 200, 1_800_000_001_001, 1_800_000_001_001, 1, 1, 1, 1],
      ],
    };
    expect(formatEvent(event)).toBe(
      '["probes",7,1800000001003,"node-a","demo/web",50,1,["served","2",200,"web-67c878cb69-",["abcde",-1003,-53,20,510,2490,30130],["fghij",-983,1500]],["refused",null,null,null,[null,-3,70]],["served","2",200,null,["other",-2,1000]]]\n',
    );
  });

  it('joins pod prefix and suffix to one string per pod, still right once its bound is passed', () => {
    const names = new PodNames();
    const first = names.join('web-67c878cb69-', 'abcde');
    expect(first).toBe('web-67c878cb69-abcde');
    expect(names.join('web-', 'x')).toBe('web-x');
    expect(Object.is(names.join('web-67c878cb69-', 'abcde'), first)).toBe(true);
    expect(names.join(null, 'plain')).toBe('plain');
    for (let i = 0; i < 100_050; i++) expect(names.join(i % 2 ? 'a-' : 'b-', String(i)).length).toBeGreaterThan(2);
    expect(names.join('web-67c878cb69-', 'abcde')).toBe('web-67c878cb69-abcde');
    expect(names.join('a-', '7')).toBe('a-7');
  });

  it('falls back to the full object when microseconds would lose a latency', () => {
    const event: ProbeBatchEvent = { seq: 1, at: 10, type: 'probes', node: 'n', intervalMs: 50, offsetUncertaintyMs: 0, runs: [['served', 'p', null, 200, 5, 5, 1, 0.0001, 0.0001, 0.0001]] };
    expect(encodeCompactProbeLine(event)).toBeUndefined();
    expect(JSON.parse(formatEvent(event))).toEqual(event);
  });
});
