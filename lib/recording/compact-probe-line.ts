import { z } from 'zod';
import { type ProbeBatchEvent, probeBatchEventSchema } from '../events/event-schema';
import { probeOutcomeSchema, type ProbeRunTuple } from '../probes/probe-run';
import { checkedBatch, checkedRun, isNullableName, isNullableStatus, isOutcome } from './fast-event-parse';

/**
 * The compact line of a probe batch (recording version 3), nearly every line of a recording:
 *
 *   ["probes", seq, at, node, target | null, intervalMs, offsetUncertaintyMs, group, group, ...]
 *   group: [outcome, revision | null, status | null, podPrefix | null, entry, entry, ...]
 *   entry: [podSuffix | null, t, latUs]                                    one probe at `at + t`
 *        | [podSuffix | null, first, last, count, latMinUs, latMaxUs, latSumUs]
 *
 * A group is consecutive runs with the same outcome, revision and status; a run's pod is prefix + suffix
 * (null suffix: no pod), so the ReplicaSet part of pod names is written once per group. Times are ms
 * relative to the batch's `at`, latencies whole microseconds: a line is mostly small integers and short
 * strings, which JSON.parse reads several times faster than the v1 object with absolute times and decimal
 * latencies, and a node-hour of probing behind 20 pods stays small. The writer uses it only when it
 * gives back the event exactly (else it writes the v1 object, which is still read). It decodes to the
 * same `ProbeBatchEvent`: nothing downstream sees the difference.
 */
export const COMPACT_PROBE_TAG = 'probes';

/**
 * Joins pod prefixes and suffixes to the same string object each time, so the fold's lookups by pod
 * compare one pointer. One per reader; bounded, as a recording could name any number of pods.
 */
export class PodNames {
  private byPrefix = new Map<string, Map<string, string>>();
  private size = 0;
  private lastPrefix: string | undefined;
  private lastBySuffix = new Map<string, string>();

  join(prefix: string | null, suffix: string): string {
    if (prefix === null) return suffix;
    // Runs of a batch mostly share one prefix: comparing it to the last costs less than hashing it again.
    if (prefix !== this.lastPrefix) {
      let bySuffix = this.byPrefix.get(prefix);
      if (!bySuffix) this.byPrefix.set(prefix, (bySuffix = new Map()));
      this.lastPrefix = prefix;
      this.lastBySuffix = bySuffix;
    }
    let name = this.lastBySuffix.get(suffix);
    if (name === undefined) {
      if (++this.size > 100_000) {
        this.byPrefix = new Map([[prefix, (this.lastBySuffix = new Map())]]);
        this.size = 1;
      }
      name = prefix + suffix;
      this.lastBySuffix.set(suffix, name);
    }
    return name;
  }
}

const podOf = (prefix: string | null, suffix: string | null, names: PodNames | undefined): string | null =>
  suffix === null ? null : names ? names.join(prefix, suffix) : prefix === null ? suffix : prefix + suffix;

const nullableString = z.string().nullable();
const entrySchema = z.union([
  z.tuple([nullableString, z.number(), z.number()]),
  z.tuple([nullableString, z.number(), z.number(), z.number().int().positive(), z.number(), z.number(), z.number()]),
]);
const groupSchema = z.tuple([probeOutcomeSchema, z.string().min(1).nullable(), z.number().int().min(100).max(599).nullable(), nullableString], entrySchema);

/** The zod form, for lines the fast check refuses: decodes, then holds the event to the event schema. */
export const compactProbeLineSchema = z
  .tuple([z.literal(COMPACT_PROBE_TAG), z.number(), z.number(), z.string(), nullableString, z.number(), z.number()], groupSchema)
  .transform(([, seq, at, node, target, intervalMs, offsetUncertaintyMs, ...groups]) => {
    const runs: ProbeRunTuple[] = [];
    for (const [outcome, revision, status, prefix, ...entries] of groups) {
      for (const e of entries) {
        const pod = podOf(prefix, e[0], undefined);
        if (e.length === 3) runs.push([outcome, pod, revision, status, at + e[1], at + e[1], 1, e[2] / 1000, e[2] / 1000, e[2] / 1000]);
        else runs.push([outcome, pod, revision, status, at + e[1], at + e[2], e[3], e[4] / 1000, e[5] / 1000, e[6] / 1000]);
      }
    }
    const event: Record<string, unknown> = { seq, at, type: 'probes', node, intervalMs, offsetUncertaintyMs, runs };
    if (target !== null) event.target = target;
    return event;
  })
  .pipe(probeBatchEventSchema);

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** The hand-written check of the same (kept equal to `compactProbeLineSchema` by a property test). */
export function fastParseCompactProbeLine(raw: unknown[], names?: PodNames): ProbeBatchEvent | undefined {
  if (raw.length < 7 || raw[0] !== COMPACT_PROBE_TAG) return undefined;
  const at = raw[2];
  const target = raw[4];
  if (!isFiniteNumber(at) || !isNullableString(target)) return undefined;
  const runs: ProbeRunTuple[] = [];
  for (let g = 7; g < raw.length; g++) {
    const group = raw[g];
    if (!Array.isArray(group) || group.length < 4) return undefined;
    const [outcome, revision, status, prefix]: unknown[] = group;
    if (!isOutcome(outcome) || !isNullableName(revision) || !isNullableStatus(status) || !isNullableString(prefix)) return undefined;
    for (let i = 4; i < group.length; i++) {
      const e: unknown = group[i];
      if (!Array.isArray(e)) return undefined;
      const suffix: unknown = e[0];
      if (!isNullableString(suffix)) return undefined;
      let run: ProbeRunTuple | undefined;
      if (e.length === 3) {
        const [, t, latUs]: unknown[] = e;
        if (!isFiniteNumber(t) || !isFiniteNumber(latUs)) return undefined;
        const time = at + t;
        const lat = latUs / 1000;
        run = checkedRun(outcome, podOf(prefix, suffix, names), revision, status, time, time, 1, lat, lat, lat);
      } else if (e.length === 7) {
        const [, first, last, count, latMin, latMax, latSum]: unknown[] = e;
        if (!isFiniteNumber(first) || !isFiniteNumber(last) || !isFiniteNumber(latMin) || !isFiniteNumber(latMax) || !isFiniteNumber(latSum)) return undefined;
        run = checkedRun(outcome, podOf(prefix, suffix, names), revision, status, at + first, at + last, count, latMin / 1000, latMax / 1000, latSum / 1000);
      }
      if (!run) return undefined;
      runs.push(run);
    }
  }
  return checkedBatch(raw[1], at, raw[3], target ?? undefined, raw[5], raw[6], runs);
}

const toUs = (ms: number) => Math.round(ms * 1000);

/** The part of a pod name up to and including its last '-' (its ReplicaSet's name and the dash), or null. */
function prefixOf(pod: string | null): string | null {
  if (pod === null) return null;
  const dash = pod.lastIndexOf('-');
  return dash > 0 ? pod.slice(0, dash + 1) : null;
}

/** The compact line of a batch, or undefined when it would not give back exactly the same event. */
export function encodeCompactProbeLine(e: ProbeBatchEvent): unknown[] | undefined {
  const at = e.at;
  const line: unknown[] = [COMPACT_PROBE_TAG, e.seq, at, e.node, e.target ?? null, e.intervalMs, e.offsetUncertaintyMs];
  let group: unknown[] | undefined;
  let groupPrefix: string | null = null;
  let groupNamesPods = false;
  for (const run of e.runs) {
    // The compact line has no place for where the data plane sent a run: such a batch takes the v1 object.
    if (run.length > 10) return undefined;
    const [outcome, pod, revision, status, first, last, count, latMin, latMax, latSum] = run;
    const t = first - at;
    const u = last - at;
    const minUs = toUs(latMin);
    if (at + t !== first || at + u !== last || minUs / 1000 !== latMin) return undefined;
    // Runs join the group while outcome, revision and status stay the same and the pod fits its prefix.
    const fits =
      group !== undefined &&
      group[0] === outcome &&
      group[1] === revision &&
      group[2] === status &&
      (pod === null || (groupPrefix !== null ? pod.startsWith(groupPrefix) : !groupNamesPods || prefixOf(pod) === null));
    if (!group || !fits) {
      groupPrefix = prefixOf(pod);
      groupNamesPods = false;
      group = [outcome, revision, status, groupPrefix];
      line.push(group);
    } else if (pod !== null && !groupNamesPods) {
      // A group opened by runs naming no pod takes its prefix from the first run that names one.
      groupPrefix = prefixOf(pod);
      group[3] = groupPrefix;
    }
    if (pod !== null) groupNamesPods = true;
    const suffix = pod === null ? null : groupPrefix === null ? pod : pod.slice(groupPrefix.length);
    if (count === 1 && first === last && latMin === latMax && latMin === latSum) {
      group.push([suffix, t, minUs]);
      continue;
    }
    const maxUs = toUs(latMax);
    const sumUs = toUs(latSum);
    if (maxUs / 1000 !== latMax || sumUs / 1000 !== latSum) return undefined;
    group.push([suffix, t, u, count, minUs, maxUs, sumUs]);
  }
  return line;
}
