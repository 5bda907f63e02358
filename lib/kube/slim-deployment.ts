import { z } from 'zod';
import { rawContainerSchema, slimContainerSpec, slimContainerSpecSchema } from './slim-container';
import { rawMetadataSchema, slimMeta, slimMetaSchema } from './slim-meta';
import { parseRevision } from './slim-replica-set';
import { templateFingerprint } from './template-fingerprint';

const intOrString = z.union([z.number().int(), z.string()]);

const rawDeploymentSchema = z.object({
  metadata: rawMetadataSchema,
  spec: z
    .object({
      replicas: z.number().int().optional(),
      minReadySeconds: z.number().int().optional(),
      progressDeadlineSeconds: z.number().int().optional(),
      paused: z.boolean().optional(),
      strategy: z
        .object({
          type: z.string().optional(),
          rollingUpdate: z.object({ maxSurge: intOrString.optional(), maxUnavailable: intOrString.optional() }).nullish(),
        })
        .optional(),
      // Kept loose on purpose: only fingerprinted, then the few fields below are projected.
      template: z.looseObject({
        spec: z
          .looseObject({
            terminationGracePeriodSeconds: z.number().int().optional(),
            containers: z.array(rawContainerSchema.loose()).default([]),
          })
          .optional(),
      }).optional(),
    })
    .default({}),
  status: z
    .object({
      observedGeneration: z.number().int().optional(),
      replicas: z.number().int().optional(),
      updatedReplicas: z.number().int().optional(),
      readyReplicas: z.number().int().optional(),
      availableReplicas: z.number().int().optional(),
      unavailableReplicas: z.number().int().optional(),
      conditions: z
        .array(z.object({ type: z.string(), status: z.string(), reason: z.string().optional(), lastTransitionTime: z.string().optional() }))
        .optional(),
    })
    .default({}),
});

export const slimDeploymentSchema = z.object({
  kind: z.literal('Deployment'),
  meta: slimMetaSchema,
  revision: z.number().int().optional(),
  replicas: z.number().int(),
  strategy: z.object({
    type: z.enum(['RollingUpdate', 'Recreate']),
    /** As written (int or percentage); resolve with `resolveIntOrPercent`. Defaults 25 % / 25 %. */
    maxSurge: intOrString,
    maxUnavailable: intOrString,
  }),
  minReadySeconds: z.number().int(),
  progressDeadlineSeconds: z.number().int(),
  paused: z.boolean(),
  /** Changes exactly when the pod template changes: the earliest sign of a new rollout. */
  templateFingerprint: z.string(),
  terminationGracePeriodSeconds: z.number().int(),
  containers: z.array(slimContainerSpecSchema),
  status: z.object({
    observedGeneration: z.number().int().optional(),
    replicas: z.number().int(),
    updatedReplicas: z.number().int(),
    readyReplicas: z.number().int(),
    availableReplicas: z.number().int(),
    unavailableReplicas: z.number().int(),
  }),
  conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string().optional() })),
});
export type SlimDeployment = z.infer<typeof slimDeploymentSchema>;

export function slimDeployment(raw: unknown): SlimDeployment {
  const d = rawDeploymentSchema.parse(raw);
  const { spec, status } = d;
  const rolling = spec.strategy?.rollingUpdate;
  const podSpec = spec.template?.spec;
  const out: SlimDeployment = {
    kind: 'Deployment',
    meta: slimMeta(d.metadata),
    replicas: spec.replicas ?? 1,
    strategy: {
      type: spec.strategy?.type === 'Recreate' ? 'Recreate' : 'RollingUpdate',
      maxSurge: rolling?.maxSurge ?? '25%',
      maxUnavailable: rolling?.maxUnavailable ?? '25%',
    },
    minReadySeconds: spec.minReadySeconds ?? 0,
    progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
    paused: spec.paused ?? false,
    templateFingerprint: templateFingerprint(spec.template ?? null),
    terminationGracePeriodSeconds: podSpec?.terminationGracePeriodSeconds ?? 30,
    containers: (podSpec?.containers ?? []).map(slimContainerSpec),
    status: {
      replicas: status.replicas ?? 0,
      updatedReplicas: status.updatedReplicas ?? 0,
      readyReplicas: status.readyReplicas ?? 0,
      availableReplicas: status.availableReplicas ?? 0,
      unavailableReplicas: status.unavailableReplicas ?? 0,
    },
    conditions: (status.conditions ?? []).map((c) => (c.reason === undefined ? { type: c.type, status: c.status } : { type: c.type, status: c.status, reason: c.reason })),
  };
  if (status.observedGeneration !== undefined) out.status.observedGeneration = status.observedGeneration;
  const revision = parseRevision(out.meta.annotations['deployment.kubernetes.io/revision']);
  if (revision !== undefined) out.revision = revision;
  return out;
}

/** maxSurge rounds up, maxUnavailable rounds down, as the Deployment controller does. */
export function resolveIntOrPercent(value: number | string, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match?.[1]) return 0;
  const exact = (Number(match[1]) * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function isProgressDeadlineExceeded(d: SlimDeployment): boolean {
  return d.conditions.some((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded');
}

export function isSingleton(d: SlimDeployment): boolean {
  return d.replicas === 1 || d.meta.annotations['cutover.dev/singleton'] === 'true';
}
