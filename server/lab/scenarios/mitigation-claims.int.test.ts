import { describe, expect, it } from 'vitest';
import { parseSweepSpec } from '../../../lib/lab-sweep';
import { runAndReport } from '../../../test/support/lab-run-report';
import { runKnobSweep } from '../../lab-runs/knob-sweep';
import { createLogger } from '../../logger';
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

describe('the preStop sweep: dropped requests against the sleep, from real lab runs', () => {
  it('prestop-sized: a sleep short of node-c\'s lag drops requests, the file\'s 7 s none, and its advice names the margin', async () => {
    const scenario = await loadScenario('prestop-sized');
    const rows = await runKnobSweep({ scenario, spec: parseSweepSpec('preStopSeconds=0,3,7'), timeScale: SCALE, logger: createLogger('warn') });
    console.info(`prestop-sized sweep: ${rows.map((r) => `${r.value} s → ${r.labDropped} (Cutover ${String(r.dropped)}) of ${r.labRequests}`).join(', ')}`);
    expect(rows.map((r) => r.value)).toEqual([0, 3, 7]);
    for (const r of rows) {
      expect(r.outcome).toBe('complete');
      // Cutover's count of the rollout's drops is the lab's, give or take a failure at the window's edge.
      expect(Math.abs((r.dropped ?? -100) - r.labDropped), `${r.value} s`).toBeLessThanOrEqual(Math.max(2, Math.ceil(r.labDropped * 0.15)));
      // node-c is the slowest in every run: 5 s late plus up to one sync.
      expect(r.worstRemovalNode).toBe('node-c');
      expect(scenarioMs(r.worstRemovalLagMs ?? 0)).toBeGreaterThan(4_800);
      expect(scenarioMs(r.worstRemovalLagMs ?? 0)).toBeLessThan(6_500);
    }
    const [none, short, sized] = rows;
    expect(none?.labDropped).toBeGreaterThan(5);
    expect(short?.labDropped).toBeGreaterThan(0);
    expect(short?.labDropped).toBeLessThan(none?.labDropped ?? 0);
    expect(sized?.labDropped).toBe(0);
  }, 240_000);

  it('prestop-sized as written: nothing dropped, and the advice says what the sleep bought', async () => {
    const { run, report } = await runAndReport(await loadScenario('prestop-sized'), SCALE);
    expect(run.truth.dropped).toBe(0);
    const r = report.rollouts[0];
    expect(r?.measurements.droppedRequests.total.value).toBe(0);
    expect(r?.mitigation.find((c) => c.id === 'preStop-covers-removal-lag')?.status).toBe('ok');
    const effect = r?.advice.find((a) => a.check === 'preStop-covers-removal-lag');
    expect(effect?.severity).toBe('ok');
    expect(effect?.text).toMatch(/^preStop sleeps 7 s and the slowest node, node-c, stopped sending to \S+ \d\.\d s after it left the endpoints .*: \d\.\d s to spare; \d+ requests? reached pods after they left the endpoints and were served during the sleep, 0 requests after SIGTERM$/);
    console.info(`prestop-sized: ${effect?.text ?? ''}`);
  }, 90_000);
});
