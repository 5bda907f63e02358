import { get } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConntrackEventLine } from '../../agent/conntrack-event-line';
import { ObjectStore } from '../api/object-store';
import { LabClock } from '../lab-clock';
import { DataPlane } from './data-plane';
import { DataPlaneFixture } from './data-plane-fixture';
import { endpointChainName, serviceChainName } from './iptables-save';

// Scenario time runs 10× faster; the evidence's clock (sync timestamps, conntrack ages) is real time.
const SCALE = 10;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface RawProbe {
  /** The client's source port: how the node's conntrack entry of this connection is found. */
  localPort: number;
  startedAt: number;
  pod: string | undefined;
  outcome: 'served' | 'failed';
}

/** One GET on a new connection, keeping its source port (what an agent looks its conntrack entry up by). */
function rawProbe(url: string, timeoutMs: number): Promise<RawProbe> {
  const { hostname, port } = new URL(url);
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let localPort = 0;
    let body = '';
    const finish = (outcome: RawProbe['outcome']) => {
      clearTimeout(timer);
      socket.destroy();
      const pod = /x-cutover-pod: *(\S+)/i.exec(body)?.[1];
      resolve({ localPort, startedAt, pod, outcome: outcome === 'served' && pod ? 'served' : 'failed' });
    };
    const timer = setTimeout(() => finish('failed'), timeoutMs);
    socket.on('connect', () => {
      localPort = socket.localPort ?? 0;
      socket.write(`GET / HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    socket.on('end', () => finish('served'));
    socket.on('error', () => finish('failed'));
  });
}

/** Follows a streamed text (the node's conntrack events) until `close()`; `text()` is what came so far. */
function follow(url: string): { text: () => string; close: () => void } {
  let received = '';
  const req = get(url, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      received += chunk;
    });
  });
  req.on('error', () => {});
  return { text: () => received, close: () => req.destroy() };
}

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

function metric(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in the metrics`);
  return Number(line.slice(name.length + 1));
}

/** The endpoints the node's rules DNAT the Service to, read off the iptables-save text. */
function dnatTargets(rules: string): string[] {
  return [...rules.matchAll(/-j DNAT --to-destination (\S+)/g)].map((m) => m[1] ?? '');
}

const open: Array<{ plane: DataPlane; fixture: DataPlaneFixture; clock: LabClock }> = [];
afterEach(async () => {
  for (const l of open.splice(0)) {
    await l.plane.stop();
    await l.fixture.close();
    l.clock.stopAll();
  }
});

describe("a lab node's evidence server says what its proxy really did", () => {
  it('rules before and after the sync that dropped a dead pod; the failed connection and the one a leftover entry steered, in conntrack', async () => {
    const store = new ObjectStore();
    const clock = new LabClock(SCALE);
    const fixture = new DataPlaneFixture(store);
    const plane = new DataPlane({
      store,
      clock,
      nodes: [{ name: 'node-a', lag: { kind: 'fixed', ms: 1500 }, minSyncPeriodMs: 0 }],
      // One flow bucket: every later connection of this client matches the leftover entry (deterministic);
      // 30 s scenario = 3 s real, long enough for the entry to be whole seconds older than a new connection.
      conntrack: { ttlMs: 30_000, flowBuckets: 1 },
      icmpErrorIntervalMs: 600_000,
    });
    open.push({ plane, fixture, clock });
    const old = await fixture.addPod('old', 'node-b', 'v1');
    await fixture.addPod('new', 'node-c', 'v2');
    await plane.start();
    const evidence = plane.nodeEvidence('node-a');
    const proxy = plane.nodeProxyUrl('node-a');
    expect(evidence.service).toEqual({ address: '127.0.0.1', port: Number(new URL(proxy).port) });

    const events = follow(evidence.conntrackEventsUrl);
    const service = { namespace: 'demo', name: 'web', portName: 'http' };
    const rulesBefore = await text(evidence.rulesUrl);
    expect(dnatTargets(rulesBefore).sort()).toEqual([`${old.address}:8080`, `${fixture.pods.get('new')?.address}:8080`].sort());
    expect(rulesBefore).toContain(`-A KUBE-SERVICES -d 127.0.0.1/32 -p tcp -m comment --comment "demo/web:http cluster IP" -m tcp --dport ${evidence.service.port} -j ${serviceChainName(service)}`);
    expect(rulesBefore).toContain(`-j ${endpointChainName(service, `${old.address}:8080`)}`);
    const metricsBefore = await text(evidence.metricsUrl);
    const syncsBefore = metric(metricsBefore, 'kubeproxy_sync_proxy_rules_duration_seconds_count');
    expect(metric(metricsBefore, 'kubeproxy_sync_proxy_rules_last_timestamp_seconds') * 1000).toBe(plane.snapshot().nodes['node-a']?.lastSyncAt);

    // The old pod dies and leaves the endpoints; node-a learns it 150 ms later. Until then, probe.
    await old.server?.kill();
    fixture.terminate('old');
    const probes: RawProbe[] = [];
    for (let i = 0; i < 4; i++) probes.push(await rawProbe(proxy, 60));
    const failure = probes.find((p) => p.outcome === 'failed');
    expect(failure, 'a probe went to the dead pod while the rules still listed it').toBeDefined();
    const failedLines = (await text(`${evidence.conntrackUrl}?sport=${failure?.localPort}`)).trim().split('\n');
    expect(failedLines).toHaveLength(1);
    // The SYN to the dead pod on another node went unanswered: the entry names the dead pod as DNAT target.
    expect(failedLines[0]).toMatch(new RegExp(`^tcp +6 \\d+ SYN_SENT src=127\\.0\\.0\\.1 dst=127\\.0\\.0\\.1 sport=${failure?.localPort} dport=${evidence.service.port} \\[UNREPLIED\\] src=${old.address.replaceAll('.', '\\.')} dst=127\\.0\\.0\\.1 sport=8080 dport=${failure?.localPort} mark=0 delta-time=0 use=1$`));
    const served = probes.find((p) => p.outcome === 'served');
    if (served) expect(await text(`${evidence.conntrackUrl}?sport=${served.localPort}`)).toMatch(/ (ESTABLISHED|TIME_WAIT) .* \[ASSURED\] /);

    // The sync that dropped it: the rules no longer list it, the counter moved, the timestamp is that sync's.
    await vi.waitFor(() => expect(plane.programmed('node-a')).not.toContain(`${old.address}:8080`), { timeout: 2000, interval: 10 });
    const removal = plane.snapshot().applications.find((a) => a.pod === 'old' && a.change === 'removed');
    expect(removal?.node).toBe('node-a');
    const rulesAfter = await text(evidence.rulesUrl);
    expect(dnatTargets(rulesAfter)).toEqual([`${fixture.pods.get('new')?.address}:8080`]);
    expect(rulesAfter).not.toContain(endpointChainName(service, `${old.address}:8080`));
    const metricsAfter = await text(evidence.metricsUrl);
    expect(metric(metricsAfter, 'kubeproxy_sync_proxy_rules_duration_seconds_count')).toBe(syncsBefore + 1);
    expect(metric(metricsAfter, 'kubeproxy_sync_proxy_rules_last_timestamp_seconds') * 1000).toBe(removal?.appliedAt);

    // Two seconds on, a new connection matches the leftover entry of the failed attempt: it is sent to the
    // dead pod though the rules are fixed, and its entry is older than the connection itself.
    await sleep(Math.max(0, (failure?.startedAt ?? 0) + 2100 - Date.now()));
    const steered = await rawProbe(proxy, 300);
    const steeredAge = Date.now() - steered.startedAt;
    expect(steered.outcome).toBe('failed');
    const [steeredLine] = (await text(`${evidence.conntrackUrl}?sport=${steered.localPort}`)).trim().split('\n');
    expect(steeredLine).toContain(`[UNREPLIED] src=${old.address} dst=127.0.0.1 sport=8080 dport=${steered.localPort}`);
    const deltaTime = Number(/delta-time=(\d+)/.exec(steeredLine ?? '')?.[1]);
    expect(deltaTime).toBeGreaterThanOrEqual(2);
    expect(deltaTime * 1000).toBeGreaterThan(steeredAge + 1000);
    const truth = plane.snapshot();
    const steeredTruth = truth.requests.find((r) => r.startedAt >= steered.startedAt && r.via === 'node-a');
    expect(steeredTruth).toMatchObject({ pod: 'old', conntrack: true, outcome: 'timeout' });
    // The NEW events: one per connection that made its own entry, none for the one the leftover entry steered.
    await sleep(50);
    events.close();
    const newEvents = events
      .text()
      .trim()
      .split('\n')
      .map(parseConntrackEventLine)
      .flatMap((e) => (e.kind === 'event' ? [e] : []));
    expect(newEvents.length).toBe(events.text().trim().split('\n').length);
    // One flow bucket: after the first failure every connection matched its entry, so only those before made their own.
    const ownEntries = truth.requests.filter((r) => r.via === 'node-a' && !r.conntrack);
    expect(ownEntries.length).toBeGreaterThan(0);
    expect(newEvents).toHaveLength(ownEntries.length);
    for (const e of newEvents) expect(probes.map((p) => p.localPort)).toContain(e.entry.original.sport);
    const failedEvent = newEvents.find((e) => e.entry.original.sport === failure?.localPort);
    expect(failedEvent?.entry.reply).toMatchObject({ src: old.address, sport: 8080 });
    expect(failedEvent?.at).toBeGreaterThanOrEqual(failure?.startedAt ?? Number.NaN);
    expect(newEvents.find((e) => e.entry.original.sport === steered.localPort)).toBeUndefined();
    // Everything listed without a port: both entries, and the served ones.
    const all = await text(evidence.conntrackUrl);
    expect(all).toContain(`sport=${failure?.localPort} `);
    expect(all).toContain(`sport=${steered.localPort} `);
  });

  it('answers only what it serves, and refuses a bad port', async () => {
    const store = new ObjectStore();
    const clock = new LabClock(SCALE);
    const fixture = new DataPlaneFixture(store);
    const plane = new DataPlane({ store, clock, nodes: [{ name: 'node-a' }] });
    open.push({ plane, fixture, clock });
    await plane.start();
    const { conntrackUrl, metricsUrl } = plane.nodeEvidence('node-a');
    expect((await fetch(`${conntrackUrl}?sport=70000`)).status).toBe(400);
    expect((await fetch(`${conntrackUrl}?sport=abc`)).status).toBe(400);
    expect(await text(`${conntrackUrl}?sport=40000`)).toBe('');
    expect((await fetch(metricsUrl.replace('/metrics', '/nope'))).status).toBe(404);
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
    expect((await fetch(metricsUrl)).headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(() => plane.nodeEvidence('node-z')).toThrow(/no data plane/);
  });
});
