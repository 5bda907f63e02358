import { z } from 'zod';
import { eventTimeSchema } from '../events/event-time';

/** What one probe request got back. Only `served` counts as traffic reaching a pod that answered well. */
export const PROBE_OUTCOMES = ['served', 'http-error', 'refused', 'reset', 'timeout'] as const;
export const probeOutcomeSchema = z.enum(PROBE_OUTCOMES);
export type ProbeOutcome = z.infer<typeof probeOutcomeSchema>;

export function isDropped(outcome: ProbeOutcome): boolean {
  return outcome !== 'served';
}

/**
 * A run of identical probe results on one node, as a tuple because a node-hour of probing is tens of
 * thousands of them on disk: [outcome, pod, revision, httpStatus, first, last, count, latMin, latMax, latSum,
 * endpoint?, reusedConntrack?]. Times are server ms (already mapped from the agent's clock); latencies are
 * ms. `pod` is the pod that answered; `revision` what it reported of itself. The two optional elements
 * say where the node's data plane sent the connections, when the agent could read it (the conntrack DNAT
 * target, or the lab's proxy): `endpoint` as `address:port`, and `reusedConntrack`: true when the
 * connection matched an older conntrack entry instead of the node's current rules (conntrack tail), false
 * when it made its own entry (so the node's rules chose the endpoint), absent when the agent could not
 * tell (then the failure proves only that the rules chose the endpoint at most an entry's life ago).
 */
export const probeRunTupleSchema = z
  .tuple([
    probeOutcomeSchema,
    z.string().min(1).nullable(),
    z.string().min(1).nullable(),
    z.number().int().min(100).max(599).nullable(),
    eventTimeSchema,
    eventTimeSchema,
    z.number().int().positive(),
    z.number().finite().nonnegative(),
    z.number().finite().nonnegative(),
    z.number().finite().nonnegative(),
    z.string().min(1).max(64).nullable().optional(),
    z.boolean().optional(),
  ])
  .refine((r) => r[4] <= r[5] && r[7] <= r[8], { message: 'run must have first <= last and latMin <= latMax' });
export type ProbeRunTuple = z.infer<typeof probeRunTupleSchema>;

/** The same run with names: what the fold and the views work with. */
export interface ProbeRun {
  outcome: ProbeOutcome;
  pod: string | null;
  revision: string | null;
  status: number | null;
  first: number;
  last: number;
  count: number;
  latMin: number;
  latMax: number;
  latSum: number;
  /** The endpoint (`address:port`) the node's data plane sent these connections to, when known. */
  endpoint?: string | null;
  /** True: matched an older conntrack entry (conntrack tail); false: made their own; absent: not known. */
  reusedConntrack?: boolean;
}

export function toProbeRunTuple(run: ProbeRun): ProbeRunTuple {
  const t: ProbeRunTuple = [run.outcome, run.pod, run.revision, run.status, run.first, run.last, run.count, run.latMin, run.latMax, run.latSum];
  if (run.reusedConntrack !== undefined) t.push(run.endpoint ?? null, run.reusedConntrack);
  else if (run.endpoint != null) t.push(run.endpoint);
  return t;
}

export function fromProbeRunTuple(t: ProbeRunTuple): ProbeRun {
  const run: ProbeRun = { outcome: t[0], pod: t[1], revision: t[2], status: t[3], first: t[4], last: t[5], count: t[6], latMin: t[7], latMax: t[8], latSum: t[9] };
  if (t[10] != null) run.endpoint = t[10];
  if (t[11] !== undefined) run.reusedConntrack = t[11];
  return run;
}
