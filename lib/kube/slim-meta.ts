import { z } from 'zod';

/** Annotations worth keeping: everything else (last-applied configs, secrets pasted in by tools) is cut. */
export const ANNOTATION_ALLOW_LIST = [
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'endpoints.kubernetes.io/last-change-trigger-time',
  'cutover.dev/singleton',
] as const;

export const ownerReferenceSchema = z.object({
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof ownerReferenceSchema>;

/** The metadata every watched object carries, as it arrives from the API (unknown fields stripped). */
export const rawMetadataSchema = z.object({
  name: z.string().min(1),
  namespace: z.string().default(''),
  uid: z.string().min(1),
  resourceVersion: z.string().default(''),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  deletionGracePeriodSeconds: z.number().int().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(ownerReferenceSchema.loose()).optional(),
});
export type RawMetadata = z.infer<typeof rawMetadataSchema>;

export const slimMetaSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  uid: z.string(),
  resourceVersion: z.string(),
  generation: z.number().int().optional(),
  createdAt: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  deletionGracePeriodSeconds: z.number().int().optional(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  owner: ownerReferenceSchema.optional(),
});
export type SlimMeta = z.infer<typeof slimMetaSchema>;

export function slimMeta(meta: RawMetadata): SlimMeta {
  const annotations: Record<string, string> = {};
  for (const key of ANNOTATION_ALLOW_LIST) {
    const value = meta.annotations?.[key];
    if (value !== undefined) annotations[key] = value;
  }
  const controller = meta.ownerReferences?.find((ref) => ref.controller) ?? meta.ownerReferences?.[0];
  const slim: SlimMeta = {
    name: meta.name,
    namespace: meta.namespace,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    labels: { ...(meta.labels ?? {}) },
    annotations,
  };
  if (meta.generation !== undefined) slim.generation = meta.generation;
  if (meta.creationTimestamp !== undefined) slim.createdAt = meta.creationTimestamp;
  if (meta.deletionTimestamp !== undefined) slim.deletionTimestamp = meta.deletionTimestamp;
  if (meta.deletionGracePeriodSeconds !== undefined) slim.deletionGracePeriodSeconds = meta.deletionGracePeriodSeconds;
  if (controller) {
    slim.owner = { kind: controller.kind, name: controller.name, uid: controller.uid };
    if (controller.controller !== undefined) slim.owner.controller = controller.controller;
  }
  return slim;
}
