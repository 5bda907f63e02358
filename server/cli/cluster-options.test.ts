import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from './program';
import { kubeTarget } from './cluster-options';

const dir = mkdtempSync(path.join(tmpdir(), 'cutover-cluster-options-'));
const kubeconfig = path.join(dir, 'config');
// A context with a namespace, as an in-cluster config has (client-node sets the pod's own).
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u, namespace: shop } }]
current-context: x
`,
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubeTarget: which namespace is watched', () => {
  it('watches the context\'s namespace without -n, as kubectl does', () => {
    expect(kubeTarget({ kubeconfig }, false).namespace).toBe('shop');
    expect(kubeTarget({ kubeconfig, namespace: 'web' }, false).namespace).toBe('web');
  });

  it('watches every namespace with -A, whatever the context says', () => {
    expect('namespace' in kubeTarget({ kubeconfig, allNamespaces: true }, false)).toBe(false);
  });

  it('refuses -A with -n', () => {
    const program = buildProgram().exitOverride();
    for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => undefined });
    expect(() => program.parse(['serve', '-A', '-n', 'web'], { from: 'user' })).toThrow(/cannot be used with/);
  });
});
