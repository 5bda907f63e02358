import { z } from 'zod';

/**
 * A lab scenario as a data file: the nodes and their data-plane lag, the Deployment and its
 * mitigations, an optional load balancer and the rollout to perform. Durations of the data plane are
 * in milliseconds (`…Ms`), Kubernetes fields keep their own units (`…Seconds`). Every duration is a
 * scenario duration: the lab divides it by its time scale.
 *
 * Format versioning: `version: 1` is required so later formats can migrate old files.
 */

const ms = z.number().nonnegative();
const seconds = z.number().int().nonnegative();

/** How long after an EndpointSlice change a node's proxy applies it. */
export const lagModelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), ms }).strict(),
  z.object({ kind: z.literal('jitter'), minMs: ms, maxMs: ms }).strict().refine((l) => l.maxMs >= l.minMs, {
    message: 'maxMs must be >= minMs',
  }),
  // A node far behind the others (a restarting kube-proxy, a long minSyncPeriod), possibly jittered.
  z.object({ kind: z.literal('straggler'), ms, jitterMs: ms.default(0) }).strict(),
]);
export type LagModel = z.infer<typeof lagModelSchema>;

export const nodeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'node names are DNS labels'),
    lag: lagModelSchema.default({ kind: 'fixed', ms: 0 }),
    /** kube-proxy's minSyncPeriod: at most one rules sync per period (real default 1 s). */
    minSyncPeriodMs: ms.default(1000),
    /** A partition: the node applies no change between these times after the rollout starts. */
    cutOff: z.object({ fromMs: ms, toMs: ms }).strict().optional(),
  })
  .strict();
export type ScenarioNode = z.infer<typeof nodeSchema>;

/** maxSurge / maxUnavailable: an absolute number or a percentage string such as "25%". */
export const intOrPercentSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+%$/, 'a percentage such as "25%"')]);

export const strategySchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('RollingUpdate'),
      maxSurge: intOrPercentSchema.default('25%'),
      maxUnavailable: intOrPercentSchema.default('25%'),
    })
    .strict(),
  z.object({ type: z.literal('Recreate') }).strict(),
]);

export const readinessProbeSchema = z
  .object({
    path: z.string().default('/healthz'),
    initialDelaySeconds: seconds.default(0),
    periodSeconds: z.number().int().positive().default(10),
    timeoutSeconds: z.number().int().positive().default(1),
    successThreshold: z.number().int().positive().default(1),
    failureThreshold: z.number().int().positive().default(3),
  })
  .strict();

/** `sleep` is the native sleep action (k8s 1.29+); `exec` is the classic exec ["sleep", "N"]. */
export const preStopSchema = z.object({ style: z.enum(['sleep', 'exec']).default('exec'), seconds: z.number().int().positive() }).strict();

export const shutdownSchema = z.enum(['immediate', 'serve-until-kill', 'drain']);
export type ShutdownBehaviour = z.infer<typeof shutdownSchema>;

/**
 * Take a pod out of the Service before deleting it: a deletion the controllers ask for first removes the
 * Service's selector labels from the pod, and the DELETE follows `waitSeconds` later (a script's fixed wait).
 */
export const relabelFirstSchema = z.object({ waitSeconds: z.number().nonnegative() }).strict();

export const deploymentSchema = z
  .object({
    name: z.string().default('web'),
    replicas: z.number().int().nonnegative().default(3),
    image: z.string().default('cutover/web:v1'),
    strategy: strategySchema.default({ type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' }),
    minReadySeconds: seconds.default(0),
    progressDeadlineSeconds: z.number().int().positive().default(600),
    readinessProbe: readinessProbeSchema.optional(),
    preStop: preStopSchema.optional(),
    terminationGracePeriodSeconds: seconds.default(30),
    /** What the pod's server does at SIGTERM. */
    shutdown: shutdownSchema.default('immediate'),
    /** How long the app takes after start before /healthz answers 200. */
    startupMs: ms.default(0),
    relabelFirst: relabelFirstSchema.optional(),
  })
  .strict();

export const loadBalancerSchema = z.object({ lag: lagModelSchema, minSyncPeriodMs: ms.default(0) }).strict();

/** The rollout `lab.rollout()` performs, as `kubectl set image` (and env changes) would. */
export const rolloutSchema = z
  .object({
    image: z.string(),
    /** Extra behaviour of the new revision's app, e.g. never becoming ready. */
    neverReady: z.boolean().default(false),
    startupMs: ms.optional(),
    /** Wait this long after the lab starts before rolling out automatically; absent: only on request. */
    autoStartAfterMs: ms.optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    version: z.literal(1),
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    teaches: z.string().min(10),
    namespace: z.string().default('demo'),
    nodes: z.array(nodeSchema).min(1),
    deployment: deploymentSchema,
    loadBalancer: loadBalancerSchema.optional(),
    /** Default interval of the probe agents on each node. */
    probeIntervalMs: z.number().positive().default(50),
    rollout: rolloutSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    for (const [i, node] of s.nodes.entries()) {
      if (names.has(node.name)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'name'], message: `duplicate node ${node.name}` });
      names.add(node.name);
    }
    const strategy = s.deployment.strategy;
    if (strategy.type === 'RollingUpdate' && isZero(strategy.maxSurge) && isZero(strategy.maxUnavailable)) {
      ctx.addIssue({ code: 'custom', path: ['deployment', 'strategy'], message: 'maxSurge and maxUnavailable may not both be 0' });
    }
  });

function isZero(value: number | string): boolean {
  return value === 0 || value === '0%';
}

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
