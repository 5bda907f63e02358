import { randomBytes } from 'node:crypto';
import { type Socket, io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { foldEvents } from '../../lib/fold/reduce';
import { REPORT_ROUTES } from '../../lib/http-contract';
import { formatReportMarkdown } from '../../lib/report/report-markdown';
import { buildReport } from '../../lib/report/report-model';
import { type ClientToServerEvents, type ServerToClientEvents, UI_NAMESPACE } from '../../lib/socket-contract';
import type { AppServer } from '../app-server';
import type { LabCluster } from '../lab/lab-cluster';
import { type Session, startSession } from '../session/start-session';

type UiSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Parses a Prometheus text exposition into `name{labels}` → value (label order as exposed). */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('/metrics and /api/report on the lab: a broken rollout, live', () => {
  let session: Session;
  let lab: LabCluster;
  let server: AppServer;
  let socket: UiSocket | undefined;
  /** What a browser subscribed to /ui received, in order. */
  const received: CutoverEvent[] = [];

  beforeAll(async () => {
    // Wired as `cutover serve --lab` wires it (the product's session code), without the web pages.
    session = await startSession({ lab: { scenario: 'broken', timeScale: 2 }, agentToken: randomBytes(18).toString('base64url'), port: 0 });
    server = session.server;
    if (!session.lab) throw new Error('no lab');
    lab = session.lab;
    socket = io(`${server.url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('snapshot', (snapshot) => received.push(...snapshot.events));
    socket.on('events', (batch) => received.push(...batch));
    const ack = await socket.timeout(10_000).emitWithAck('subscribe', {});
    expect(ack.ok).toBe(true);
  });

  afterAll(async () => {
    socket?.disconnect();
    await session?.stop();
  });

  async function scrape(): Promise<Map<string, number>> {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  }

  it('observes the rollout once it ends: removal lags for every node, dropped requests, and the report the browser would build', async () => {
    // Every node's proxy must route to the old pods first (each applies the initial slice after its own lag),
    // so each node has something to stop seeing.
    await waitFor(
      'served responses at every node',
      async () => {
        const served = new Set(server.hub.since(0).flatMap((e) => (e.type === 'probes' && e.runs.some((run) => run[0] === 'served') ? [e.node] : [])));
        return lab.nodes.every((node) => served.has(node)) ? true : undefined;
      },
      20_000,
    );
    lab.rollout();
    const ns = lab.namespace;
    const deployment = lab.deploymentName;
    const labels = `namespace="${ns}",deployment="${deployment}"`;

    // In progress: the gauge says so before anything reaches the histograms.
    // The lab rolls from revision 1 to 2.
    await waitFor('the rollout in progress', async () => ((await scrape()).get(`cutover_rollout_done{${labels},revision="2"}`) === 0 ? true : undefined), 15_000);
    expect([...(await scrape()).keys()].some((k) => k.startsWith('cutover_removal_lag_seconds_count'))).toBe(false);

    // The fold calls it complete after its settle period (10 s of event time) with traffic only to the new pods.
    const metrics = await waitFor(
      'the rollout to end and be observed',
      async () => {
        const m = await scrape();
        return [...m.keys()].some((k) => k.startsWith('cutover_rollouts_ended_total')) ? m : undefined;
      },
      45_000,
    );
    expect(metrics.get(`cutover_rollouts_ended_total{${labels},outcome="complete"}`)).toBe(1);
    expect(metrics.get(`cutover_rollout_done{${labels},revision="2"}`)).toBe(1);
    for (const node of lab.nodes) {
      // One removal lag per old pod that node sent traffic to: the three old replicas.
      expect(metrics.get(`cutover_removal_lag_seconds_count{${labels},node="${node}"}`), node).toBeGreaterThanOrEqual(1);
      expect(metrics.get(`cutover_removal_lag_seconds_bucket{le="+Inf",${labels},node="${node}"}`)).toBe(metrics.get(`cutover_removal_lag_seconds_count{${labels},node="${node}"}`));
      expect(metrics.get(`cutover_add_lag_seconds_count{${labels},node="${node}"}`), node).toBeGreaterThanOrEqual(1);
    }
    const dropped = [...metrics].filter(([k]) => k.startsWith(`cutover_dropped_requests_total{${labels}`)).reduce((sum, [, v]) => sum + v, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(metrics.get(`cutover_control_plane_overlap_seconds_count{${labels}}`)).toBe(1);

    // The live report is lib's buildReport over the events the browser received, up to the one it names.
    const res = await fetch(`${server.url}${REPORT_ROUTES.report}`);
    expect(res.status).toBe(200);
    const seq = Number(res.headers.get('x-cutover-seq'));
    const body: unknown = await res.json();
    await waitFor('the browser to receive that far', async () => (received.at(-1)?.seq ?? 0) >= seq || undefined, 5_000);
    const expected = buildReport(foldEvents(received.filter((e) => e.seq <= seq)));
    expect(body).toEqual(JSON.parse(JSON.stringify(expected)));
    const rollout = expected.rollouts.find((r) => r.outcome === 'complete');
    expect(rollout?.measurements.droppedRequests.total.value).toBe(dropped);
    // The latest rollout's gauges (what a gate reads) say the same, per node, under the revision rolled to.
    const latestDropped = [...metrics].filter(([k]) => k.startsWith(`cutover_rollout_dropped_requests{${labels},revision="2",`)).reduce((sum, [, v]) => sum + v, 0);
    expect(latestDropped).toBe(dropped);
    // Each ended rollout's figures went into the histograms once: the counts are the report's own. Data-plane
    // overlap needs a response from each revision inside the rollout's window; without one nothing is observed.
    expect(metrics.get(`cutover_data_plane_overlap_seconds_count{${labels}}`)).toBe(rollout?.measurements.dataPlaneOverlapMs ? 1 : undefined);
    for (const node of lab.nodes) {
      expect(metrics.get(`cutover_removal_lag_seconds_count{${labels},node="${node}"}`)).toBe(rollout?.lags.removal.filter((l) => l.node === node).length);
    }

    const markdown = await fetch(`${server.url}${REPORT_ROUTES.report}?format=markdown`);
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    const mdSeq = Number(markdown.headers.get('x-cutover-seq'));
    const text = await markdown.text();
    await waitFor('the browser to receive that far', async () => (received.at(-1)?.seq ?? 0) >= mdSeq || undefined, 5_000);
    expect(text).toBe(formatReportMarkdown(buildReport(foldEvents(received.filter((e) => e.seq <= mdSeq)))));
    expect(text).toContain(deployment);

    // Measured again and again as traffic goes on, the rollout is not observed a second time.
    await new Promise((r) => setTimeout(r, 2_500));
    const later = await scrape();
    expect(later.get(`cutover_rollouts_ended_total{${labels},outcome="complete"}`)).toBe(1);
    for (const node of lab.nodes) {
      expect(later.get(`cutover_removal_lag_seconds_count{${labels},node="${node}"}`)).toBe(metrics.get(`cutover_removal_lag_seconds_count{${labels},node="${node}"}`));
    }
    expect(later.get('cutover_measure_duration_seconds_count')).toBeGreaterThan(metrics.get('cutover_measure_duration_seconds_count') ?? Infinity);
  });

  it('refuses a bad report query with a clear error and counts it', async () => {
    const res = await fetch(`${server.url}${REPORT_ROUTES.report}?format=pdf`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/invalid report query: format/);
    expect((await scrape()).get('cutover_rejected_inputs_total{source="http",reason="invalid report query"}')).toBe(1);
  });
});
