import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ObjectStore } from '../server/lab/api/object-store';
import { DataPlane, type DataPlaneNode } from '../server/lab/data-plane/data-plane';
import { DataPlaneFixture } from '../server/lab/data-plane/data-plane-fixture';
import { LabClock } from '../server/lab/lab-clock';

/**
 * The lab's cost: 100 node proxies and 200 pod servers on real loopback sockets, probed at 20 new
 * connections/s per node (2,000/s) while a rollout replaces every pod. The probing runs in a child
 * process, so the CPU figure is the lab's alone (proxies, pod servers, store, sync, ground truth), as a
 * % of one core; the driver's own CPU is reported beside it.
 */

const NODES = 100;
const PODS = 200;
// Overridable so the bench can be run lighter on a shared machine: LAB_BENCH_PROBES_PER_NODE=5.
const PROBES_PER_NODE_PER_S = Number(process.env.LAB_BENCH_PROBES_PER_NODE ?? 20) || 20;
const WARMUP_MS = 3000;
const ROLLOUT_MS = 9000;
const TAIL_MS = 2000;
const PROBE_TIMEOUT_MS = 900;

/** The probe driver: plain JS for `node -e`, one tick every 10 ms issuing a share of the requests. */
const DRIVER = `
const http = require('node:http');
const [urls, perSecond, durationMs, timeoutMs] = JSON.parse(process.argv[1]);
const counts = { ok: 0, failed: 0, timeout: 0, refusedOrReset: 0, http5xx: 0 };
let next = 0, owed = 0, inFlight = 0, maxInFlight = 0;
const startCpu = process.cpuUsage();
const start = Date.now();
function probe(url) {
  inFlight++; if (inFlight > maxInFlight) maxInFlight = inFlight;
  let done = false;
  const finish = (kind) => { if (done) return; done = true; inFlight--; clearTimeout(timer);
    if (kind === 'ok') counts.ok++; else { counts.failed++; counts[kind]++; } };
  const req = http.get(url, { agent: false }, (res) => { res.resume();
    res.on('end', () => finish(res.statusCode >= 500 ? 'http5xx' : 'ok'));
    res.on('error', () => finish('refusedOrReset')); });
  const timer = setTimeout(() => { finish('timeout'); req.destroy(); }, timeoutMs);
  req.on('error', () => finish('refusedOrReset'));
}
let last = Date.now();
const tick = setInterval(() => {
  const now = Date.now();
  owed += (now - last) * perSecond / 1000; last = now;
  while (owed >= 1) { owed--; probe(urls[next++ % urls.length]); }
  if (now - start >= durationMs) {
    clearInterval(tick);
    const wait = setInterval(() => { if (inFlight === 0 || Date.now() - start > durationMs + timeoutMs + 500) {
      clearInterval(wait);
      const cpu = process.cpuUsage(startCpu);
      process.stdout.write(JSON.stringify({ ...counts, maxInFlight, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - start }));
    } }, 20);
  }
}, 10);
`;

interface DriverResult {
  ok: number;
  failed: number;
  timeout: number;
  refusedOrReset: number;
  http5xx: number;
  maxInFlight: number;
  cpuMs: number;
  wallMs: number;
}

function isDriverResult(value: unknown): value is DriverResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['ok', 'failed', 'timeout', 'refusedOrReset', 'http5xx', 'maxInFlight', 'cpuMs', 'wallMs'].every((k) => typeof v[k] === 'number');
}

function runDriver(urls: string[], perSecond: number, durationMs: number): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', DRIVER, JSON.stringify([urls, perSecond, durationMs, PROBE_TIMEOUT_MS])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(out) as unknown;
      } catch {
        parsed = undefined;
      }
      if (code === 0 && isDriverResult(parsed)) resolve(parsed);
      else reject(new Error(`probe driver exited ${code} with ${out.slice(0, 200)}`));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runLabBench(): Promise<Record<string, number | string>> {
  const store = new ObjectStore({ historyLimit: 2000 });
  const clock = new LabClock(1);
  const fixture = new DataPlaneFixture(store);
  // Realistic lags: most nodes within a second, every tenth a 5 s straggler; minSyncPeriod 1 s.
  const nodes: DataPlaneNode[] = Array.from({ length: NODES }, (_, i) => ({
    name: `node-${String(i).padStart(3, '0')}`,
    lag: i % 10 === 9 ? { kind: 'straggler', ms: 5000, jitterMs: 500 } : { kind: 'jitter', minMs: 20, maxMs: 1000 },
    minSyncPeriodMs: 1000,
  }));
  const plane = new DataPlane({ store, clock, nodes, maxRecordedRequests: 5000 });
  for (let i = 0; i < PODS; i++) {
    await fixture.addPod(`web-v1-${i}`, nodes[i % NODES]?.name ?? 'node-000', 'v1', { shutdown: 'drain', publish: false });
  }
  fixture.publish();
  await plane.start();
  const urls = nodes.map((n) => plane.nodeProxyUrl(n.name));

  const before = plane.snapshot().totals;
  // Loop delay tells a lab that is too slow (high delay at full CPU) from a machine that starves it
  // (CPU below 100 % of a core yet requests time out: other processes hold the cores).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let peakRss = process.memoryUsage().rss;
  const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const driver = runDriver(urls, NODES * PROBES_PER_NODE_PER_S, WARMUP_MS + ROLLOUT_MS + TAIL_MS);

  // The rollout: every pod replaced by a new one on the same node, one every ROLLOUT_MS / PODS ms;
  // the old pod is terminated (out of the ready endpoints) and drained and removed 2 s later.
  // Steady state first (no endpoint changes): the cost of the request path alone.
  await sleep(WARMUP_MS);
  const steadyCpu = process.cpuUsage(cpuStart);
  const steadyWallMs = performance.now() - wallStart;
  const steadyTotals = plane.snapshot().totals;
  const steadyHandled = steadyTotals.served + steadyTotals.refused + steadyTotals.timeout + steadyTotals.reset - (before.served + before.refused + before.timeout + before.reset);
  const removals: Array<Promise<void>> = [];
  const stepMs = ROLLOUT_MS / PODS;
  const rolloutStart = performance.now();
  for (let i = 0; i < PODS; i++) {
    const due = rolloutStart + i * stepMs - performance.now();
    if (due > 0) await sleep(due);
    await fixture.addPod(`web-v2-${i}`, nodes[i % NODES]?.name ?? 'node-000', 'v2', { shutdown: 'drain' });
    fixture.terminate(`web-v1-${i}`);
    removals.push(
      sleep(2000).then(async () => {
        const old = fixture.pods.get(`web-v1-${i}`);
        old?.server?.sigterm();
        await old?.server?.exited;
        await fixture.remove(`web-v1-${i}`);
      }),
    );
  }
  await Promise.all(removals);
  const result = await driver;
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(rssSampler);
  loopDelay.disable();
  const after = plane.snapshot();
  await plane.stop();
  await fixture.close();
  clock.stopAll();

  const handled = after.totals.served + after.totals.refused + after.totals.timeout + after.totals.reset - (before.served + before.refused + before.timeout + before.reset);
  const labCpuMs = (cpu.user + cpu.system) / 1000;
  return {
    nodes: NODES,
    pods: PODS,
    probesPerSecondTarget: NODES * PROBES_PER_NODE_PER_S,
    requestsHandledPerSecond: Math.round((handled / wallMs) * 1000),
    requestsHandled: handled,
    served: after.totals.served - before.served,
    dropped: handled - (after.totals.served - before.served),
    droppedRefused: after.totals.refused - before.refused,
    droppedTimeout: after.totals.timeout - before.timeout,
    droppedReset: after.totals.reset - before.reset,
    staleServed: after.totals.stale - before.stale,
    clientOk: result.ok,
    clientFailed: result.failed,
    clientTimeouts: result.timeout,
    clientRefusedOrReset: result.refusedOrReset,
    clientMaxInFlight: result.maxInFlight,
    labCpuPercentOfOneCore: Math.round((labCpuMs / wallMs) * 1000) / 10,
    // Whole run, including the simulated rollout's store writes (a 200-endpoint slice cloned per change).
    labCpuMsPerRequest: Math.round((labCpuMs / Math.max(1, handled)) * 1000) / 1000,
    steadyRequestsPerSecond: Math.round((steadyHandled / steadyWallMs) * 1000),
    steadyCpuPercentOfOneCore: Math.round(((steadyCpu.user + steadyCpu.system) / 1000 / steadyWallMs) * 1000) / 10,
    steadyCpuMsPerRequest: Math.round(((steadyCpu.user + steadyCpu.system) / 1000 / Math.max(1, steadyHandled)) * 1000) / 1000,
    eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e4) / 100,
    driverCpuPercentOfOneCore: Math.round((result.cpuMs / result.wallMs) * 1000) / 10,
    rssMB: Math.round(process.memoryUsage().rss / 1e5) / 10,
    peakRssMB: Math.round(peakRss / 1e5) / 10,
    wallSeconds: Math.round(wallMs / 100) / 10,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runLabBench().then(
    (figures) => console.log(process.argv.includes('--json') ? JSON.stringify({ lab: figures }) : figures),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
