import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProxySync } from '../../lib/agent-contract';
import { KubeProxySyncWatcher, parseKubeProxyMetrics, parseLastSync, syncBetween } from './kube-proxy-metrics';
import { createEndpointsReader, createRoutingReader } from './rules-reader';

/** kube-proxy's metrics as it serves them on :10249/metrics (an excerpt). */
function metricsText(lastSyncSeconds: number, count: number | undefined): string {
  return [
    '# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] SyncProxyRules latency in seconds',
    '# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram',
    'kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="0.001"} 0',
    'kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="+Inf"} 12',
    'kubeproxy_sync_proxy_rules_duration_seconds_sum 0.4216',
    ...(count === undefined ? [] : [`kubeproxy_sync_proxy_rules_duration_seconds_count ${count}`]),
    '# HELP kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds [ALPHA] The last time a sync of proxy rules was queued',
    '# TYPE kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds gauge',
    `kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds ${lastSyncSeconds - 0.002}`,
    '# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds [ALPHA] The last time proxy rules were successfully synced',
    '# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge',
    `kubeproxy_sync_proxy_rules_last_timestamp_seconds ${lastSyncSeconds.toExponential(13)}`,
    '',
  ].join('\n');
}

describe('parseKubeProxyMetrics', () => {
  it('reads the last-sync gauge and the sync histogram count, not the look-alike metrics', () => {
    expect(parseKubeProxyMetrics(metricsText(1_795_300_326.4183, 12))).toEqual({ lastSyncMs: expect.closeTo(1_795_300_326_418.3, 1), syncCount: 12 });
    expect(parseLastSync(metricsText(1_795_300_326.4183, 12))).toBeCloseTo(1_795_300_326_418.3, 1);
  });

  it('says nothing of what is missing or unreadable', () => {
    expect(parseKubeProxyMetrics('up 1\n')).toEqual({ lastSyncMs: undefined, syncCount: undefined });
    expect(parseKubeProxyMetrics('kubeproxy_sync_proxy_rules_last_timestamp_seconds NaN\nkubeproxy_sync_proxy_rules_duration_seconds_count 1.5\n')).toEqual({ lastSyncMs: undefined, syncCount: undefined });
  });
});

describe('syncBetween', () => {
  const sample = (sentAt: number, lastSyncMs: number, syncCount?: number) => ({ sentAt, lastSyncMs, syncCount });

  it('reports the first sample as an upper bound with no lower limit', () => {
    expect(syncBetween(undefined, sample(5000, 4000, 7))).toEqual({ syncedAt: 4000, upperBound: true });
  });

  it.each([
    ['one sync: exact', 8, false],
    ['two syncs: one may hide', 9, true],
    ['a restart (the count went back)', 1, true],
    ['an unknown count', undefined, true],
  ])('%s', (_name, count, upperBound) => {
    expect(syncBetween(sample(5000, 4000, 7), sample(5200, 5100, count))).toEqual({ syncedAt: 5100, upperBound, notBefore: 5000 });
  });

  it('reports nothing while the last sync stays the same (a failed sync moves only the count)', () => {
    expect(syncBetween(sample(5000, 4000, 7), sample(5200, 4000, 8))).toBeUndefined();
  });
});

describe('KubeProxySyncWatcher against a metrics endpoint', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  /** A node's kube-proxy, as far as the agent sees it: /metrics, and the IPVS rules at /rules. */
  async function startNode() {
    const node = { lastSync: 1_795_300_000.25, count: 5 as number | undefined, endpoints: ['10.244.1.18:8080'], status: 200, onRulesRead: () => {} };
    const server: Server = createServer((req, res) => {
      if (req.url === '/rules') {
        node.onRulesRead();
        const real = node.endpoints.map((e) => `  -> ${e.padEnd(28)} Masq    1      0          0`);
        res.end(['IP Virtual Server version 1.2.1 (size=4096)', 'TCP  10.96.81.227:80 rr', ...real, ''].join('\n'));
        return;
      }
      res.writeHead(node.status, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(metricsText(node.lastSync, node.count));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { node, metricsUrl: `${base}/metrics`, rulesUrl: `${base}/rules` };
  }

  function watch(metricsUrl: string, rulesUrl?: string) {
    const syncs: ProxySync[] = [];
    const errors: string[] = [];
    const readEndpoints = rulesUrl
      ? createEndpointsReader(createRoutingReader({ source: { format: 'ipvs', read: 'url', url: rulesUrl }, service: async () => ({ address: '10.96.81.227', port: 80 }), run: () => Promise.reject(new Error('no commands here')) }))
      : undefined;
    const watcher = new KubeProxySyncWatcher({ url: metricsUrl, pollMs: 20, onSync: (s) => syncs.push(s), onError: (m) => errors.push(m), readEndpoints });
    watcher.start();
    cleanups.push(() => watcher.stop());
    return { syncs, errors };
  }

  it('reports the initial rules, then each sync with the endpoints read after it, exact only when one sync happened', async () => {
    const { node, metricsUrl, rulesUrl } = await startNode();
    const { syncs, errors } = watch(metricsUrl, rulesUrl);
    await vi.waitFor(() => expect(syncs).toHaveLength(1));
    expect(syncs[0]).toEqual({ syncedAt: 1_795_300_000_250, upperBound: true, endpoints: ['10.244.1.18:8080'], rulesReadAt: expect.any(Number) });

    const changedAt = Date.now();
    Object.assign(node, { lastSync: 1_795_300_001.5, count: 6, endpoints: ['10.244.1.18:8080', '10.244.2.7:8080'] });
    await vi.waitFor(() => expect(syncs).toHaveLength(2));
    expect(syncs[1]).toEqual({ syncedAt: 1_795_300_001_500, upperBound: false, notBefore: expect.any(Number), endpoints: ['10.244.1.18:8080', '10.244.2.7:8080'], rulesReadAt: expect.any(Number) });
    // The previous poll saw the old sync: it was sent before the change; the rules were read after it.
    expect(syncs[1]?.notBefore).toBeLessThanOrEqual(changedAt);
    expect(syncs[1]?.rulesReadAt).toBeGreaterThanOrEqual(changedAt);

    Object.assign(node, { lastSync: 1_795_300_002, count: 8, endpoints: ['10.244.2.7:8080'] });
    await vi.waitFor(() => expect(syncs).toHaveLength(3));
    expect(syncs[2]).toMatchObject({ syncedAt: 1_795_300_002_000, upperBound: true, endpoints: ['10.244.2.7:8080'] });

    Object.assign(node, { lastSync: 1_795_300_003, count: undefined, endpoints: [] });
    await vi.waitFor(() => expect(syncs).toHaveLength(4));
    expect(syncs[3]).toMatchObject({ syncedAt: 1_795_300_003_000, upperBound: true, endpoints: [] });
    expect(errors).toEqual([]);
  });

  it('leaves out endpoints that a newer sync may have written before they were read; the next poll reports that sync', async () => {
    const { node, metricsUrl, rulesUrl } = await startNode();
    const { syncs } = watch(metricsUrl, rulesUrl);
    await vi.waitFor(() => expect(syncs).toHaveLength(1));
    // While the agent reads the rules after seeing sync 6, kube-proxy runs sync 7 with other endpoints.
    node.onRulesRead = () => {
      node.onRulesRead = () => {};
      Object.assign(node, { lastSync: 1_795_300_002, count: 7, endpoints: ['10.244.3.3:8080'] });
    };
    Object.assign(node, { lastSync: 1_795_300_001, count: 6 });
    await vi.waitFor(() => expect(syncs).toHaveLength(3));
    expect(syncs[1]).toEqual({ syncedAt: 1_795_300_001_000, upperBound: false, notBefore: expect.any(Number) });
    expect(syncs[2]).toMatchObject({ syncedAt: 1_795_300_002_000, upperBound: false, endpoints: ['10.244.3.3:8080'] });
  });

  it('reports a failing endpoint once, not at every poll, and keeps polling', async () => {
    const { node, metricsUrl } = await startNode();
    node.status = 500;
    const { syncs, errors } = watch(metricsUrl);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).toEqual([`kube-proxy metrics ${metricsUrl}: GET ${metricsUrl}: HTTP 500`]);
    node.status = 200;
    await vi.waitFor(() => expect(syncs).toHaveLength(1));
    expect(syncs[0]).toEqual({ syncedAt: 1_795_300_000_250, upperBound: true });
  });
});
