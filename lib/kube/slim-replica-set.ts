import { z } from 'zod';
import { rawMetadataSchema, slimMeta, slimMetaSchema } from './slim-meta';

const rawReplicaSetSchema = z.object({
  metadata: rawMetadataSchema,
  spec: z.object({ replicas: z.number().int().optional() }).default({}),
  status: z
    .object({
      replicas: z.number().int().optional(),
      readyReplicas: z.number().int().optional(),
      availableReplicas: z.number().int().optional(),
      observedGeneration: z.number().int().optional(),
    })
    .default({}),
});

export const slimReplicaSetSchema = z.object({
  kind: z.literal('ReplicaSet'),
  meta: slimMetaSchema,
  templateHash: z.string().optional(),
  /** deployment.kubernetes.io/revision; a rollback re-uses an old ReplicaSet and raises this number. */
  revision: z.number().int().optional(),
  replicas: z.number().int(),
  /** Zero counters are omitted by the API: they are 0 here. */
  status: z.object({
    replicas: z.number().int(),
    readyReplicas: z.number().int(),
    availableReplicas: z.number().int(),
    observedGeneration: z.number().int().optional(),
  }),
});
export type SlimReplicaSet = z.infer<typeof slimReplicaSetSchema>;

export function parseRevision(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

export function slimReplicaSet(raw: unknown): SlimReplicaSet {
  const rs = rawReplicaSetSchema.parse(raw);
  const meta = slimMeta(rs.metadata);
  const out: SlimReplicaSet = {
    kind: 'ReplicaSet',
    meta,
    replicas: rs.spec.replicas ?? 1,
    status: {
      replicas: rs.status.replicas ?? 0,
      readyReplicas: rs.status.readyReplicas ?? 0,
      availableReplicas: rs.status.availableReplicas ?? 0,
    },
  };
  if (rs.status.observedGeneration !== undefined) out.status.observedGeneration = rs.status.observedGeneration;
  const hash = meta.labels['pod-template-hash'];
  if (hash !== undefined) out.templateHash = hash;
  const revision = parseRevision(meta.annotations['deployment.kubernetes.io/revision']);
  if (revision !== undefined) out.revision = revision;
  return out;
}
