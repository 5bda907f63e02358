import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loopbackServers } from '../../test/support/loopback-http';
import type { DataPlaneEvent, ProbeBatchEvent } from '../../lib/events/event-schema';
import { createAppServer } from '../app-server';
import { ProbeSource } from '../sources/probe/probe-source';
import { execCommandRunner } from './command-runner';
import { iptablesLayout } from './kube-proxy-layout.test-support';
import { ProbeAgent } from './probe-agent';

// kube-proxy's last sync a minute ago, in seconds as its metric has it: the server takes batch times
// only within a day of its clock.
const SYNCED_S = Math.floor(Date.now() / 1000) - 60 + 0.5;

/**
 * The agent's data-plane evidence end to end, through the URL sources a lab node serves: each kube-proxy
 * sync reaches the server with the endpoints the node's rules route the Service to, and each failed
 * probe with the endpoint its conntrack entry was DNATed to.
 */

const TOKEN = 'test-token-0123456789';
const SERVICE = { address: '10.96.81.227', port: 80 };
const { listen, cleanups } = loopbackServers();

/** A node as its agent reads it: kube-proxy's metrics, its iptables rules, its conntrack entries. */
async function startNode(targetPort: number) {
  const node = { lastSync: SYNCED_S, count: 40, endpoints: ['10.244.1.18:8080', '10.244.2.9:8080'] };
  const { url } = await listen((req, res) => {
    const request = new URL(req.url ?? '/', 'http://node');
    if (request.pathname === '/metrics') {
      res.end(`kubeproxy_sync_proxy_rules_duration_seconds_count ${node.count}\nkubeproxy_sync_proxy_rules_last_timestamp_seconds ${node.lastSync}\n`);
    } else if (request.pathname === '/rules') {
      res.end(iptablesLayout([{ name: 'demo/web:http', ...SERVICE, endpoints: node.endpoints }]));
    } else {
      // Every failed connection matched an entry a dead pod's connection left 30 s ago.
      const sport = request.searchParams.get('sport');
      res.end(`tcp      6 90 SYN_SENT src=127.0.0.1 dst=127.0.0.1 sport=${sport} dport=${targetPort} [UNREPLIED] src=10.244.2.9 dst=127.0.0.1 sport=8080 dport=${sport} mark=0 delta-time=30 use=1\n`);
    }
  });
  return { node, metricsUrl: `${url}/metrics`, rulesUrl: `${url}/rules`, conntrackUrl: `${url}/conntrack` };
}

describe('probe agent with the node data-plane evidence', () => {
  it('sends each sync with the routed endpoints and each failure with its DNAT target', async () => {
    const closed = await listen(() => {});
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const targetPort = Number(new URL(closed.url).port);
    const node = await startNode(targetPort);
    const cutover = await createAppServer({ port: 0, sources: [new ProbeSource({ token: TOKEN, clockIntervalMs: 200 })] });
    cleanups.push(() => cutover.close());
    const errors: string[] = [];
    const agent = new ProbeAgent({
      serverUrl: cutover.url,
      token: TOKEN,
      node: 'node-a',
      target: `${closed.url}/`,
      intervalMs: 40,
      timeoutMs: 300,
      keepAlive: false,
      identityHeader: 'X-Cutover-Pod',
      batchMs: 100,
      kubeProxyMetricsUrl: node.metricsUrl,
      syncPollMs: 30,
      rules: { format: 'iptables', read: 'url', url: node.rulesUrl },
      ruleService: SERVICE,
      conntrack: { read: 'url', url: node.conntrackUrl },
      onError: (message) => errors.push(message),
    });
    agent.start();
    cleanups.push(() => agent.stop());

    const syncs = () => cutover.hub.since().filter((e): e is DataPlaneEvent & { seq: number } => e.type === 'dataplane');
    await vi.waitFor(() => expect(syncs()).toHaveLength(1), { timeout: 5000 });
    Object.assign(node.node, { lastSync: SYNCED_S + 1.75, count: 41, endpoints: ['10.244.1.18:8080', '10.244.3.4:8080'] });
    await vi.waitFor(() => expect(syncs()).toHaveLength(2), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await agent.stop();

    const [initial, change] = syncs();
    expect(initial).toMatchObject({ node: 'node-a', observation: 'proxy-sync', upperBound: true, endpoints: ['10.244.1.18:8080', '10.244.2.9:8080'] });
    expect(initial?.notBefore).toBeUndefined();
    expect(change).toMatchObject({ upperBound: false, endpoints: ['10.244.1.18:8080', '10.244.3.4:8080'] });
    // Same machine, same clock: the server's times sit near the agent's.
    expect(Math.abs((change?.syncedAt ?? 0) - (SYNCED_S + 1.75) * 1000)).toBeLessThan(50);
    expect(change?.notBefore).toBeLessThan(change?.rulesReadAt ?? 0);

    const runs = cutover.hub.since().flatMap((e) => (e.type === 'probes' ? (e as ProbeBatchEvent).runs : []));
    const failures = runs.reduce((n, r) => n + r[6], 0);
    const attributed = runs.filter((r) => r[10] === '10.244.2.9:8080' && r[11] === true).reduce((n, r) => n + r[6], 0);
    expect(runs.every((r) => r[0] === 'refused')).toBe(true);
    expect(failures).toBe(agent.getStats().probesSent);
    expect(attributed).toBe(agent.getStats().conntrack?.attributed);
    expect(attributed).toBeGreaterThan(failures / 2);
    expect(errors).toEqual([]);
  });

  it('keeps probing when the node tools are missing, and says so once each', async () => {
    const pod = await listen((_req, res) => res.writeHead(200, { 'X-Cutover-Pod': 'web-1' }).end('ok'));
    const closed = await listen(() => {});
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const node = await startNode(0);
    const cutover = await createAppServer({ port: 0, sources: [new ProbeSource({ token: TOKEN, clockIntervalMs: 200 })] });
    cleanups.push(() => cutover.close());
    const errors: string[] = [];
    // A node without the tools: the real runner, pointed where they are not.
    const runner = execCommandRunner();
    const missingTools = (file: string, args: readonly string[]) => runner(`/nonexistent/${file}`, args);
    const common = { serverUrl: cutover.url, token: TOKEN, intervalMs: 40, timeoutMs: 300, keepAlive: false, identityHeader: 'X-Cutover-Pod', batchMs: 100, onError: (m: string) => errors.push(m) };
    const agents = [
      new ProbeAgent({ ...common, node: 'node-b', target: `${pod.url}/`, kubeProxyMetricsUrl: node.metricsUrl, syncPollMs: 30, rules: { format: 'nft', read: 'command' }, ruleService: SERVICE, commandRunner: missingTools }),
      new ProbeAgent({ ...common, node: 'node-c', target: `${closed.url}/`, conntrack: { read: 'command' }, commandRunner: missingTools }),
    ];
    for (const agent of agents) agent.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    for (const agent of agents) await agent.stop();
    expect(agents.map((a) => a.getStats().probesSent).every((n) => n > 5)).toBe(true);
    const syncs = cutover.hub.since().filter((e) => e.type === 'dataplane');
    expect(syncs).toHaveLength(1);
    expect(syncs[0]).not.toHaveProperty('endpoints');
    expect(errors.sort()).toEqual([
      expect.stringMatching(/^conntrack lookups disabled: \/nonexistent\/conntrack -L -p tcp .*: not installed/),
      expect.stringMatching(/^reading the node's rules: \/nonexistent\/nft list table ip kube-proxy: not installed/),
    ]);
    expect(agents[1]?.getStats().conntrack).toMatchObject({ lookups: 1, failed: 1 });
  });

  it('answers bad data-plane flags with exit code 2', async () => {
    const cli = path.resolve('bin/cutover.mjs');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [cli, 'agent', '--server', 'http://127.0.0.1:1', '--target', 'http://127.0.0.1:1/', '--token', 't', '--node', 'n', '--rules', 'iptables'], { timeout: 30_000 }, (error, _stdout, stderr) =>
        resolve({ code: error && typeof error.code === 'number' ? error.code : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--kube-proxy-metrics/);
  });
});
