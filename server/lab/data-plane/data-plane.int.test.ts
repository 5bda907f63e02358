import { afterEach, describe, expect, it } from 'vitest';
import { ObjectStore } from '../api/object-store';
import { LabClock } from '../lab-clock';
import { DataPlane, type DataPlaneOptions } from './data-plane';
import { DataPlaneFixture } from './data-plane-fixture';
import { type ProbeOutcome, probeOnce } from './probe-once';

// Scenario time runs 10× faster: a 2 s node lag is 200 ms of real time.
const SCALE = 10;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Lab {
  store: ObjectStore;
  clock: LabClock;
  plane: DataPlane;
  fixture: DataPlaneFixture;
}

const open: Lab[] = [];

async function lab(options: Omit<DataPlaneOptions, 'store' | 'clock'>): Promise<Lab> {
  const store = new ObjectStore();
  const clock = new LabClock(SCALE);
  const fixture = new DataPlaneFixture(store);
  const plane = new DataPlane({ store, clock, ...options });
  const created = { store, clock, plane, fixture };
  open.push(created);
  return created;
}

afterEach(async () => {
  for (const l of open.splice(0)) {
    await l.plane.stop();
    await l.fixture.close();
    l.clock.stopAll();
  }
});

type Timed = ProbeOutcome & { at: number };

/** Probes `url` on a new connection every `intervalMs` until `durationMs` has passed, one at a time. */
async function probeFor(url: string, durationMs: number, intervalMs = 10, timeoutMs = 250): Promise<Timed[]> {
  const results: Timed[] = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    const started = Date.now();
    const outcome = await probeOnce(url, { timeoutMs });
    results.push({ ...outcome, at: Date.now() });
    const wait = intervalMs - (Date.now() - started);
    if (wait > 0) await sleep(wait);
  }
  return results;
}

const served = (results: Timed[], pod: string) => results.filter((r) => r.kind === 'answered' && r.pod === pod);
const failed = (results: Timed[]) => results.filter((r) => r.kind !== 'answered' || r.status >= 500);

describe('DataPlane (real sockets on loopback)', () => {
  it('routes requests through each node proxy to the pods of the slice, round-robin', async () => {
    const { plane, fixture } = await lab({ nodes: [{ name: 'node-a' }, { name: 'node-b' }], loadBalancer: { lagMs: 0 } });
    await fixture.addPod('web-1', 'node-a', 'v1');
    await fixture.addPod('web-2', 'node-b', 'v1');
    await fixture.addPod('web-3', 'node-b', 'v1');
    await plane.start();
    for (const url of [plane.nodeProxyUrl('node-a'), plane.nodeProxyUrl('node-b'), plane.loadBalancerUrl() ?? '']) {
      const pods = [];
      for (let i = 0; i < 6; i++) {
        const outcome = await probeOnce(url);
        expect(outcome).toMatchObject({ kind: 'answered', status: 200, revision: 'v1' });
        if (outcome.kind === 'answered') pods.push(outcome.pod);
      }
      expect(pods).toEqual(['web-1', 'web-2', 'web-3', 'web-1', 'web-2', 'web-3']);
    }
    const truth = plane.snapshot();
    expect(truth.totals).toMatchObject({ served: 18, refused: 0, timeout: 0, reset: 0 });
    expect(truth.serving.filter((s) => s.node === 'node-a').map((s) => [s.pod, s.count])).toEqual([
      ['web-1', 2],
      ['web-2', 2],
      ['web-3', 2],
    ]);
    expect(JSON.parse(JSON.stringify(truth))).toMatchObject({ version: 1, scale: SCALE });
  });

  it('a node keeps routing to a removed endpoint until its scaled lag has passed', async () => {
    const { plane, fixture } = await lab({
      nodes: [
        { name: 'node-a', lag: { kind: 'fixed', ms: 3000 }, minSyncPeriodMs: 0 },
        { name: 'node-b', lag: { kind: 'fixed', ms: 0 }, minSyncPeriodMs: 0 },
      ],
      loadBalancer: { lagMs: 6000 },
    });
    await fixture.addPod('old', 'node-a', 'v1', { shutdown: 'serve-until-kill' });
    await fixture.addPod('new', 'node-b', 'v2');
    await plane.start();
    const removedAt = Date.now();
    fixture.terminate('old'); // ready=false, terminating; the old pod itself keeps serving
    const [a, b, lb] = await Promise.all([
      probeFor(plane.nodeProxyUrl('node-a'), 500),
      probeFor(plane.nodeProxyUrl('node-b'), 500),
      probeFor(plane.loadBalancerUrl() ?? '', 800),
    ]);
    const lastOld = (results: Timed[]) => Math.max(...served(results, 'old').map((r) => r.at)) - removedAt;
    expect(lastOld(a)).toBeGreaterThan(250); // 3000 scenario ms / 10, minus probe granularity
    expect(lastOld(a)).toBeLessThan(450); // slack for a loaded CI machine's timers
    expect(served(b, 'old').every((r) => r.at - removedAt < 100)).toBe(true);
    expect(lastOld(lb)).toBeGreaterThan(550);
    expect(served(a, 'new').length).toBeGreaterThan(0);
    expect(failed([...a, ...b, ...lb])).toEqual([]);

    const truth = plane.snapshot();
    const removal = (node: string) => truth.applications.find((x) => x.node === node && x.pod === 'old' && x.change === 'removed');
    expect(removal('node-a')?.lagMs).toBeGreaterThanOrEqual(299);
    expect(removal('node-a')?.lagMs).toBeLessThan(400);
    expect(removal('node-b')?.lagMs).toBeLessThan(80);
    expect(removal('load-balancer')?.lagMs).toBeGreaterThanOrEqual(599);
    // Everything the old pod served after its deletion was stale, and the ground truth says so.
    expect(truth.totals.stale).toBe(served([...a, ...b, ...lb], 'old').length);
  });

  it('a dead pod fails as on a real node: refused on its own node, timeouts from another node', async () => {
    const { plane, fixture } = await lab({
      nodes: [{ name: 'node-a' }, { name: 'node-b' }],
      conntrack: { ttlMs: 0 },
      icmpErrorIntervalMs: 60_000,
    });
    const dead = await fixture.addPod('dead', 'node-b', 'v1');
    await plane.start();
    await dead.server?.kill(); // the process is gone, the pod object (and its address) still exist
    const local = await Promise.all([1, 2, 3].map(() => probeOnce(plane.nodeProxyUrl('node-b'), { timeoutMs: 250 })));
    expect(local.map((r) => r.kind)).toEqual(['reset', 'reset', 'reset']); // RST right after connect
    expect(local.every((r) => r.ms < 100)).toBe(true);
    const remote = [];
    for (let i = 0; i < 4; i++) remote.push(await probeOnce(plane.nodeProxyUrl('node-a'), { timeoutMs: 150 }));
    // The kernel lets one ICMP error through per interval; the other SYNs go unanswered.
    expect(remote.map((r) => r.kind)).toEqual(['reset', 'timeout', 'timeout', 'timeout']);
    // Once the pod object is gone its address no longer exists: its own node times out too.
    await fixture.remove('dead', { publish: false });
    expect((await probeOnce(plane.nodeProxyUrl('node-b'), { timeoutMs: 150 })).kind).toBe('timeout');
    const truth = plane.snapshot();
    expect(truth.nodes['node-b']?.totals).toMatchObject({ refused: 3, timeout: 1, served: 0 });
    expect(truth.nodes['node-a']?.totals).toMatchObject({ refused: 1, timeout: 3, served: 0 });
  });

  it('a leftover conntrack entry keeps sending new connections to the dead pod after the rules are fixed', async () => {
    const { plane, fixture } = await lab({
      nodes: [{ name: 'node-a', lag: { kind: 'fixed', ms: 1500 }, minSyncPeriodMs: 0 }],
      conntrack: { ttlMs: 3000, flowBuckets: 1 }, // one bucket: every connection of this client matches
      icmpErrorIntervalMs: 60_000,
    });
    const old = await fixture.addPod('old', 'node-b', 'v1');
    await plane.start();
    await fixture.addPod('new', 'node-c', 'v2', { publish: false });
    await old.server?.kill();
    const changedAt = Date.now();
    fixture.terminate('old'); // now only 'new' is ready; node-a learns it 150 ms later
    await sleep(20);
    const results = await probeFor(plane.nodeProxyUrl('node-a'), 700, 20, 60);
    const rulesFixedAt = plane.snapshot().applications.find((x) => x.pod === 'old' && x.change === 'removed')?.appliedAt ?? 0;
    expect(rulesFixedAt - changedAt).toBeGreaterThanOrEqual(149);
    const afterFix = results.filter((r) => r.at - 60 > rulesFixedAt);
    // The first failure (within the lag) left an entry for 300 ms: failures go on well after the fix…
    const lastFailure = Math.max(...failed(results).map((r) => r.at));
    expect(lastFailure).toBeGreaterThan(rulesFixedAt + 100);
    expect(failed(afterFix).length).toBeGreaterThan(0);
    // …and then the entry expires and the new pod serves.
    expect(served(results, 'new').length).toBeGreaterThan(0);
    expect(Math.min(...served(results, 'new').map((r) => r.at))).toBeGreaterThan(lastFailure);
    expect(plane.snapshot().totals.conntrack).toBeGreaterThan(0);
  });

  it("broken ('immediate', no preStop) drops requests; fixed ('drain' after a preStop sleep over the lag) drops none", async () => {
    async function rollOnePod(shutdown: 'immediate' | 'drain', preStopMs: number) {
      const { plane, fixture } = await lab({
        nodes: [
          { name: 'node-a', lag: { kind: 'fixed', ms: 1000 }, minSyncPeriodMs: 1000 },
          { name: 'node-b', lag: { kind: 'fixed', ms: 2000 }, minSyncPeriodMs: 1000 },
        ],
      });
      const old = await fixture.addPod('old', 'node-a', 'v1', { shutdown });
      await plane.start();
      await fixture.addPod('new', 'node-b', 'v2');
      await sleep(400); // the new pod is in every node's rules
      const probes = Promise.all([probeFor(plane.nodeProxyUrl('node-a'), 900, 10), probeFor(plane.nodeProxyUrl('node-b'), 900, 10)]);
      // Slow requests in flight at SIGTERM: drained ones finish, immediate ones are cut.
      const inFlight = Promise.all([1, 2, 3, 4].map(() => probeOnce(`${old.server?.url ?? ''}/?slow=300`, { timeoutMs: 800 })));
      await sleep(50);
      fixture.terminate('old');
      await sleep(preStopMs); // the kubelet's preStop sleep (scaled), then SIGTERM
      old.server?.sigterm();
      const [a, b] = await probes;
      return { client: failed([...a, ...b, ...(await inFlight).map((r) => ({ ...r, at: 0 }))]).length, truth: plane.snapshot().totals };
    }
    const broken = await rollOnePod('immediate', 0);
    expect(broken.client).toBeGreaterThan(4);
    expect(broken.truth.refused + broken.truth.timeout + broken.truth.reset).toBeGreaterThan(0);
    const fixed = await rollOnePod('drain', 500); // 5 s preStop > the 2 s lag + 1 s sync period
    expect(fixed.client).toBe(0);
    expect(fixed.truth).toMatchObject({ refused: 0, timeout: 0, reset: 0 });
    expect(fixed.truth.stale).toBeGreaterThan(0); // the old pod served while terminating: safe, but stale
  });
});
