import { z } from 'zod';
import {
  rawContainerSchema,
  rawContainerStatusSchema,
  slimContainerSpec,
  slimContainerSpecSchema,
  slimContainerState,
  slimContainerStateSchema,
} from './slim-container';
import { rawMetadataSchema, slimMeta, slimMetaSchema } from './slim-meta';

const conditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: z.string().nullish(),
});

const rawPodSchema = z.object({
  metadata: rawMetadataSchema,
  spec: z
    .object({
      nodeName: z.string().optional(),
      terminationGracePeriodSeconds: z.number().int().optional(),
      containers: z.array(rawContainerSchema).default([]),
    })
    .default({ containers: [] }),
  status: z
    .object({
      phase: z.string().optional(),
      podIP: z.string().optional(),
      hostIP: z.string().optional(),
      startTime: z.string().optional(),
      conditions: z.array(conditionSchema).optional(),
      containerStatuses: z.array(rawContainerStatusSchema).nullish(),
    })
    .default({}),
});

export const slimPodSchema = z.object({
  kind: z.literal('Pod'),
  meta: slimMetaSchema,
  /** The pod-template-hash label: which revision this pod runs. */
  templateHash: z.string().optional(),
  nodeName: z.string().optional(),
  podIP: z.string().optional(),
  phase: z.string().optional(),
  startTime: z.string().optional(),
  terminationGracePeriodSeconds: z.number().int().optional(),
  conditions: z.array(
    z.object({ type: z.string(), status: z.string(), lastTransitionTime: z.string().optional() }),
  ),
  /** Readiness probe and preStop per container (never commands, env or images). */
  containers: z.array(slimContainerSpecSchema).default([]),
  containerStates: z.array(slimContainerStateSchema).default([]),
});
export type SlimPod = z.infer<typeof slimPodSchema>;

/** Cuts a Pod as it comes off the API down to what the fold needs; throws a ZodError on a malformed one. */
export function slimPod(raw: unknown): SlimPod {
  const pod = rawPodSchema.parse(raw);
  const meta = slimMeta(pod.metadata);
  const slim: SlimPod = {
    kind: 'Pod',
    meta,
    conditions: (pod.status.conditions ?? []).map((c) => {
      const condition: SlimPod['conditions'][number] = { type: c.type, status: c.status };
      if (c.lastTransitionTime) condition.lastTransitionTime = c.lastTransitionTime;
      return condition;
    }),
    containers: pod.spec.containers.map(slimContainerSpec),
    containerStates: (pod.status.containerStatuses ?? []).map(slimContainerState),
  };
  const hash = meta.labels['pod-template-hash'];
  if (hash !== undefined) slim.templateHash = hash;
  if (pod.spec.nodeName !== undefined) slim.nodeName = pod.spec.nodeName;
  if (pod.spec.terminationGracePeriodSeconds !== undefined)
    slim.terminationGracePeriodSeconds = pod.spec.terminationGracePeriodSeconds;
  if (pod.status.podIP !== undefined) slim.podIP = pod.status.podIP;
  if (pod.status.phase !== undefined) slim.phase = pod.status.phase;
  if (pod.status.startTime !== undefined) slim.startTime = pod.status.startTime;
  return slim;
}

export function isPodReady(pod: SlimPod): boolean {
  return pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** True once any container is running (or has run): the pod has started. */
export function isPodStarted(pod: SlimPod): boolean {
  return pod.containerStates.some((c) => c.state === 'running' || c.state === 'terminated');
}

export function isPodScheduled(pod: SlimPod): boolean {
  return pod.nodeName !== undefined || pod.conditions.some((c) => c.type === 'PodScheduled' && c.status === 'True');
}
