import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { buildProgram } from '../server/cli/program';

/**
 * The manifests are not applied here (no cluster), so this checks what drifts silently: every flag the
 * containers pass exists in the CLI, the names they refer to each other by agree, and the role grants
 * exactly what the kube source lists and watches.
 */

const dir = path.dirname(fileURLToPath(import.meta.url));
const docs = parseAllDocuments(readFileSync(path.join(dir, 'cutover.yaml'), 'utf8')).map((d) => z.object({ kind: z.string(), metadata: z.object({ name: z.string(), namespace: z.string().optional() }) }).passthrough().parse(d.toJS()));

const envVar = z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.record(z.string(), z.unknown()).optional() });
const container = z.object({ name: z.string(), args: z.array(z.string()), env: z.array(envVar).default([]), ports: z.array(z.object({ name: z.string(), containerPort: z.number() })).default([]) });
const podSpec = z.object({ serviceAccountName: z.string().optional(), containers: z.array(container).min(1) });
const workload = z.object({ spec: z.object({ selector: z.object({ matchLabels: z.record(z.string(), z.string()) }), template: z.object({ metadata: z.object({ labels: z.record(z.string(), z.string()) }), spec: podSpec }) }) });
const service = z.object({ metadata: z.object({ name: z.string(), namespace: z.string() }), spec: z.object({ selector: z.record(z.string(), z.string()), ports: z.array(z.object({ port: z.number(), targetPort: z.union([z.string(), z.number()]) })) }) });
const clusterRole = z.object({ rules: z.array(z.object({ apiGroups: z.array(z.string()), resources: z.array(z.string()), verbs: z.array(z.string()) })) });

function find(kind: string, name: string) {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`no ${kind} ${name} in deploy/cutover.yaml`);
  return doc;
}

function firstContainer(kind: string, name: string) {
  const spec = workload.parse(find(kind, name)).spec;
  const c = spec.template.spec.containers[0];
  if (!c) throw new Error(`${kind} ${name} has no container`);
  return { spec, container: c };
}

function knownLongFlags(command: string): Set<string> {
  const sub = buildProgram().commands.find((c: Command) => c.name() === command);
  if (!sub) throw new Error(`no command ${command}`);
  return new Set(sub.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)));
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('deploy/cutover.yaml', () => {
  const server = firstContainer('Deployment', 'cutover');
  const agent = firstContainer('DaemonSet', 'cutover-agent');
  const svc = service.parse(find('Service', 'cutover'));

  it.each([
    ['serve', server.container.args],
    ['agent', agent.container.args],
  ])('passes only flags that `cutover %s` has', (command, args) => {
    expect(args[0]).toBe(command);
    const known = knownLongFlags(command);
    for (const flag of args.filter((a) => a.startsWith('-'))) expect(known, `${command} ${flag}`).toContain(flag);
  });

  it('lets the agents reach the server through its Service, with the same token', () => {
    expect(svc.spec.selector).toEqual(server.spec.template.metadata.labels);
    expect(server.spec.selector.matchLabels).toEqual(server.spec.template.metadata.labels);
    const port = svc.spec.ports[0];
    expect(port?.port).toBe(Number(argValue(server.container.args, '--port')));
    expect(server.container.ports.map((p) => p.name)).toContain(port?.targetPort);
    const url = new URL(argValue(agent.container.args, '--server') ?? '');
    expect(url.hostname).toBe(`${svc.metadata.name}.${svc.metadata.namespace}.svc`);
    expect(Number(url.port)).toBe(port?.port);
    const token = (c: z.infer<typeof container>) => c.env.find((e) => e.name === 'CUTOVER_AGENT_TOKEN')?.valueFrom;
    expect(token(agent.container)).toBeDefined();
    expect(token(agent.container)).toEqual(token(server.container));
    expect(agent.container.env.find((e) => e.name === 'NODE_NAME')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'spec.nodeName' } });
  });

  it('grants list and watch on exactly the kinds the kube source watches, and nothing that writes', () => {
    expect(server.spec.template.spec.serviceAccountName).toBe(find('ServiceAccount', 'cutover').metadata.name);
    const rules = clusterRole.parse(find('ClusterRole', 'cutover-read')).rules;
    const granted = rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))).sort();
    expect(granted).toEqual(['/pods', 'apps/deployments', 'apps/replicasets', 'discovery.k8s.io/endpointslices']);
    for (const r of rules) expect(r.verbs.sort()).toEqual(['list', 'watch']);
  });
});
