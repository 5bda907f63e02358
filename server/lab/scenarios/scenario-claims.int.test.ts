import { afterEach, describe, expect, it } from 'vitest';
import type { GroundTruthSnapshot, RequestRecord } from '../data-plane/ground-truth';
import { probeOnce } from '../data-plane/probe-once';
import { LabCluster } from '../lab-cluster';

// What the scenarios' texts say a run shows, held against the lab's own ground truth: real HTTP
// requests through each node's proxy, on a new connection every 50 ms (real), as the agents send them.
const SCALE = 5;
const INTERVAL_MS = 50;

async function probeEachNode(lab: LabCluster, durationMs: number): Promise<void> {
  const dataPlane = lab.dataPlane;
  if (!dataPlane) throw new Error('no data plane');
  const end = Date.now() + durationMs;
  await Promise.all(
    lab.nodes.map(async (node) => {
      const url = dataPlane.nodeProxyUrl(node);
      const inFlight: Array<Promise<unknown>> = [];
      while (Date.now() < end) {
        inFlight.push(probeOnce(url, { timeoutMs: 300 }));
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
      }
      await Promise.all(inFlight);
    }),
  );
}

interface NodeRun {
  requests: RequestRecord[];
  failures: RequestRecord[];
  /** Real ms the node's rules dropped the last old pod. */
  fixedAt: number;
  /** Removal lags of the old pods, scenario ms. */
  removalLags: number[];
}

function perNode(truth: GroundTruthSnapshot, node: string, since: number): NodeRun {
  const requests = truth.requests.filter((r) => r.via === node && r.startedAt >= since);
  const removals = truth.applications.filter((a) => a.node === node && a.change === 'removed' && a.changedAt >= since);
  return {
    requests,
    failures: requests.filter((r) => r.outcome !== 'served'),
    fixedAt: Math.max(...removals.map((a) => a.appliedAt)),
    removalLags: removals.map((a) => a.lagMs * truth.scale),
  };
}

async function run(scenario: string, scenarioMs: number): Promise<{ truth: GroundTruthSnapshot; since: number; lab: LabCluster }> {
  const lab = await LabCluster.start({ scenario, timeScale: SCALE });
  open.push(lab);
  await probeEachNode(lab, 300); // a baseline: every node serves before the rollout
  const since = Date.now();
  lab.rollout();
  await probeEachNode(lab, scenarioMs / SCALE);
  return { truth: lab.dataPlane?.snapshot() as GroundTruthSnapshot, since, lab };
}

const open: LabCluster[] = [];
afterEach(async () => {
  for (const lab of open.splice(0)) await lab.stop();
});

describe('what the scenarios teach is what a run shows', () => {
  it('broken: each node fails nearly every request until its rules take the new pods in, then only an occasional conntrack-tail failure', async () => {
    const { truth, since, lab } = await run('broken', 20_000);
    expect(truth.requestsDropped).toBe(0);
    for (const node of lab.nodes) {
      const n = perNode(truth, node, since);
      // Until the rules were fixed: the old pods were dead, and all but a few requests failed.
      const during = n.requests.filter((r) => r.startedAt > since + 100 && r.startedAt < n.fixedAt - 20);
      expect(during.length, node).toBeGreaterThan(3);
      expect(during.filter((r) => r.outcome !== 'served').length / during.length, node).toBeGreaterThan(0.8);
      // Mostly timeouts, not refusals.
      expect(n.failures.filter((r) => r.outcome === 'timeout').length, node).toBeGreaterThan(n.failures.length / 2);
      // After: failures only through leftover conntrack entries, and only now and then (was: every request for 10 s).
      const after = n.requests.filter((r) => r.startedAt > n.fixedAt + 20);
      const tail = after.filter((r) => r.outcome !== 'served');
      expect(tail.every((r) => r.conntrack), node).toBe(true);
      expect(tail.length / after.length, node).toBeLessThan(0.2);
      // Rules fixed within the lags the text names (2.4-2.9 s, scenario time, with timer slack).
      expect(Math.max(...n.removalLags), node).toBeLessThan(3500);
    }
  });

  it('straggler-dies: the 1 s nodes drop each old pod within ~100 ms and fail almost nothing; the 10 s node fails many', async () => {
    const { truth, since } = await run('straggler-dies', 30_000);
    expect(truth.requestsDropped).toBe(0);
    const a = perNode(truth, 'node-a', since);
    const b = perNode(truth, 'node-b', since);
    const c = perNode(truth, 'node-c', since);
    for (const fast of [a, b]) {
      expect(fast.removalLags).toHaveLength(3);
      expect(Math.max(...fast.removalLags)).toBeLessThan(500);
      expect(fast.failures.length).toBeLessThanOrEqual(3);
    }
    expect(c.removalLags).toHaveLength(3);
    expect(Math.max(...c.removalLags)).toBeGreaterThan(3000);
    expect(c.failures.length).toBeGreaterThan(8 * Math.max(1, a.failures.length, b.failures.length));
    expect(c.failures.filter((r) => r.outcome === 'timeout').length).toBeGreaterThan(c.failures.length / 2);
  });
});
