import { z } from 'zod';
import { slimObjectSchema } from '../kube/slim-object';

/** Bumped on any change that an older reader could misread; recordings carry it in their header. */
export const EVENT_SCHEMA_VERSION = 1;

const envelope = {
  /** Assigned by the server's event hub, strictly increasing within a session. */
  seq: z.number().int().nonnegative(),
  /** Server receive time, ms since epoch. Kubernetes' own second-precision stamps are only cross-checks. */
  at: z.number().finite(),
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
  from: z.number().finite(),
  detail: z.string().optional(),
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
]);

export type CutoverEvent = z.infer<typeof cutoverEventSchema>;
export type ObjectEvent = z.infer<typeof objectEventSchema>;
export type SourceGapEvent = z.infer<typeof sourceGapEventSchema>;
export type MarkerEvent = z.infer<typeof markerEventSchema>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What a source emits: the hub stamps `seq`. */
export type CutoverEventInput = DistributiveOmit<CutoverEvent, 'seq'>;
