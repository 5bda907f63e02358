import { z } from 'zod';
import { slimDeployment, slimDeploymentSchema } from './slim-deployment';
import { slimEndpointSlice, slimEndpointSliceSchema } from './slim-endpoint-slice';
import { slimPod, slimPodSchema } from './slim-pod';
import { slimReplicaSet, slimReplicaSetSchema } from './slim-replica-set';

export const slimObjectSchema = z.discriminatedUnion('kind', [
  slimDeploymentSchema,
  slimReplicaSetSchema,
  slimPodSchema,
  slimEndpointSliceSchema,
]);
export type SlimObject = z.infer<typeof slimObjectSchema>;
export type WatchedKind = SlimObject['kind'];
export const WATCHED_KINDS = ['Deployment', 'ReplicaSet', 'Pod', 'EndpointSlice'] as const satisfies readonly WatchedKind[];

/** Projects a raw API object of a watched kind; throws on a malformed object. */
export function slimObject(kind: WatchedKind, raw: unknown): SlimObject {
  switch (kind) {
    case 'Deployment':
      return slimDeployment(raw);
    case 'ReplicaSet':
      return slimReplicaSet(raw);
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
