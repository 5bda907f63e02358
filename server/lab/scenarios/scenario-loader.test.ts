import { describe, expect, it } from 'vitest';
import { ScenarioError, listScenarios, loadScenario, parseScenarioYaml } from './scenario-loader';

describe('scenario files', () => {
  it('lists the built-in scenarios and every one validates', async () => {
    const names = await listScenarios();
    expect(names).toEqual(
      expect.arrayContaining(['broken', 'fixed', 'singleton-rolling', 'singleton-recreate', 'never-ready', 'straggler-node', 'straggler-dies', 'load-balancer']),
    );
    for (const name of names) {
      const scenario = await loadScenario(name);
      expect(scenario.name).toBe(name);
      expect(scenario.teaches.length).toBeGreaterThan(20);
    }
  });

  it('fills defaults', async () => {
    const broken = await loadScenario('broken');
    expect(broken.namespace).toBe('demo');
    expect(broken.nodes[0]?.minSyncPeriodMs).toBe(1000);
    expect(broken.deployment.readinessProbe).toBeUndefined();
    expect(broken.deployment.preStop).toBeUndefined();
    const fixed = await loadScenario('fixed');
    expect(fixed.deployment.readinessProbe).toMatchObject({ periodSeconds: 1, failureThreshold: 1, successThreshold: 1 });
  });

  it('the fixed scenario sleeps longer than its worst node lag', async () => {
    const fixed = await loadScenario('fixed');
    const worst = Math.max(...fixed.nodes.map((n) => (n.lag.kind === 'jitter' ? n.lag.maxMs : n.lag.ms)));
    expect((fixed.deployment.preStop?.seconds ?? 0) * 1000).toBeGreaterThan(worst);
  });

  it('straggler-dies is the real capture: one node syncing every 10 s, pods that die at SIGTERM without a preStop', async () => {
    const s = await loadScenario('straggler-dies');
    expect(s.nodes.map((n) => [n.name, n.minSyncPeriodMs])).toEqual([
      ['node-a', 1000],
      ['node-b', 1000],
      ['node-c', 10_000],
    ]);
    expect(s.deployment).toMatchObject({ replicas: 3, strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }, shutdown: 'immediate' });
    expect(s.deployment.readinessProbe).toBeDefined();
    expect(s.deployment.preStop).toBeUndefined();
  });

  it('names every bad field in its error', () => {
    const text = `version: 1
name: bad
title: t
teaches: something worth learning
nodes: [{ name: node-a, lag: { kind: jitter, minMs: 5, maxMs: 1 } }, { name: node-a }]
deployment: { strategy: { type: RollingUpdate, maxSurge: 0, maxUnavailable: "0%" }, shutdown: explode }
rollout: { image: x }
`;
    let message = '';
    try {
      parseScenarioYaml(text, 'bad.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      message = (error as Error).message;
    }
    expect(message).toContain('nodes.0.lag');
    expect(message).toContain('deployment.shutdown');
  });

  it('checks cross-field rules once the fields are valid', () => {
    const text = `version: 1
name: bad
title: t
teaches: something worth learning
nodes: [{ name: node-a }, { name: node-a }]
deployment: { strategy: { type: RollingUpdate, maxSurge: 0, maxUnavailable: "0%" } }
rollout: { image: x }
`;
    expect(() => parseScenarioYaml(text)).toThrow(/nodes\.1\.name: duplicate node node-a[\s\S]*deployment\.strategy: maxSurge and maxUnavailable/);
  });

  it('rejects unknown names and bad YAML clearly', async () => {
    await expect(loadScenario('nope')).rejects.toThrow(/unknown scenario "nope" \(known: .*broken/);
    expect(() => parseScenarioYaml('a: [', 'x.yaml')).toThrow(/x.yaml is not valid YAML/);
  });
});
