import { z } from 'zod';
import { type ProbeBatchEvent, probeBatchEventSchema } from '../events/event-schema';
import { probeOutcomeSchema, type ProbeRunTuple } from '../probes/probe-run';
import { checkedBatch, checkedRun } from './fast-event-parse';

/**
 * The compact line of a probe batch (recording version 2), nearly every line of a recording:
 *
 *   ["probes", seq, at, node, target | null, intervalMs, offsetUncertaintyMs, run, run, ...]
 *   run: [outcome, pod, revision, status, t, latUs]                                  one probe at `at + t`
 *      | [outcome, pod, revision, status, first, last, count, latMinUs, latMaxUs, latSumUs]
 *
 * Times are ms relative to the batch's `at` and latencies whole microseconds, so a line is small integers
 * that JSON.parse reads several times faster than the v1 object with absolute times and decimal latencies.
 * The writer uses it only when it gives back the event exactly; otherwise it writes the v1 object, which
 * version 2 still reads. It decodes to the same `ProbeBatchEvent`: nothing downstream sees the difference.
 */
export const COMPACT_PROBE_TAG = 'probes';

const name = z.string().min(1).nullable();
const status = z.number().int().min(100).max(599).nullable();
const compactRunSchema = z.union([
  z.tuple([probeOutcomeSchema, name, name, status, z.number(), z.number()]),
  z.tuple([probeOutcomeSchema, name, name, status, z.number(), z.number(), z.number().int().positive(), z.number(), z.number(), z.number()]),
]);
type CompactRun = z.infer<typeof compactRunSchema>;

function decodeRun(at: number, r: CompactRun): ProbeRunTuple {
  if (r.length === 6) {
    const time = at + r[4];
    const lat = r[5] / 1000;
    return [r[0], r[1], r[2], r[3], time, time, 1, lat, lat, lat];
  }
  return [r[0], r[1], r[2], r[3], at + r[4], at + r[5], r[6], r[7] / 1000, r[8] / 1000, r[9] / 1000];
}

/** The zod form, for lines the fast check refuses: decodes, then holds the event to the event schema. */
export const compactProbeLineSchema = z
  .tuple([z.literal(COMPACT_PROBE_TAG), z.number(), z.number(), z.string(), z.string().nullable(), z.number(), z.number()], compactRunSchema)
  .transform(([, seq, at, node, target, intervalMs, offsetUncertaintyMs, ...runs]) => {
    const event: Record<string, unknown> = { seq, at, type: 'probes', node, intervalMs, offsetUncertaintyMs, runs: runs.map((r) => decodeRun(at, r)) };
    if (target !== null) event.target = target;
    return event;
  })
  .pipe(probeBatchEventSchema);

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The hand-written check of the same (kept equal to `compactProbeLineSchema` by a property test). */
export function fastParseCompactProbeLine(raw: unknown[]): ProbeBatchEvent | undefined {
  if (raw.length < 7 || raw[0] !== COMPACT_PROBE_TAG) return undefined;
  const at = raw[2];
  const target = raw[4];
  if (!isFiniteNumber(at) || (target !== null && typeof target !== 'string')) return undefined;
  const runs = new Array<ProbeRunTuple>(raw.length - 7);
  for (let i = 7; i < raw.length; i++) {
    const r = raw[i];
    if (!Array.isArray(r)) return undefined;
    let run: ProbeRunTuple | undefined;
    if (r.length === 6) {
      const [outcome, pod, revision, status, t, latUs]: unknown[] = r;
      if (!isFiniteNumber(t) || !isFiniteNumber(latUs)) return undefined;
      const time = at + t;
      const lat = latUs / 1000;
      run = checkedRun(outcome, pod, revision, status, time, time, 1, lat, lat, lat);
    } else if (r.length === 10) {
      const [outcome, pod, revision, status, first, last, count, latMin, latMax, latSum]: unknown[] = r;
      if (!isFiniteNumber(first) || !isFiniteNumber(last) || !isFiniteNumber(latMin) || !isFiniteNumber(latMax) || !isFiniteNumber(latSum)) return undefined;
      run = checkedRun(outcome, pod, revision, status, at + first, at + last, count, latMin / 1000, latMax / 1000, latSum / 1000);
    }
    if (!run) return undefined;
    runs[i - 7] = run;
  }
  return checkedBatch(raw[1], at, raw[3], target ?? undefined, raw[5], raw[6], runs);
}

const toUs = (ms: number) => Math.round(ms * 1000);

/** The compact line of a batch, or undefined when it would not give back exactly the same event. */
export function encodeCompactProbeLine(e: ProbeBatchEvent): unknown[] | undefined {
  const at = e.at;
  const line: unknown[] = [COMPACT_PROBE_TAG, e.seq, at, e.node, e.target ?? null, e.intervalMs, e.offsetUncertaintyMs];
  for (const [outcome, pod, revision, status, first, last, count, latMin, latMax, latSum] of e.runs) {
    const t = first - at;
    const u = last - at;
    const minUs = toUs(latMin);
    if (at + t !== first || at + u !== last || minUs / 1000 !== latMin) return undefined;
    if (count === 1 && first === last && latMin === latMax && latMin === latSum) {
      line.push([outcome, pod, revision, status, t, minUs]);
      continue;
    }
    const maxUs = toUs(latMax);
    const sumUs = toUs(latSum);
    if (maxUs / 1000 !== latMax || sumUs / 1000 !== latSum) return undefined;
    line.push([outcome, pod, revision, status, t, u, count, minUs, maxUs, sumUs]);
  }
  return line;
}
