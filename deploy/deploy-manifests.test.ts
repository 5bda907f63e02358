import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { buildProgram } from '../server/cli/program';

/**
 * The manifests rendered by the real `kubectl kustomize` (no cluster to apply them to), then checked for what
 * drifts silently: every flag the containers pass exists in the CLI, the names they refer to each other by
 * agree, RBAC grants exactly what the kube source lists and watches and no more than the overlay watches, and
 * every container runs restricted (non-root, no privilege escalation, no capability, read-only root).
 */

const DEPLOY = path.dirname(fileURLToPath(import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'cutover-kustomize-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const objectSchema = z.object({ apiVersion: z.string(), kind: z.string(), metadata: z.object({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).default({}) }) }).passthrough();
type K8sObject = z.infer<typeof objectSchema>;

function kustomize(dir: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(text).map((d) => objectSchema.parse(d.toJS()));
}

/** An overlay with optional components added, as a user's kustomization would: rendered from a scratch directory. */
function withComponents(overlay: string, components: string[]): K8sObject[] {
  const dir = mkdtempSync(path.join(scratch, 'k-'));
  // kustomize takes no absolute roots: the paths are relative, up and out of the scratch directory.
  const from = (p: string) => path.relative(dir, path.join(DEPLOY, p));
  const lines = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', `  - ${from(overlay)}`, 'components:', ...components.map((c) => `  - ${from(path.join('components', c))}`)];
  writeFileSync(path.join(dir, 'kustomization.yaml'), `${lines.join('\n')}\n`);
  return kustomize(dir);
}

const capabilities = z.object({ drop: z.array(z.string()).optional(), add: z.array(z.string()).optional() });
const containerSecurity = z.object({ allowPrivilegeEscalation: z.boolean().optional(), readOnlyRootFilesystem: z.boolean().optional(), privileged: z.boolean().optional(), runAsNonRoot: z.boolean().optional(), runAsUser: z.number().optional(), capabilities: capabilities.optional() });
const probe = z.object({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }) });
const envVar = z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.record(z.string(), z.unknown()).optional() });
const container = z.object({
  name: z.string(),
  image: z.string(),
  args: z.array(z.string()),
  env: z.array(envVar).default([]),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })).default([]),
  securityContext: containerSecurity.optional(),
  livenessProbe: probe.optional(),
  readinessProbe: probe.optional(),
});
const podSecurity = z.object({ runAsNonRoot: z.boolean().optional(), runAsUser: z.number().optional(), seccompProfile: z.object({ type: z.string() }).optional() });
const podSpec = z.object({ serviceAccountName: z.string().optional(), automountServiceAccountToken: z.boolean().optional(), hostNetwork: z.boolean().optional(), securityContext: podSecurity.optional(), containers: z.array(container).min(1), initContainers: z.array(container).default([]) });
const workload = z.object({ spec: z.object({ selector: z.object({ matchLabels: z.record(z.string(), z.string()) }), template: z.object({ metadata: z.object({ labels: z.record(z.string(), z.string()) }), spec: podSpec }) }) });
const service = z.object({ spec: z.object({ selector: z.record(z.string(), z.string()), ports: z.array(z.object({ name: z.string(), port: z.number(), targetPort: z.union([z.string(), z.number()]) })) }) });
const rbacRules = z.object({ rules: z.array(z.object({ apiGroups: z.array(z.string()), resources: z.array(z.string()), verbs: z.array(z.string()) })) });
const binding = z.object({ roleRef: z.object({ apiGroup: z.string(), kind: z.string(), name: z.string() }), subjects: z.array(z.object({ kind: z.string(), name: z.string(), namespace: z.string() })) });

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const doc = objects.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`no ${kind} ${name}`);
  return doc;
}

function pod(objects: K8sObject[], kind: string, name: string) {
  const w = workload.parse(find(objects, kind, name));
  const c = w.spec.template.spec.containers[0];
  if (!c) throw new Error(`${kind} ${name} has no container`);
  return { spec: w.spec, container: c };
}

function knownFlags(command: string): Set<string> {
  const sub = buildProgram().commands.find((c: Command) => c.name() === command);
  if (!sub) throw new Error(`no command ${command}`);
  return new Set(sub.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)));
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

const GRANTED = ['/pods', 'apps/deployments', 'apps/replicasets', 'discovery.k8s.io/endpointslices'];
const granted = (rules: z.infer<typeof rbacRules>['rules']) => rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))).sort();

/** Restricted: what every container of a render must hold, whatever the overlay. */
function expectRestricted(objects: K8sObject[], exceptions: Record<string, { runAsUser: number; add: string[] }> = {}): void {
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet');
  expect(workloads.length).toBeGreaterThan(0);
  for (const w of workloads) {
    const spec = workload.parse(w).spec.template.spec;
    const exception = exceptions[w.metadata.name];
    expect(spec.securityContext?.seccompProfile?.type, w.metadata.name).toBe('RuntimeDefault');
    for (const c of [...spec.initContainers, ...spec.containers]) {
      const where = `${w.kind} ${w.metadata.name} ${c.name}`;
      const uid = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
      const nonRoot = c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
      if (exception) {
        expect(uid, where).toBe(exception.runAsUser);
      } else {
        expect(nonRoot, where).toBe(true);
        expect(uid, where).toBeGreaterThan(0);
      }
      expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
      expect(c.securityContext?.privileged ?? false, where).toBe(false);
      expect(c.securityContext?.readOnlyRootFilesystem, where).toBe(true);
      expect(c.securityContext?.capabilities?.drop, where).toEqual(['ALL']);
      expect(c.securityContext?.capabilities?.add ?? [], where).toEqual(exception?.add ?? []);
    }
  }
}

const OVERLAYS = ['.', 'overlays/namespaced', 'overlays/cluster-wide'] as const;

describe.each(OVERLAYS)('kubectl kustomize deploy/%s', (overlay) => {
  const objects = kustomize(path.join(DEPLOY, overlay));
  const server = pod(objects, 'Deployment', 'cutover');
  const agent = pod(objects, 'DaemonSet', 'cutover-agent');
  const svc = service.parse(find(objects, 'Service', 'cutover'));

  it('runs every container restricted: non-root, no privilege escalation, no capability, read-only root, RuntimeDefault seccomp', () => {
    expectRestricted(objects);
  });

  it.each([
    ['serve', server.container.args],
    ['agent', agent.container.args],
  ])('passes only flags that `cutover %s` has', (command, args) => {
    expect(args[0]).toBe(command);
    const known = knownFlags(command);
    for (const flag of args.filter((a) => a.startsWith('-'))) expect(known, `${command} ${flag}`).toContain(flag);
  });

  it('lets the agents reach the server through its Service, with the same token; the agent holds no API credential', () => {
    expect(svc.spec.selector).toEqual(server.spec.selector.matchLabels);
    for (const [k, v] of Object.entries(server.spec.selector.matchLabels)) expect(server.spec.template.metadata.labels[k]).toBe(v);
    const port = svc.spec.ports[0];
    expect(port?.port).toBe(Number(argValue(server.container.args, '--port')));
    expect(server.container.ports.map((p) => p.name)).toContain(port?.targetPort);
    const url = new URL(argValue(agent.container.args, '--server') ?? '');
    expect(url.hostname).toBe(`cutover.${find(objects, 'Service', 'cutover').metadata.namespace}.svc`);
    expect(Number(url.port)).toBe(port?.port);
    const token = (c: z.infer<typeof container>) => c.env.find((e) => e.name === 'CUTOVER_AGENT_TOKEN')?.valueFrom;
    expect(token(agent.container)).toBeDefined();
    expect(token(agent.container)).toEqual(token(server.container));
    expect(agent.container.env.find((e) => e.name === 'NODE_NAME')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'spec.nodeName' } });
    expect(agent.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(agent.spec.template.spec.hostNetwork).toBe(true);
  });

  it('probes the server on /healthz (HTTP 200 while it serves, degraded or not) for liveness and readiness', () => {
    expect(server.container.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(server.container.readinessProbe?.httpGet.path).toBe('/healthz');
    expect(server.container.livenessProbe?.httpGet.port).toBe('http');
  });

  it('fences the server with a NetworkPolicy on its own pods, ingress on its one port', () => {
    const policy = z
      .object({ spec: z.object({ podSelector: z.object({ matchLabels: z.record(z.string(), z.string()) }), policyTypes: z.array(z.string()), ingress: z.array(z.object({ ports: z.array(z.object({ port: z.number() })) })) }) })
      .parse(find(objects, 'NetworkPolicy', 'cutover'));
    expect(policy.spec.podSelector.matchLabels).toEqual(server.spec.selector.matchLabels);
    expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(policy.spec.ingress.flatMap((r) => r.ports.map((p) => p.port))).toEqual([server.container.ports[0]?.containerPort]);
  });

  it('puts the recommended labels on every object', () => {
    for (const o of objects) {
      for (const key of ['app.kubernetes.io/part-of', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by']) expect(o.metadata.labels[key], `${o.kind} ${o.metadata.name} ${key}`).toBeDefined();
      if (o.kind !== 'Namespace') expect(o.metadata.labels['app.kubernetes.io/name'], `${o.kind} ${o.metadata.name}`).toBeDefined();
    }
  });

  it('grants list and watch on exactly the kinds the kube source watches, where it watches, and nothing that writes', () => {
    const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
    expect(roles).toHaveLength(1);
    const [role] = roles;
    if (!role) throw new Error('no role');
    const rules = rbacRules.parse(role).rules;
    expect(granted(rules)).toEqual(GRANTED);
    for (const r of rules) expect([...r.verbs].sort()).toEqual(['list', 'watch']);
    const bindingKind = role.kind === 'Role' ? 'RoleBinding' : 'ClusterRoleBinding';
    const b = binding.parse(find(objects, bindingKind, role.metadata.name));
    expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: role.kind, name: role.metadata.name });
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: server.spec.template.spec.serviceAccountName, namespace: find(objects, 'Deployment', 'cutover').metadata.namespace }]);
    const args = server.container.args;
    if (role.kind === 'ClusterRole') {
      expect(overlay).toBe('overlays/cluster-wide');
      expect(args).toContain('--all-namespaces');
      expect(args).not.toContain('--namespace');
    } else {
      // The Role lives in the namespace the server is told to watch, both named once in the watch ConfigMap.
      const watched = z.object({ data: z.object({ namespace: z.string() }) }).parse(find(objects, 'ConfigMap', 'cutover-watch')).data.namespace;
      expect(role.metadata.namespace).toBe(watched);
      expect(find(objects, 'RoleBinding', role.metadata.name).metadata.namespace).toBe(watched);
      expect(argValue(args, '--namespace')).toBe('$(WATCH_NAMESPACE)');
      expect(server.container.env.find((e) => e.name === 'WATCH_NAMESPACE')?.valueFrom).toEqual({ configMapKeyRef: { name: 'cutover-watch', key: 'namespace' } });
      expect(args).not.toContain('--all-namespaces');
    }
  });
});

describe('optional components', () => {
  it.each(['overlays/namespaced', 'overlays/cluster-wide'])('%s with the ServiceMonitor and the Grafana dashboard: scraped with the server\'s token, the dashboard loadable', (overlay) => {
    const objects = withComponents(overlay, ['service-monitor', 'grafana-dashboard']);
    expectRestricted(objects);
    const monitor = z
      .object({ metadata: z.object({ namespace: z.string() }), spec: z.object({ selector: z.object({ matchLabels: z.record(z.string(), z.string()) }), endpoints: z.array(z.object({ port: z.string(), path: z.string(), authorization: z.object({ type: z.literal('Bearer'), credentials: z.object({ name: z.string(), key: z.string() }) }) })) }) })
      .parse(find(objects, 'ServiceMonitor', 'cutover'));
    const svcObject = find(objects, 'Service', 'cutover');
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(svcObject.metadata.labels[k]).toBe(v);
    expect(monitor.metadata.namespace).toBe(svcObject.metadata.namespace);
    const endpoint = monitor.spec.endpoints[0];
    expect(endpoint?.port).toBe(service.parse(svcObject).spec.ports[0]?.name);
    expect(endpoint?.path).toBe('/metrics');
    // The token Prometheus presents is the one the server requires off loopback.
    const serverToken = pod(objects, 'Deployment', 'cutover').container.env.find((e) => e.name === 'CUTOVER_TOKEN')?.valueFrom;
    expect(serverToken).toEqual({ secretKeyRef: { name: endpoint?.authorization.credentials.name, key: endpoint?.authorization.credentials.key } });

    const dashboard = z.object({ metadata: z.object({ labels: z.record(z.string(), z.string()) }), data: z.record(z.string(), z.string()) }).parse(find(objects, 'ConfigMap', 'cutover-grafana-dashboard'));
    expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
    const json = z.object({ title: z.string(), panels: z.array(z.object({ targets: z.array(z.object({ expr: z.string() })) })).min(1) }).parse(JSON.parse(dashboard.data['cutover-dashboard.json'] ?? ''));
    expect(json.panels.flatMap((p) => p.targets).length).toBeGreaterThan(0);
  });

  it('agent node evidence: the one documented exception, root holding NET_ADMIN only, still no escalation and a read-only root', () => {
    const objects = withComponents('overlays/namespaced', ['agent-node-evidence']);
    expectRestricted(objects, { 'cutover-agent': { runAsUser: 0, add: ['NET_ADMIN'] } });
    const agent = pod(objects, 'DaemonSet', 'cutover-agent');
    for (const flag of ['--rules', '--conntrack', '--conntrack-events']) expect(agent.container.args).toContain(flag);
    const known = knownFlags('agent');
    for (const flag of agent.container.args.filter((a) => a.startsWith('-'))) expect(known, flag).toContain(flag);
    expect(agent.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it.each(['gates/argo-rollouts', 'gates/flagger'])('%s renders', (dir) => {
    const objects = kustomize(path.join(DEPLOY, dir));
    expect(objects.map((o) => o.kind)).toEqual(dir.includes('argo') ? ['AnalysisTemplate'] : ['MetricTemplate', 'MetricTemplate']);
  });

  it('the Flagger example Canary names templates that exist', () => {
    const names = kustomize(path.join(DEPLOY, 'gates/flagger')).map((o) => o.metadata.name);
    const canary = z
      .object({ spec: z.object({ analysis: z.object({ metrics: z.array(z.object({ templateRef: z.object({ name: z.string(), namespace: z.string() }) })) }) }) })
      .parse(parseAllDocuments(readFileSync(path.join(DEPLOY, 'gates/flagger/canary-analysis.example.yaml'), 'utf8'))[0]?.toJS());
    for (const m of canary.spec.analysis.metrics) {
      expect(names).toContain(m.templateRef.name);
      expect(m.templateRef.namespace).toBe('cutover');
    }
  });
});
