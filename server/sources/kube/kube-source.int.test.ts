import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import type { CutoverEvent, SourceGapEvent } from '../../../lib/events/event-schema';
import type { SourceStatus } from '../../../lib/socket-contract';
import { type AppServer, createAppServer } from '../../app-server';
import { CliProcess } from '../../cli/cli-process.test-support';
import { loopbackServers } from '../../../test/support/loopback-http';
import { UiClient } from '../../../test/support/lab-session';
import { WatchableApiServer } from '../../../test/support/watchable-api-server';
import { WATCHED_RESOURCES } from './watched-resources';
import { KubeSource, type KubeSourceOptions } from './kube-source';

const { listen, cleanups } = loopbackServers();
const KINDS = WATCHED_RESOURCES.map((r) => r.kind).sort();

async function health(url: string): Promise<SourceStatus | undefined> {
  const body = (await (await fetch(`${url}/healthz`)).json()) as { sources: SourceStatus[] };
  return body.sources.find((s) => s.name === 'kube');
}

/**
 * The fake apiserver and an app server watching it through KubeSource, with every event it publishes.
 * Bookmarks come every `bookmarkIntervalMs` (the apiserver's minute, scaled down with the stall bound).
 */
async function watching(options: Partial<KubeSourceOptions> = {}, bookmarkIntervalMs = 60_000) {
  const api = await WatchableApiServer.start(listen, { bookmarkIntervalMs });
  cleanups.push(() => api.close());
  api.createPod('web-1');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(api.kubeconfig());
  const server: AppServer = await createAppServer({ port: 0, sources: [new KubeSource({ kubeConfig, namespace: 'demo', ...options })] });
  cleanups.push(() => server.close());
  const events: CutoverEvent[] = [];
  server.hub.subscribe((event) => events.push(event));
  await vi.waitFor(async () => expect((await health(server.url))?.state).toBe('live'), { timeout: 10_000, interval: 50 });
  // The status names the namespace watched, so the page can say which (not 'default' when it is another).
  expect((await health(server.url))?.watching).toEqual(options.namespace === undefined ? { namespace: 'demo' } : { namespace: options.namespace });
  await vi.waitFor(() => expect(api.openWatchCount()).toBe(KINDS.length), { timeout: 10_000, interval: 20 });
  return { api, server, events };
}

const gaps = (events: CutoverEvent[]) => events.filter((e): e is SourceGapEvent => e.type === 'gap');
const podAdded = (events: CutoverEvent[], name: string) =>
  events.find((e) => e.type === 'object' && e.action === 'added' && e.object.kind === 'Pod' && e.object.meta.name === name);

describe('KubeSource against a loopback apiserver', () => {
  it('takes a watch that went silent for dead, re-watches, and starts its gap at the last thing it received', async () => {
    const stallMs = 1500;
    // Bookmarks every 300 ms keep a healthy watch from ever looking stalled; the frozen ones stop getting them.
    const { api, server, events } = await watching({ stallMs, backoff: { initialMs: 100, maxMs: 1000 } }, 300);
    api.createPod('web-2');
    await vi.waitFor(() => expect(podAdded(events, 'web-2')).toBeDefined(), { timeout: 5000, interval: 10 });
    const lastSeen = podAdded(events, 'web-2')?.at ?? 0;

    // Every watch stays open and says nothing more; two pods are created while it does.
    const frozenAt = Date.now();
    api.freeze();
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.createPod('web-3');
    api.createPod('web-4');
    await vi.waitFor(() => expect(podAdded(events, 'web-4')).toBeDefined(), { timeout: stallMs * 4, interval: 20 });
    await vi.waitFor(() => expect(gaps(events).map((g) => g.source.replace('kube/', '')).sort()).toEqual(KINDS), { timeout: 5000, interval: 20 });

    const podGap = gaps(events).find((g) => g.source === 'kube/Pod');
    if (!podGap) throw new Error('no Pod gap');
    expect(podGap).toMatchObject({ reason: 'watch-reconnect', detail: expect.stringMatching(/watch stalled/) });
    // From the pod event it last received (not from when the silence was noticed) to the re-watch.
    expect(podGap.from).toBeGreaterThanOrEqual(lastSeen - 5);
    expect(podGap.from).toBeLessThanOrEqual(frozenAt);
    expect(podGap.at - frozenAt).toBeGreaterThanOrEqual(stallMs - 5);
    // What happened in the silence arrives after the gap, so it is read as late, not as when it happened.
    expect(podAdded(events, 'web-3')?.at).toBeGreaterThanOrEqual(podGap.at);
    await vi.waitFor(async () => expect((await health(server.url))?.state).toBe('live'), { timeout: 5000, interval: 50 });
  });

  it('records a gap for every kind after a reconnect in which nothing changed, and is live again', async () => {
    const { api, server, events } = await watching({ backoff: { initialMs: 100, maxMs: 1000 } });
    const before = Date.now();
    // Each watch ends as at its timeout; the re-watches are refused once, then answered, and stay quiet.
    api.refuseWatches(KINDS.length);
    api.endWatches();
    await vi.waitFor(async () => expect((await health(server.url))?.state).toBe('degraded'), { timeout: 5000, interval: 10 });
    await vi.waitFor(() => expect(gaps(events).map((g) => g.source.replace('kube/', '')).sort()).toEqual(KINDS), { timeout: 10_000, interval: 20 });
    for (const gap of gaps(events)) {
      expect(gap.reason).toBe('watch-reconnect');
      expect(gap.detail).toMatch(/Service Unavailable/);
      expect(gap.from).toBeLessThanOrEqual(before);
    }
    await vi.waitFor(async () => expect((await health(server.url))?.state).toBe('live'), { timeout: 5000, interval: 50 });
    expect(events.filter((e) => e.type === 'object' && e.action !== 'added')).toEqual([]);
  });

  it('gives up a watch the apiserver never answers, and a late answer to it neither replaces the live watch nor outlives stop', async () => {
    const stallMs = 800;
    const { api, server, events } = await watching({ stallMs, backoff: { initialMs: 100, maxMs: 200 } }, 200);
    api.hang(true);
    api.endWatches(); // the re-watches are accepted and never answered
    await vi.waitFor(async () => expect((await health(server.url))?.detail).toMatch(/watch stalled/), { timeout: stallMs * 4, interval: 20 });
    api.hang(false); // new watches are answered again; the held ones still wait
    await vi.waitFor(() => expect(gaps(events).map((g) => g.source.replace('kube/', '')).sort()).toEqual(KINDS), { timeout: 5000, interval: 20 });
    await vi.waitFor(async () => expect((await health(server.url))?.state).toBe('live'), { timeout: 5000, interval: 20 });
    await vi.waitFor(() => expect(api.openWatchCount()).toBe(KINDS.length), { timeout: 5000, interval: 20 });
    // The stuck requests are answered at last: they were given up, so they are closed, not taken.
    expect(api.hungCount).toBeGreaterThanOrEqual(KINDS.length);
    api.releaseHung();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.openWatchCount()).toBe(KINDS.length);
    // Stopping closes the live watches: none is left behind a stale handle.
    await server.close();
    await vi.waitFor(() => expect(api.openWatchCount()).toBe(0), { timeout: 3000, interval: 20 });
    const published = events.length;
    api.createPod('web-after-stop');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.length).toBe(published);
  });

  it('serve survives an exec credential plugin that fails once during a re-watch, records the gap, and watches on', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cutover-cred-'));
    const plugin = path.join(dir, 'credential-plugin.sh');
    const flag = path.join(dir, 'fail-once');
    // An EKS/GKE-style exec plugin: prints an ExecCredential, or fails once while `fail-once` exists.
    await writeFile(
      plugin,
      [
        '#!/bin/sh',
        `if rm "${flag}" 2>/dev/null; then echo "token service unavailable" >&2; exit 1; fi`,
        `printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"test-token"}}'`,
        '',
      ].join('\n'),
    );
    await chmod(plugin, 0o755);
    const api = await WatchableApiServer.start(listen, { bookmarkIntervalMs: 60_000 });
    cleanups.push(() => api.close());
    api.createPod('web-1');
    const kubeconfig = path.join(dir, 'kubeconfig');
    await writeFile(kubeconfig, api.kubeconfig(plugin));

    const serve = new CliProcess(['serve', '--kubeconfig', kubeconfig, '-n', 'demo', '--no-web', '--port', '0', '--recordings', path.join(dir, 'recordings')]);
    cleanups.push(() => serve.dispose());
    const [, url] = await serve.waitForOutput(/Cutover dashboard: (http:\/\/\S+)\//, 30_000);
    if (!url) throw new Error('serve printed no URL');
    await vi.waitFor(async () => expect((await health(url))?.state).toBe('live'), { timeout: 15_000, interval: 50 });
    await vi.waitFor(() => expect(api.openWatchCount()).toBe(KINDS.length), { timeout: 10_000, interval: 20 });
    expect(api.requests.some((r) => r.includes('watch=true'))).toBe(true);

    const ui = await UiClient.connect(url, 'demo');
    cleanups.push(() => ui.close());
    await writeFile(flag, '');
    api.endWatches(); // every informer re-watches; the first to ask for a credential is refused one
    await vi.waitFor(() => expect(gaps(ui.events), serve.stderr).toHaveLength(1), { timeout: 10_000, interval: 20 });
    expect(gaps(ui.events)[0]).toMatchObject({ reason: 'watch-reconnect', detail: expect.stringContaining('token service unavailable') });
    await vi.waitFor(async () => expect((await health(url))?.state).toBe('live'), { timeout: 10_000, interval: 50 });

    // Still watching: a pod created now arrives.
    api.createPod('web-2');
    await vi.waitFor(() => expect(podAdded(ui.events, 'web-2')).toBeDefined(), { timeout: 10_000, interval: 20 });
    serve.kill('SIGTERM');
    expect(await serve.exit(15_000)).toEqual({ code: 0, signal: null });
    expect(serve.stderr).not.toMatch(/unhandled|Unhandled/);
  }, 60_000);
});
