import type { CutoverEvent, ProbeBatchEvent } from '../events/event-schema';
import { isEventTime } from '../events/event-time';
import { PROBE_OUTCOMES, type ProbeOutcome, type ProbeRunTuple } from '../probes/probe-run';

/**
 * A hand-written check of the one event type that makes up nearly every line of a recording (probe
 * batches), accepting exactly a subset of what `cutoverEventSchema` accepts and rebuilding the object
 * field by field. Anything it does not accept goes through the zod schema, which also explains errors.
 * Kept in step with the schema by a property test.
 */
const OUTCOMES: ReadonlySet<string> = new Set(PROBE_OUTCOMES);

export function isOutcome(v: unknown): v is ProbeOutcome {
  return typeof v === 'string' && OUTCOMES.has(v);
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isNullableName = (v: unknown): v is string | null => v === null || (typeof v === 'string' && v.length > 0);

export const isNullableStatus = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599);

/** A run from its ten values, if `probeRunTupleSchema` would take them (shared with the compact line reader). */
export function checkedRun(outcome: unknown, pod: unknown, revision: unknown, status: unknown, first: unknown, last: unknown, count: unknown, latMin: unknown, latMax: unknown, latSum: unknown): ProbeRunTuple | undefined {
  if (!isOutcome(outcome) || !isNullableName(pod) || !isNullableName(revision)) return undefined;
  if (!isNullableStatus(status)) return undefined;
  if (!isEventTime(first) || !isEventTime(last) || first > last) return undefined;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count <= 0) return undefined;
  if (!isFiniteNumber(latMin) || !isFiniteNumber(latMax) || !isFiniteNumber(latSum) || latMin < 0 || latMax < latMin || latSum < 0) return undefined;
  return [outcome, pod, revision, status, first, last, count, latMin, latMax, latSum];
}

function run(t: unknown): ProbeRunTuple | undefined {
  if (!Array.isArray(t) || t.length !== 10) return undefined;
  return checkedRun(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9]);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A probe batch without its runs, if `probeBatchEventSchema` would take these fields; `target` undefined when absent. */
export function checkedBatch(seq: unknown, at: unknown, node: unknown, target: unknown, intervalMs: unknown, offsetUncertaintyMs: unknown, runs: ProbeRunTuple[]): ProbeBatchEvent | undefined {
  // zod's int() is a safe integer.
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || !isEventTime(at)) return undefined;
  if (typeof node !== 'string' || node.length === 0 || (target !== undefined && typeof target !== 'string')) return undefined;
  if (!isFiniteNumber(intervalMs) || intervalMs <= 0 || !isFiniteNumber(offsetUncertaintyMs) || offsetUncertaintyMs < 0) return undefined;
  const event: ProbeBatchEvent = { seq, at, type: 'probes', node, intervalMs, offsetUncertaintyMs, runs };
  if (target !== undefined) event.target = target;
  return event;
}

export function fastParseEvent(raw: unknown): CutoverEvent | undefined {
  if (!isRecord(raw) || raw.type !== 'probes') return undefined;
  const { runs } = raw;
  if (!Array.isArray(runs)) return undefined;
  const parsed: ProbeRunTuple[] = new Array<ProbeRunTuple>(runs.length);
  for (let i = 0; i < runs.length; i++) {
    const r = run(runs[i]);
    if (!r) return undefined;
    parsed[i] = r;
  }
  return checkedBatch(raw.seq, raw.at, raw.node, raw.target, raw.intervalMs, raw.offsetUncertaintyMs, parsed);
}
