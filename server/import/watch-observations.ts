import { z } from 'zod';
import { eventTimeSchema, isEventTime } from '../../lib/events/event-time';
import { WATCHED_KINDS, type WatchedKind } from '../../lib/kube/slim-object';

/** One thing a captured file says happened to an object, before it becomes an event. */
export interface Observation {
  kind: WatchedKind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'LISTED' | 'SEEN';
  object: Record<string, unknown>;
  /** Receive time in ms when the capture recorded one; otherwise undefined. */
  receivedAt?: number;
  /** The object's own latest timestamp (second precision), the fallback clock. */
  objectTime?: number;
}

export type Classified =
  | { ok: true; observations: Observation[]; skipped: string[] }
  | { ok: false; error: string };

const objectSchema = z.looseObject({ kind: z.string().optional(), metadata: z.looseObject({}).optional() });
const watchEventSchema = z.object({ type: z.string(), object: z.looseObject({}) });
const wrappedSchema = z.object({ receivedAt: eventTimeSchema, event: watchEventSchema });
const listSchema = z.looseObject({ kind: z.string(), items: z.array(z.looseObject({})) });

function isWatchedKind(kind: unknown): kind is WatchedKind {
  return typeof kind === 'string' && (WATCHED_KINDS as readonly string[]).includes(kind);
}

function toMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  // A stamp outside the range events may hold (year 9999, before 1970) is no clock to order by.
  const ms = Date.parse(value);
  return isEventTime(ms) ? ms : undefined;
}

/**
 * The latest time an object itself records: managed-field update times, creation, condition transitions.
 * deletionTimestamp is left out on purpose: it is the request time plus the grace period, in the future.
 */
export function latestObjectTime(object: Record<string, unknown>): number | undefined {
  let latest: number | undefined;
  const take = (value: unknown) => {
    const ms = toMs(value);
    if (ms !== undefined && (latest === undefined || ms > latest)) latest = ms;
  };
  // Any of these may be null or of another type in a capture someone edited: read, never trust.
  const meta = recordOf(object.metadata);
  take(meta?.creationTimestamp);
  if (Array.isArray(meta?.managedFields)) for (const field of meta.managedFields) take(recordOf(field)?.time);
  take(recordOf(meta?.annotations)?.['endpoints.kubernetes.io/last-change-trigger-time']);
  const status = recordOf(object.status);
  if (Array.isArray(status?.conditions)) {
    for (const condition of status.conditions) {
      const c = recordOf(condition);
      take(c?.lastTransitionTime);
      take(c?.lastUpdateTime);
    }
  }
  return latest;
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function observe(kind: string, type: Observation['type'], object: Record<string, unknown>, receivedAt: number | undefined, skipped: string[]): Observation[] {
  if (!isWatchedKind(kind)) {
    skipped.push(kind);
    return [];
  }
  const observation: Observation = { kind, type, object };
  if (receivedAt !== undefined) observation.receivedAt = receivedAt;
  const objectTime = latestObjectTime(object);
  if (objectTime !== undefined) observation.objectTime = objectTime;
  return [observation];
}

/**
 * Reads one JSON value of a capture, whatever tool wrote it: a `{receivedAt, event}` line, a raw watch
 * event, a LIST (`kubectl get -o json`, a raw collection), or a bare object (`kubectl get -w -o json`).
 * The kind comes from the content, never from the file name.
 */
export function classify(value: unknown): Classified {
  const skipped: string[] = [];
  const wrapped = wrappedSchema.safeParse(value);
  if (wrapped.success) return fromWatchEvent(wrapped.data.event, wrapped.data.receivedAt, skipped);
  const event = watchEventSchema.safeParse(value);
  if (event.success && typeof (value as Record<string, unknown>).kind !== 'string') return fromWatchEvent(event.data, undefined, skipped);
  const list = listSchema.safeParse(value);
  if (list.success && list.data.kind.endsWith('List')) {
    const itemKind = list.data.kind === 'List' ? undefined : list.data.kind.slice(0, -'List'.length);
    const observations = list.data.items.flatMap((item) => observe(typeof item.kind === 'string' ? item.kind : itemKind ?? '(unknown)', 'LISTED', item, undefined, skipped));
    return { ok: true, observations, skipped };
  }
  const object = objectSchema.safeParse(value);
  if (object.success && typeof object.data.kind === 'string' && object.data.metadata) {
    return { ok: true, observations: observe(object.data.kind, 'SEEN', object.data, undefined, skipped), skipped };
  }
  return { ok: false, error: 'not a watch event, a list or a Kubernetes object' };
}

function fromWatchEvent(event: z.infer<typeof watchEventSchema>, receivedAt: number | undefined, skipped: string[]): Classified {
  switch (event.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { ok: true, observations: observe(String(event.object.kind ?? '(unknown)'), event.type, event.object, receivedAt, skipped), skipped };
    case 'BOOKMARK':
      return { ok: true, observations: [], skipped };
    case 'ERROR':
      return { ok: false, error: `watch error in the capture: ${JSON.stringify(event.object).slice(0, 200)}` };
    default:
      return { ok: false, error: `unknown watch event type "${event.type}"` };
  }
}
