import { z } from 'zod';
import { slimObjectSchema } from '../kube/slim-object';
import { probeRunTupleSchema } from '../probes/probe-run';
import { eventTimeSchema } from './event-time';

/**
 * Bumped on any change that an older reader could misread; recordings carry it in their header.
 * 2: recordings may hold compact probe-batch lines; 3: those lines group their runs
 * (lib/recording/compact-probe-line.ts). The events themselves are unchanged since 1.
 */
export const EVENT_SCHEMA_VERSION = 3;

const envelope = {
  /** Assigned by the server's event hub, strictly increasing within a session. */
  seq: z.number().int().nonnegative(),
  /** Server receive time, ms since epoch. Kubernetes' own second-precision stamps are only cross-checks. */
  at: eventTimeSchema,
};

export const objectEventSchema = z.object({
  ...envelope,
  type: z.literal('object'),
  /**
   * `resynced` is an object re-seen by a relist after a gap; a `deleted` with `resync: true` is one that
   * vanished during the gap: it was gone by `at`, not deleted at `at`.
   */
  action: z.enum(['added', 'modified', 'deleted', 'resynced']),
  resync: z.boolean().optional(),
  object: slimObjectSchema,
});

export const sourceGapEventSchema = z.object({
  ...envelope,
  type: z.literal('gap'),
  source: z.string(),
  reason: z.enum(['watch-reconnect', 'relist', 'agent-offline']),
  /** When the source last knew the world (ms); the gap covers [from, at]. */
  from: eventTimeSchema,
  /** For `agent-offline`: the node whose probes are missing. */
  node: z.string().optional(),
  detail: z.string().optional(),
});

/**
 * One agent's probe results since its last batch, compacted to runs and already mapped onto server time.
 * `offsetUncertaintyMs` is how far the agent's clock mapping may be off: every bound built on these runs
 * widens by it.
 */
export const probeBatchEventSchema = z.object({
  ...envelope,
  type: z.literal('probes'),
  node: z.string().min(1),
  /** The probed Service as `namespace/name`, so failures with no pod can still be tied to a Deployment. */
  target: z.string().optional(),
  intervalMs: z.number().finite().positive(),
  offsetUncertaintyMs: z.number().finite().nonnegative(),
  runs: z.array(probeRunTupleSchema),
});

/**
 * What a node's data plane said about itself: a proxy rule sync (e.g. kube-proxy's
 * last-sync timestamp, an upper bound because it can sync twice between samples), optionally with the
 * pods it now routes a Service to.
 */
export const dataPlaneEventSchema = z.object({
  ...envelope,
  type: z.literal('dataplane'),
  node: z.string().min(1),
  observation: z.enum(['proxy-sync']),
  /** Server ms of the sync. */
  syncedAt: eventTimeSchema,
  /** Another sync may hide before this one: the rules may have changed as early as `notBefore`. */
  upperBound: z.boolean(),
  /** Server ms: the rules were still as before this sync then (the agent's previous sample). */
  notBefore: eventTimeSchema.optional(),
  target: z.string().optional(),
  pods: z.array(z.string()).optional(),
  /** `address:port` of every endpoint the node's rules route the probed Service to after this sync. */
  endpoints: z.array(z.string().min(1).max(64)).optional(),
  /** Server ms the rules were read: a later sync than `syncedAt` may show in them, but none after this. */
  rulesReadAt: eventTimeSchema.optional(),
});

export const markerEventSchema = z.object({
  ...envelope,
  type: z.literal('marker'),
  label: z.string().max(200),
});

export const cutoverEventSchema = z.discriminatedUnion('type', [
  objectEventSchema,
  sourceGapEventSchema,
  markerEventSchema,
  probeBatchEventSchema,
  dataPlaneEventSchema,
]);

export type CutoverEvent = z.infer<typeof cutoverEventSchema>;
export type ObjectEvent = z.infer<typeof objectEventSchema>;
export type SourceGapEvent = z.infer<typeof sourceGapEventSchema>;
export type MarkerEvent = z.infer<typeof markerEventSchema>;
export type ProbeBatchEvent = z.infer<typeof probeBatchEventSchema>;
export type DataPlaneEvent = z.infer<typeof dataPlaneEventSchema>;
export type CutoverEventType = CutoverEvent['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What a source emits: the hub stamps `seq`. */
export type CutoverEventInput = DistributiveOmit<CutoverEvent, 'seq'>;
