import { z } from 'zod';
import { invalid } from '../api/api-errors';
import type { Container, Deployment, PodTemplate } from '../api/kube-types';
import type { KubeObject } from '../api/object-store';

/**
 * Defaulting and validation of apps/v1 Deployments as the API server applies them on every create and
 * update (so a template copied back by `rollout undo` hashes the same as the one it came from). What
 * fails is answered 422 Invalid with the field path, as the real validation words it.
 */
const intOrPercent = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+%$/)]);
const deploymentSpec = z.object({
  replicas: z.number().int().nonnegative().optional(),
  selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
  template: z.object({
    metadata: z.object({ labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() }).loose().optional(),
    spec: z.object({ containers: z.array(z.object({ name: z.string().min(1), image: z.string().min(1) }).loose()).min(1) }).loose(),
  }),
  strategy: z
    .object({
      type: z.enum(['RollingUpdate', 'Recreate']).optional(),
      rollingUpdate: z.object({ maxSurge: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() }).optional(),
    })
    .optional(),
  minReadySeconds: z.number().int().nonnegative().optional(),
  revisionHistoryLimit: z.number().int().nonnegative().optional(),
  progressDeadlineSeconds: z.number().int().positive().optional(),
  paused: z.boolean().optional(),
});

const isZero = (v: number | string | undefined) => v === 0 || v === '0%';

export function defaultAndValidateDeployment(object: KubeObject): Deployment {
  const name = object.metadata.name || object.metadata.generateName || '';
  const parsed = deploymentSpec.safeParse(object.spec);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join(', ');
    throw invalid('Deployment.apps', name, detail);
  }
  const spec = structuredClone(object.spec) as Deployment['spec'];
  const strategyType = spec.strategy?.type ?? 'RollingUpdate';
  if (strategyType === 'Recreate') {
    if (spec.strategy?.rollingUpdate) throw invalid('Deployment.apps', name, 'spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is \'Recreate\'');
    spec.strategy = { type: 'Recreate' };
  } else {
    const rollingUpdate = { maxSurge: spec.strategy?.rollingUpdate?.maxSurge ?? '25%', maxUnavailable: spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%' };
    if (isZero(rollingUpdate.maxSurge) && isZero(rollingUpdate.maxUnavailable)) {
      throw invalid('Deployment.apps', name, `spec.strategy.rollingUpdate.maxUnavailable: Invalid value: ${JSON.stringify(rollingUpdate.maxUnavailable)}: may not be 0 when \`maxSurge\` is 0`);
    }
    for (const [field, value] of Object.entries(rollingUpdate)) {
      if (typeof value === 'string' && Number(value.slice(0, -1)) > 100) throw invalid('Deployment.apps', name, `spec.strategy.rollingUpdate.${field}: Invalid value: "${value}": must not be greater than 100%`);
    }
    spec.strategy = { type: 'RollingUpdate', rollingUpdate };
  }
  const labels = spec.template.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(spec.selector.matchLabels ?? {})) {
    if (labels[key] !== value) throw invalid('Deployment.apps', name, 'spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`');
  }
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.template = defaultTemplate(spec.template);
  return { ...object, spec } as Deployment;
}

/** Pod template defaults the API server fills in, so templates compare equal however they were written. */
export function defaultTemplate(input: PodTemplate): PodTemplate {
  // Go clients send `creationTimestamp: null` and the like; the API server's structs drop them.
  const template = dropNulls(input) as PodTemplate;
  const spec = { ...template.spec };
  spec.terminationGracePeriodSeconds ??= 30;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.containers = spec.containers.map(defaultContainer);
  return { metadata: { ...template.metadata, labels: { ...template.metadata?.labels } }, spec };
}

function defaultContainer(container: Container): Container {
  const out: Container = { ...container };
  out.terminationMessagePath ??= '/dev/termination-log';
  out.terminationMessagePolicy ??= 'File';
  out.imagePullPolicy ??= container.image?.endsWith(':latest') || !container.image?.includes(':') ? 'Always' : 'IfNotPresent';
  out.resources ??= {};
  if (out.ports) out.ports = out.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }));
  if (out.readinessProbe) {
    const probe = out.readinessProbe;
    out.readinessProbe = {
      ...probe,
      ...(probe.httpGet ? { httpGet: { ...probe.httpGet, scheme: probe.httpGet.scheme ?? 'HTTP' } } : {}),
      timeoutSeconds: probe.timeoutSeconds ?? 1,
      periodSeconds: probe.periodSeconds ?? 10,
      successThreshold: probe.successThreshold ?? 1,
      failureThreshold: probe.failureThreshold ?? 3,
    };
  }
  return out;
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== null) out[key] = dropNulls(v);
  return out;
}
