import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from './api/kube-types';
import { resourceForKind } from './api/resource-registry';
import { LabCluster } from './lab-cluster';

const KUBECTL = '/usr/bin/kubectl';
const REVISION = 'deployment.kubernetes.io/revision';

/** The real kubectl (v1.32) against the lab: the commands people use during a rollout. */
describe('kubectl against the lab', () => {
  let lab: LabCluster;
  let dir: string;
  let env: Record<string, string>;

  const kubectl = (...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> =>
    new Promise((resolve) => {
      execFile(KUBECTL, args, { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0 });
      });
    });
  const ok = async (...args: string[]) => {
    const result = await kubectl(...args);
    expect(result.stderr, `kubectl ${args.join(' ')}`).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    return result.stdout;
  };
  const replicaSets = () => lab.store.list(resourceForKind('ReplicaSet'), { selector: [], namespace: 'demo' }).items as ReplicaSet[];
  const deployment = () => lab.store.get(resourceForKind('Deployment'), 'demo', 'web') as Deployment;

  beforeAll(async () => {
    lab = await LabCluster.start({ scenario: 'fixed', timeScale: 20, port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'cutover-kubectl-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, lab.kubeconfig());
    // HOME in a temp dir: kubectl's discovery cache must not leak between runs.
    env = { HOME: dir, KUBECONFIG: kubeconfig };
  });

  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gets deployments, replicasets and endpointslices with their usual columns', async () => {
    const out = await ok('get', 'deploy,rs,endpointslices');
    expect(out).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(out).toMatch(/deployment\.apps\/web\s+3\/3\s+3\s+3\s+/);
    expect(out).toMatch(/NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE/);
    expect(out).toMatch(/replicaset\.apps\/web-[a-z0-9]{10}\s+3\s+3\s+3/);
    expect(out).toMatch(/endpointslice\.discovery\.k8s\.io\/web-[a-z0-9]{5}\s+IPv4\s+8080\s+127\.\d+\./);
    const pods = await ok('get', 'pods', '-o', 'wide');
    expect(pods).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(pods.match(/1\/1\s+Running/g)).toHaveLength(3);
  });

  it('answers errors with Status objects kubectl understands', async () => {
    const missing = await kubectl('get', 'deploy', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('deployments.apps "nope" not found');
    const invalid = await kubectl('patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"strategy":{"rollingUpdate":{"maxSurge":0,"maxUnavailable":0}}}}');
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/is invalid: spec\.strategy\.rollingUpdate\.maxUnavailable.*may not be 0 when `maxSurge` is 0/);
  });

  it('set image rolls out while get pods -w streams every step, and rollout status waits for it', async () => {
    const watch: ChildProcess = spawn(KUBECTL, ['get', 'pods', '-w'], { env: { ...process.env, ...env } });
    let watched = '';
    watch.stdout?.on('data', (chunk: Buffer) => (watched += chunk.toString()));
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(await ok('set', 'image', 'deploy/web', 'web=cutover/web:v2')).toContain('deployment.apps/web image updated');
      const status = await ok('rollout', 'status', 'deploy/web', '--timeout=30s');
      expect(status).toContain('deployment "web" successfully rolled out');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      watch.kill();
    }
    expect(watched).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(watched).toContain('Terminating');
    expect(watched).toContain('ContainerCreating');
    const newRs = replicaSets().find((rs) => rs.spec.template.spec.containers[0]?.image === 'cutover/web:v2');
    expect(newRs?.metadata.annotations?.[REVISION]).toBe('2');
    expect(watched).toContain(newRs?.metadata.name);
    expect(deployment().metadata.annotations?.[REVISION]).toBe('2');
  });

  it('rollout restart patches a template annotation and creates a new revision', async () => {
    expect(await ok('rollout', 'restart', 'deploy/web')).toContain('deployment.apps/web restarted');
    await ok('rollout', 'status', 'deploy/web', '--timeout=30s');
    const restarted = replicaSets().find((rs) => rs.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    expect(restarted?.metadata.annotations?.[REVISION]).toBe('3');
    expect(restarted?.spec.replicas).toBe(3);
  });

  it('rollout undo goes back to the previous ReplicaSet, which takes the next revision', async () => {
    const v2 = replicaSets().find((rs) => rs.metadata.annotations?.[REVISION] === '2');
    expect(await ok('rollout', 'undo', 'deploy/web')).toContain('deployment.apps/web rolled back');
    await ok('rollout', 'status', 'deploy/web', '--timeout=30s');
    const after = replicaSets();
    expect(after).toHaveLength(3); // no new ReplicaSet: the old one is scaled up again
    const revived = after.find((rs) => rs.metadata.uid === v2?.metadata.uid);
    expect(revived?.metadata.annotations?.[REVISION]).toBe('4');
    expect(revived?.spec.replicas).toBe(3);
    expect(deployment().metadata.annotations?.[REVISION]).toBe('4');
    const history = await ok('rollout', 'history', 'deploy/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE/);
  });

  it('scale changes the replicas through the scale subresource', async () => {
    expect(await ok('scale', 'deploy/web', '--replicas=5')).toContain('deployment.apps/web scaled');
    await ok('rollout', 'status', 'deploy/web', '--timeout=30s');
    const d = deployment();
    expect(d.spec.replicas).toBe(5);
    expect(d.status).toMatchObject({ replicas: 5, updatedReplicas: 5, readyReplicas: 5, availableReplicas: 5 });
    const out = await ok('get', 'deploy', 'web');
    expect(out).toMatch(/web\s+5\/5\s+5\s+5/);
  });
});
