import { describe, expect, it } from 'vitest';
import { labKnobOverridesSchema, labKnobsSchema } from '../../lib/lab-knobs';
import { listScenarios, loadScenario } from '../lab/scenarios/scenario-loader';
import { deploymentManifest } from '../lab/scenarios/scenario-manifests';
import { KnobError, applyKnobs, knobsOf, worstLagMs } from './scenario-knobs';

describe('lab knobs of a scenario', () => {
  it('reads the current values of broken and fixed', async () => {
    expect(knobsOf(await loadScenario('broken'))).toEqual({
      nodeLagMs: 3000,
      preStopSeconds: 0,
      terminationGracePeriodSeconds: 30,
      minReadySeconds: 0,
      maxSurge: 1,
      maxUnavailable: 1,
      shutdown: 'immediate',
      readinessProbe: false,
      replicas: 3,
      probeIntervalMs: 50,
    });
    expect(knobsOf(await loadScenario('fixed'))).toMatchObject({ nodeLagMs: 3000, preStopSeconds: 5, terminationGracePeriodSeconds: 15, minReadySeconds: 5, maxUnavailable: 0, shutdown: 'drain', readinessProbe: true });
  });

  it('leaves out the surge knobs under Recreate and counts a straggler with its jitter', async () => {
    const recreate = knobsOf(await loadScenario('singleton-recreate'));
    expect(recreate).not.toHaveProperty('maxSurge');
    expect(recreate).not.toHaveProperty('maxUnavailable');
    expect(knobsOf(await loadScenario('straggler-node')).nodeLagMs).toBe(22_000);
  });

  it('every built-in scenario gives knobs the schema accepts in full (or without surge under Recreate)', async () => {
    const names = await listScenarios();
    expect(names).toContain('straggler-dies');
    for (const name of names) {
      const knobs = knobsOf(await loadScenario(name));
      expect(labKnobOverridesSchema.safeParse(knobs).success, name).toBe(true);
      if (knobs.maxSurge !== undefined) expect(labKnobsSchema.safeParse(knobs).success, name).toBe(true);
    }
  });

  it('resolves percentages as Kubernetes does: surge up, unavailable down', async () => {
    const broken = await loadScenario('broken');
    const percent = structuredClone(broken);
    percent.deployment.replicas = 5;
    percent.deployment.strategy = { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' };
    expect(knobsOf(percent)).toMatchObject({ maxSurge: 2, maxUnavailable: 1 });
  });
});

describe('applying knobs to a scenario', () => {
  it('turns broken into fixed settings: preStop, readiness probe, drain, no unavailable', async () => {
    const broken = await loadScenario('broken');
    const s = applyKnobs(broken, { preStopSeconds: 5, readinessProbe: true, shutdown: 'drain', maxUnavailable: 0, minReadySeconds: 5, terminationGracePeriodSeconds: 15 });
    expect(s.deployment.preStop).toEqual({ style: 'sleep', seconds: 5 });
    expect(s.deployment.readinessProbe).toMatchObject({ path: '/healthz', periodSeconds: 1 });
    expect(s.deployment.shutdown).toBe('drain');
    expect(s.deployment.strategy).toEqual({ type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 });
    expect(knobsOf(s)).toEqual({ ...knobsOf(await loadScenario('fixed')) });
    // The manifest the lab creates carries them.
    const container = (deploymentManifest(s).spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0];
    expect(container?.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(container?.readinessProbe).toBeDefined();
    // The base scenario is left as it was.
    expect(broken.deployment.preStop).toBeUndefined();
  });

  it('removes preStop at 0 and the readiness probe at false, keeping an exec preStop style', async () => {
    const fixed = await loadScenario('fixed');
    const s = applyKnobs(fixed, { preStopSeconds: 0, readinessProbe: false });
    expect(s.deployment.preStop).toBeUndefined();
    expect(s.deployment.readinessProbe).toBeUndefined();
    const exec = applyKnobs(await loadScenario('singleton-rolling'), { preStopSeconds: 9 });
    expect(exec.deployment.preStop).toEqual({ style: 'exec', seconds: 9 });
  });

  it('scales every node lag so the worst equals the knob, keeping the shape', async () => {
    const straggler = await loadScenario('straggler-node');
    const s = applyKnobs(straggler, { nodeLagMs: 11_000 });
    expect(s.nodes.map((n) => n.lag)).toEqual([
      { kind: 'jitter', minMs: 25, maxMs: 500 },
      { kind: 'jitter', minMs: 25, maxMs: 500 },
      { kind: 'straggler', ms: 10_000, jitterMs: 1000 },
    ]);
    expect(Math.max(...s.nodes.map((n) => worstLagMs(n.lag)))).toBe(11_000);
    const none = applyKnobs(straggler, { nodeLagMs: 0 });
    expect(none.nodes.every((n) => worstLagMs(n.lag) === 0)).toBe(true);
    // From no lag at all, the last node becomes the slow one.
    const again = applyKnobs(none, { nodeLagMs: 4000 });
    expect(again.nodes.map((n) => worstLagMs(n.lag))).toEqual([0, 0, 4000]);
  });

  it('sets replicas, grace, minReadySeconds and the probe interval', async () => {
    const s = applyKnobs(await loadScenario('broken'), { replicas: 5, terminationGracePeriodSeconds: 2, minReadySeconds: 3, probeIntervalMs: 20 });
    expect(s.deployment).toMatchObject({ replicas: 5, terminationGracePeriodSeconds: 2, minReadySeconds: 3 });
    expect(s.probeIntervalMs).toBe(20);
  });

  it('refuses surge knobs under Recreate and a rolling update that can make no progress', async () => {
    expect(() => applyKnobs(/* Recreate */ structuredClone(recreateScenario), { maxSurge: 1 })).toThrow(KnobError);
    await expect(loadScenario('singleton-recreate').then((s) => applyKnobs(s, { maxSurge: 1 }))).rejects.toThrow(/Recreate/);
    await expect(loadScenario('broken').then((s) => applyKnobs(s, { maxSurge: 0, maxUnavailable: 0 }))).rejects.toThrow(/may not both be 0/);
  });

  it('applies nothing for no knobs', async () => {
    const broken = await loadScenario('broken');
    expect(applyKnobs(broken, {})).toEqual(broken);
  });
});

describe('knob validation', () => {
  it('names the field and the range', () => {
    const r = labKnobOverridesSchema.safeParse({ replicas: 99, shutdown: 'explode', preStopSeconds: 1.5 });
    expect(r.success).toBe(false);
    const messages = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(expect.arrayContaining(['replicas: must be at most 20', 'preStopSeconds: must be a whole number']));
    expect(messages.some((m) => m.startsWith('shutdown:'))).toBe(true);
  });

  it('refuses unknown knobs', () => {
    expect(labKnobOverridesSchema.safeParse({ lagMs: 3 }).success).toBe(false);
  });
});

const recreateScenario = {
  version: 1 as const,
  name: 'r',
  title: 't',
  teaches: 'something worth learning',
  namespace: 'demo',
  nodes: [{ name: 'node-a', lag: { kind: 'fixed' as const, ms: 0 }, minSyncPeriodMs: 1000 }],
  deployment: {
    name: 'web',
    replicas: 1,
    image: 'x',
    strategy: { type: 'Recreate' as const },
    minReadySeconds: 0,
    progressDeadlineSeconds: 600,
    terminationGracePeriodSeconds: 30,
    shutdown: 'immediate' as const,
    startupMs: 0,
  },
  probeIntervalMs: 50,
  rollout: { image: 'y', neverReady: false },
};
