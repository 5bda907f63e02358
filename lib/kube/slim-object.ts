import { z } from 'zod';
import { slimEndpointSlice, slimEndpointSliceSchema } from './slim-endpoint-slice';
import { slimPod, slimPodSchema } from './slim-pod';

export const slimObjectSchema = z.discriminatedUnion('kind', [slimPodSchema, slimEndpointSliceSchema]);
export type SlimObject = z.infer<typeof slimObjectSchema>;
export type WatchedKind = SlimObject['kind'];
export const WATCHED_KINDS = ['Pod', 'EndpointSlice'] as const satisfies readonly WatchedKind[];

/** Projects a raw API object of a watched kind; throws on a malformed object. */
export function slimObject(kind: WatchedKind, raw: unknown): SlimObject {
  switch (kind) {
    case 'Pod':
      return slimPod(raw);
    case 'EndpointSlice':
      return slimEndpointSlice(raw);
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown kind ${String(unreachable)}`);
    }
  }
}
