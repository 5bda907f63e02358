import { z } from 'zod';
import { badRequest, invalid, methodNotAllowed, notFound } from '../api/api-errors';
import type { ApiBehaviour, ApiRequest } from '../api/api-server';
import type { KubeObject, ObjectStore } from '../api/object-store';
import { applyPatch, patchTypeOf } from '../api/patch';
import type { ResourceDefinition } from '../api/resource-registry';
import type { LabClock } from '../lab-clock';
import { defaultAndValidateDeployment } from './deployment-validation';
import { requestPodDeletion } from './pod-deletion';

const deleteOptions = z.object({ gracePeriodSeconds: z.number().int().nonnegative().optional() }).loose();
const scaleBody = z.object({ spec: z.object({ replicas: z.number().int().nonnegative() }).loose() }).loose();

/**
 * The cluster's API behaviour on top of plain storage: defaulting and validation, PATCH in its three
 * flavours, the scale and status subresources, and graceful pod deletion.
 */
export function clusterApi(store: ObjectStore, clock: LabClock): ApiBehaviour {
  const prepare = (def: ResourceDefinition, object: KubeObject): KubeObject => {
    if (def.kind === 'Deployment') return defaultAndValidateDeployment(object);
    if (def.kind === 'Pod' && object.status === undefined) return { ...object, status: { phase: 'Pending', qosClass: 'BestEffort' } };
    return object;
  };

  return {
    beforeCreate: prepare,
    beforeUpdate: prepare,
    delete(def, namespace, name, body) {
      if (def.kind !== 'Pod') return store.remove(def, namespace, name);
      let grace: number | undefined;
      if (body !== undefined) {
        const options = deleteOptions.safeParse(body);
        if (!options.success) throw badRequest(`invalid DeleteOptions: ${options.error.message}`);
        grace = options.data.gracePeriodSeconds;
      }
      return requestPodDeletion(store, clock, namespace, name, grace);
    },
    handle(request: ApiRequest) {
      const { def, namespace, name, subresource, method } = request;
      if (name === undefined) return undefined;
      if (subresource === 'scale') return scale(request, store);
      if (subresource === 'status') {
        if (method === 'GET') return store.get(def, namespace, name);
        if (method !== 'PATCH') throw methodNotAllowed(`${method} on ${def.plural}/status is not supported by the lab`);
        const current = store.get(def, namespace, name);
        const patched = applyPatch(current, request.body, patchTypeOf(request.contentType), def.kind) as KubeObject;
        return store.update(def, { ...current, status: patched.status });
      }
      if (subresource !== undefined || method !== 'PATCH') return undefined;
      const current = store.get(def, namespace, name);
      const patched = applyPatch(current, request.body, patchTypeOf(request.contentType), def.kind) as KubeObject;
      if (patched.metadata?.name !== name) throw invalid(def.kind, name, 'metadata.name: Invalid value: the name of the object may not change');
      const expect = resourceVersionOf(request.body);
      const next = prepare(def, { ...patched, metadata: { ...patched.metadata, uid: current.metadata.uid } });
      // Status belongs to the controllers: a patch of the main resource leaves it as it was.
      if (current.status !== undefined && def.subresources.includes('status')) next.status = current.status;
      return store.update(def, next, expect ? { expectResourceVersion: expect } : {});
    },
  };
}

function resourceVersionOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const metadata = (body as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const rv = (metadata as { resourceVersion?: unknown }).resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/** autoscaling/v1 Scale of a Deployment or ReplicaSet: what `kubectl scale` reads and patches. */
function scale(request: ApiRequest, store: ObjectStore): KubeObject {
  const { def, namespace, name = '', method } = request;
  if (def.kind !== 'Deployment' && def.kind !== 'ReplicaSet') throw notFound(def.kind, `${name}/scale`, def.plural);
  const target = store.get(def, namespace, name);
  const toScale = (object: KubeObject): KubeObject => {
    const spec = object.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
    const status = object.status as { replicas?: number } | undefined;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: object.metadata.name,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
        creationTimestamp: object.metadata.creationTimestamp,
        ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
      },
      spec: { replicas: spec.replicas ?? 1 },
      status: {
        replicas: status?.replicas ?? 0,
        selector: Object.entries(spec.selector?.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    };
  };
  if (method === 'GET') return toScale(target);
  let next: unknown;
  if (method === 'PUT') next = request.body;
  else if (method === 'PATCH') next = applyPatch(toScale(target), request.body, patchTypeOf(request.contentType), 'Scale');
  else throw methodNotAllowed(`${method} on ${def.plural}/scale is not supported`);
  const parsed = scaleBody.safeParse(next);
  if (!parsed.success) throw invalid('Scale', name, `spec.replicas: Invalid value: must be a non-negative integer`);
  const expect = method === 'PUT' ? resourceVersionOf(request.body) : undefined;
  const updated = store.update(def, { ...target, spec: { ...(target.spec as object), replicas: parsed.data.spec.replicas } }, expect ? { expectResourceVersion: expect } : {});
  return toScale(updated);
}
