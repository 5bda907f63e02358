import { afterEach, describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { type ProbeRun, fromProbeRunTuple } from '../../lib/probes/probe-run';
import { type LabSession, buildScenario, startLabSession, waitFor } from '../../test/support/lab-session';
import type { LabEvidence } from './lab-evidence';

// The lab's agents are the product's probe agent, reading their node's evidence over the node's own
// evidence server. Each kind of evidence alone, on the same small rollout: one pod replaced by one that
// exits at SIGTERM, with node-b 1 s (real) behind, so node-b sends requests to the dead pod.
const TIME_SCALE = 2;

const scenario = buildScenario({
  name: 'lab-agents-evidence',
  title: 'One pod replaced, node-b a second behind',
  teaches: 'The lab agents read each kind of evidence from their node.',
  nodes: [
    { name: 'node-a', lag: { kind: 'fixed', ms: 0 }, minSyncPeriodMs: 0 },
    { name: 'node-b', lag: { kind: 'fixed', ms: 2000 }, minSyncPeriodMs: 0 },
  ],
  deployment: { replicas: 1, strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }, shutdown: 'immediate' },
  probeIntervalMs: 50,
  rollout: { image: 'cutover/web:v2' },
});

type ProxySyncEvent = Extract<CutoverEvent, { type: 'dataplane' }>;

interface Observed {
  syncs: ProxySyncEvent[];
  runs: Array<ProbeRun & { node: string }>;
  /** `address:port` of the old and the new pod. */
  oldEndpoint: string;
  newEndpoint: string;
}

/** Rolls the one pod over with the agents reading `evidence`, and returns what the browser received. */
async function rollOut(evidence: LabEvidence): Promise<{ session: LabSession; observed: Observed }> {
  const session = await startLabSession(scenario, TIME_SCALE, { evidence });
  const { lab, ui } = session;
  const endpointOf = (name: string | undefined) => {
    const pod = lab.pods().find((p) => p.metadata.name === name);
    return `${pod?.status?.podIP ?? '?'}:8080`;
  };
  await waitFor(() => (ui.probedNodes().size === lab.nodes.length ? true : undefined), 10_000, 'every agent to report');
  const oldPod = lab.pods()[0]?.metadata.name;
  const oldEndpoint = endpointOf(oldPod);
  lab.rollout();
  const newPod = await waitFor(() => lab.pods().find((p) => p.metadata.name !== oldPod && p.status?.podIP)?.metadata.name, 10_000, 'the new pod');
  const newEndpoint = endpointOf(newPod);
  // node-b routes to the dead pod for 1 s; give its agent's conntrack reads and the last syncs time to land.
  await lab.waitForDeployment((d) => d.status?.updatedReplicas === 1 && d.status.replicas === 1, 15_000);
  await waitFor(() => (lab.dataPlane?.converged() ? true : undefined), 10_000, 'every node to route to the new pod');
  await new Promise((resolve) => setTimeout(resolve, 600));
  await session.drainAgents();
  const syncs = ui.events.filter((e): e is ProxySyncEvent => e.type === 'dataplane');
  const runs = ui.events.flatMap((e) => (e.type === 'probes' ? e.runs.map((r) => ({ ...fromProbeRunTuple(r), node: e.node })) : []));
  return { session, observed: { syncs, runs, oldEndpoint, newEndpoint } };
}

const failed = (runs: Observed['runs'], node: string) => runs.filter((r) => r.node === node && r.outcome !== 'served');

describe('lab agents read their node’s evidence through the agent’s own code paths', () => {
  let session: LabSession | undefined;
  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  it("'node-rules': every kube-proxy sync arrives with the endpoints the node's rules route to, and failures name the dead pod", async () => {
    const run = await rollOut('node-rules');
    session = run.session;
    const { syncs, runs, oldEndpoint, newEndpoint } = run.observed;
    const removedAt: Record<string, number> = {};
    for (const node of ['node-a', 'node-b']) {
      const withEndpoints = syncs.filter((s) => s.node === node && s.endpoints !== undefined);
      // The node's rules routed to the old pod, and after the rollout to the new one alone. (The few ms in
      // which they held both fall between two samples: such a sync is reported as an upper bound.)
      expect(withEndpoints.some((s) => s.endpoints?.includes(oldEndpoint)), `a sync of ${node} still routing to the old pod`).toBe(true);
      expect(withEndpoints.at(-1)?.endpoints, `${node}'s last sync`).toEqual([newEndpoint]);
      // Sync times are the node's own (real clock), mapped onto the server's: within the session.
      for (const s of withEndpoints) expect(Math.abs(s.syncedAt - s.at)).toBeLessThan(5000);
      removedAt[node] = withEndpoints.find((s) => !s.endpoints?.includes(oldEndpoint))?.syncedAt ?? Number.NaN;
    }
    // node-b's rules dropped the old pod its lag (2 s scenario, 1 s real) after node-a's did.
    expect((removedAt['node-b'] ?? 0) - (removedAt['node-a'] ?? 0)).toBeGreaterThan(900);
    expect((removedAt['node-b'] ?? 0) - (removedAt['node-a'] ?? 0)).toBeLessThan(1500);
    // node-b sent requests to the dead pod: the failures carry the DNAT target read from conntrack.
    const failures = failed(runs, 'node-b');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((r) => r.endpoint !== undefined).map((r) => r.endpoint)).toContain(oldEndpoint);
    // The rules sent them there until the sync that dropped the dead pod (a rare later one would be a
    // reused conntrack entry, which the agent tells apart when the entry's age allows).
    const ruled = failures.filter((r) => r.endpoint === oldEndpoint && r.reusedConntrack !== true);
    expect(Math.min(...ruled.map((r) => r.first))).toBeLessThan(removedAt['node-b'] ?? 0);
  });

  it("'attributed-failures': conntrack only — failures name their endpoint, no sync is read", async () => {
    const run = await rollOut('attributed-failures');
    session = run.session;
    const { syncs, runs, oldEndpoint } = run.observed;
    expect(syncs).toEqual([]);
    const failures = failed(runs, 'node-b');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.some((r) => r.endpoint === oldEndpoint)).toBe(true);
    // The node's NEW events prove the connections the rules sent to the dead pod made their own entry:
    // reusedConntrack false, the proof that node-b's rules still routed there.
    const fresh = failures.filter((r) => r.endpoint === oldEndpoint && r.reusedConntrack === false);
    expect(fresh.reduce((n, r) => n + r.count, 0)).toBeGreaterThan(0);
    // Every attributed failure is judged one way or the other (a probe every 50 ms keeps the events covering).
    const attributed = failures.filter((r) => r.endpoint !== undefined);
    expect(attributed.filter((r) => r.reusedConntrack === undefined).reduce((n, r) => n + r.count, 0)).toBeLessThanOrEqual(
      Math.ceil(0.1 * attributed.reduce((n, r) => n + r.count, 0)),
    );
  });

  it("'responses': nothing but the Service's answers", async () => {
    const run = await rollOut('responses');
    session = run.session;
    const { syncs, runs } = run.observed;
    expect(syncs).toEqual([]);
    expect(failed(runs, 'node-b').length).toBeGreaterThan(0);
    expect(runs.filter((r) => r.endpoint !== undefined || r.reusedConntrack)).toEqual([]);
  });
});
