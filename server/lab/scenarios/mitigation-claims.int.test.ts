import { describe, expect, it } from 'vitest';
import { runAndReport } from '../../../test/support/lab-run-report';
import { loadScenario } from './scenario-loader';

// What the mitigation scenarios' texts say a run shows, held against a real run of each: the lab's own
// count of requests and Cutover's report of the recording (its times are real ms; × SCALE for the
// scenario's seconds, which the texts use).
const SCALE = 5;
const scenarioMs = (realMs: number) => realMs * SCALE;

describe('what the mitigation scenarios teach is what a run measures', () => {
  it('relabel-first: every node clears each old pod before its deletion, nothing fails, and the advice names the wait needed', async () => {
    const { run, report } = await runAndReport(await loadScenario('relabel-first'), SCALE);
    expect(run.outcome).toBe('complete');
    expect(run.truth.requests).toBeGreaterThan(300);
    expect(run.truth.dropped).toBe(0);
    const [r] = report.rollouts;
    if (!r) throw new Error('no rollout');
    const m = r.measurements;
    expect(m.droppedRequests.total.value).toBe(0);
    expect(m.staleResponses.afterSigterm.value).toBe(0);
    // Pods out of the Service still served what the lagging nodes sent them.
    expect(m.staleResponses.afterEndpointRemoval.value).toBeGreaterThan(5);
    expect(m.removedFirst).toHaveLength(3);
    for (const p of m.removedFirst) {
      // The script's 5 s wait, give or take the watch and timer slack.
      expect(scenarioMs(p.waitedMs), p.pod).toBeGreaterThan(4_300);
      expect(scenarioMs(p.waitedMs), p.pod).toBeLessThan(5_800);
      expect(p.nodes.map((n) => n.node), p.pod).toEqual(['node-a', 'node-b', 'node-c']);
      // Each node's all-clear: its 0.5-3 s lag plus at most one minSyncPeriod, read from its rules.
      for (const n of p.nodes) {
        expect(n.evidence, `${p.pod} ${n.node}`).toBe('node-rules');
        expect(scenarioMs(n.lagMs.value), `${p.pod} ${n.node}`).toBeLessThan(4_200);
      }
      expect(p.neededMs).not.toBeNull();
      expect(p.neededMs ?? Infinity, p.pod).toBeLessThan(p.waitedMs);
    }
    expect(r.mitigation.find((c) => c.id === 'preStop-covers-removal-lag')?.status).toBe('ok');
    const effect = r.advice.find((a) => a.check === 'removed-first');
    expect(effect?.severity).toBe('ok');
    expect(effect?.text).toMatch(/^3 pods left the Service before deletion .* 0 requests after SIGTERM, 0 requests failed\. A script needs to wait ≥ \d s here$/);
    const worstNeeded = Math.max(...m.removedFirst.map((p) => p.neededMs ?? 0));
    const shortestWait = Math.min(...m.removedFirst.map((p) => p.waitedMs));
    console.info(
      `relabel-first: waited ${scenarioMs(shortestWait).toFixed(0)}-${scenarioMs(Math.max(...m.removedFirst.map((p) => p.waitedMs))).toFixed(0)} ms, ` +
        `needed ≤ ${scenarioMs(worstNeeded).toFixed(0)} ms; all-clear lags ${m.removedFirst.flatMap((p) => p.nodes.map((n) => scenarioMs(n.lagMs.value).toFixed(0))).join(' ')} ms; ` +
        `served after leaving ${m.staleResponses.afterEndpointRemoval.value}; requests ${run.truth.requests}, dropped ${run.truth.dropped}`,
    );
  }, 90_000);
});
