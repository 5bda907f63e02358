import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CutoverEvent, CutoverEventInput } from '../../lib/events/event-schema';
import { foldEvents } from '../../lib/fold/reduce';
import { recordingHeaderSchema } from '../../lib/recording/recording-header';
import { buildReport } from '../../lib/report/report-model';
import { EventHub } from '../events/event-hub';
import { createMetrics } from '../metrics';
import { LiveMeasurements } from './live-measurements';
import { singletonRollout } from './rollout-stream.test-support';

const ROLLOUT = { namespace: 'demo', deployment: 'web' };

function unnumbered(event: CutoverEvent): CutoverEventInput {
  const { seq: _seq, ...input } = event;
  return input as CutoverEventInput;
}

function setup(intervalMs = 0, extra: Partial<ConstructorParameters<typeof LiveMeasurements>[0]> = {}) {
  const metrics = createMetrics();
  const hub = new EventHub();
  const live = new LiveMeasurements({ metrics: metrics.measurements, intervalMs, ...extra });
  live.start(hub);
  return { metrics, hub, live };
}

/** Every sample of a metric as `metricName{label="…",…}` → value, the way a scrape reads them. */
async function samples(metrics: ReturnType<typeof createMetrics>, name: string): Promise<Map<string, number>> {
  const metric = metrics.registry.getSingleMetric(name);
  const out = new Map<string, number>();
  if (!metric) return out;
  for (const v of (await metric.get()).values) {
    const labels = Object.entries(v.labels)
      .filter(([key]) => key !== 'le')
      .map(([key, value]) => `${key}="${String(value)}"`)
      .join(',');
    const le = 'le' in v.labels ? `,le=${String(v.labels.le)}` : '';
    // Histograms name each sample (_bucket, _sum, _count); counters and gauges do not.
    const sample = 'metricName' in v && typeof v.metricName === 'string' ? v.metricName : name;
    out.set(`${sample}{${labels}${le}}`, v.value);
  }
  return out;
}

describe('LiveMeasurements: the session folded on the server, mapped onto /metrics', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('observes an ended rollout once, however many times it is measured', async () => {
    const { metrics, hub, live } = setup();
    // Measured after every event: dozens of measurements of the same rollout, before and after its end.
    const events = singletonRollout(40_000);
    for (const event of events) {
      hub.publish(unnumbered(event));
      live.refresh();
    }
    // The figures the metrics must carry: lib's own report of the same events.
    const [r] = buildReport(foldEvents(events)).rollouts;
    const m = r?.measurements;
    const lagMs = (list: 'add' | 'removal', node: string) => r?.lags[list].find((l) => l.node === node)?.lagMs.value ?? NaN;
    expect(r?.outcome).toBe('complete');
    const removal = await samples(metrics, 'cutover_removal_lag_seconds');
    expect(removal.get('cutover_removal_lag_seconds_count{namespace="demo",deployment="web",node="node-a"}')).toBe(1);
    expect(removal.get('cutover_removal_lag_seconds_sum{namespace="demo",deployment="web",node="node-a"}')).toBeCloseTo(lagMs('removal', 'node-a') / 1000);
    expect(removal.get('cutover_removal_lag_seconds_count{namespace="demo",deployment="web",node="node-b"}')).toBe(1);
    // node-a's removal lag (a few hundred ms: the failures after the old pod left may have been its own)
    // lands in the buckets its value says.
    const lagA = lagMs('removal', 'node-a');
    expect(lagA).toBeGreaterThan(100);
    expect(removal.get('cutover_removal_lag_seconds_bucket{namespace="demo",deployment="web",node="node-a",le=0.1}')).toBe(0);
    expect(removal.get('cutover_removal_lag_seconds_bucket{namespace="demo",deployment="web",node="node-a",le=0.25}')).toBe(lagA <= 250 ? 1 : 0);

    const add = await samples(metrics, 'cutover_add_lag_seconds');
    expect(add.get('cutover_add_lag_seconds_sum{namespace="demo",deployment="web",node="node-a"}')).toBeCloseTo(lagMs('add', 'node-a') / 1000);
    expect(add.get('cutover_add_lag_seconds_count{namespace="demo",deployment="web",node="node-b"}')).toBe(1);

    expect(await samples(metrics, 'cutover_dropped_requests_total')).toEqual(new Map([['cutover_dropped_requests_total{namespace="demo",deployment="web",node="node-a"}', 4]]));
    expect(await samples(metrics, 'cutover_stale_responses_total')).toEqual(
      new Map([
        ['cutover_stale_responses_total{namespace="demo",deployment="web",after="deletion"}', m?.staleResponses.afterDeletion.value],
        ['cutover_stale_responses_total{namespace="demo",deployment="web",after="endpoint-removal"}', m?.staleResponses.afterEndpointRemoval.value],
      ]),
    );
    expect(m?.staleResponses.afterDeletion.value).toBeGreaterThan(0);
    expect(await samples(metrics, 'cutover_rollouts_ended_total')).toEqual(new Map([['cutover_rollouts_ended_total{namespace="demo",deployment="web",outcome="complete"}', 1]]));
    expect(await samples(metrics, 'cutover_singleton_violations_total')).toEqual(new Map([['cutover_singleton_violations_total{namespace="demo",deployment="web"}', 1]]));
    const singleton = await samples(metrics, 'cutover_singleton_violation_seconds_total');
    expect(singleton.get('cutover_singleton_violation_seconds_total{namespace="demo",deployment="web",plane="data"}')).toBeCloseTo((m?.singletonViolation?.dataPlaneMs.value ?? NaN) / 1000);
    expect(singleton.get('cutover_singleton_violation_seconds_total{namespace="demo",deployment="web",plane="control"}')).toBeCloseTo((m?.singletonViolation?.controlPlaneMs.value ?? NaN) / 1000);
    const overlap = await samples(metrics, 'cutover_control_plane_overlap_seconds');
    expect(overlap.get('cutover_control_plane_overlap_seconds_count{namespace="demo",deployment="web"}')).toBe(1);
    expect(overlap.get('cutover_control_plane_overlap_seconds_sum{namespace="demo",deployment="web"}')).toBeCloseTo((m?.controlPlaneOverlapMs.value ?? NaN) / 1000);
    expect((await samples(metrics, 'cutover_data_plane_overlap_seconds')).get('cutover_data_plane_overlap_seconds_sum{namespace="demo",deployment="web"}')).toBeCloseTo((m?.dataPlaneOverlapMs?.value ?? NaN) / 1000);
    live.stop();
  });

  it('shows the latest rollout as cutover_rollout_* gauges, in progress and after it ended, beside the once-observed histograms', async () => {
    const { metrics, hub, live } = setup();
    const events = singletonRollout(30_000);
    const cut = events.findIndex((e) => e.at > 1_800_000_012_000);
    for (const event of events.slice(0, cut)) hub.publish(unnumbered(event));
    live.refresh();
    const m = buildReport(foldEvents(events.slice(0, cut))).rollouts[0]?.measurements;
    const latest = metrics.measurements.latest;
    const REVISION = { ...ROLLOUT, revision: '2' };
    expect(await samples(metrics, 'cutover_rollout_done')).toEqual(new Map([['cutover_rollout_done{namespace="demo",deployment="web",revision="2"}', 0]]));
    expect((await latest.dropped.get()).values).toEqual([
      { labels: { ...REVISION, node: 'node-a' }, value: 4 },
      { labels: { ...REVISION, node: 'node-b' }, value: 0 },
    ]);
    const removal = (await latest.nodeLag.get()).values.filter((v) => v.labels.direction === 'removal');
    expect(Math.max(...removal.map((v) => v.value))).toBeCloseTo((m?.worstRemovalLag?.lagMs.value ?? NaN) / 1000);
    expect((await latest.singleton.get()).values.find((v) => v.labels.plane === 'data')?.value).toBeCloseTo((m?.singletonViolation?.dataPlaneMs.value ?? NaN) / 1000);
    expect((await latest.started.get()).values[0]?.value).toBe(1_800_000_010);
    expect((await latest.ended.get()).values).toEqual([]);
    // Nothing reaches the histograms or counters while the rollout runs: they would count it twice.
    expect((await metrics.measurements.removalLag.get()).values).toEqual([]);
    expect((await metrics.measurements.droppedRequests.get()).values).toEqual([]);

    for (const event of events.slice(cut)) hub.publish(unnumbered(event));
    live.refresh();
    // Ended and observed: the gauges stay (a gate asks after the rollout), now done and with an end.
    expect(await samples(metrics, 'cutover_rollout_done')).toEqual(new Map([['cutover_rollout_done{namespace="demo",deployment="web",revision="2"}', 1]]));
    expect((await latest.ended.get()).values).toHaveLength(1);
    expect((await latest.dropped.get()).values.find((v) => v.labels.node === 'node-a')?.value).toBe(4);
    expect((await metrics.measurements.droppedRequests.get()).values).toEqual([{ labels: { ...ROLLOUT, node: 'node-a' }, value: 4 }]);
    live.stop();
  });

  it('reports exactly what buildReport gives over the events it folded', () => {
    const { hub, live } = setup();
    for (const event of singletonRollout(30_000)) hub.publish(unnumbered(event));
    const { report, seq } = live.report();
    expect(seq).toBe(hub.lastSeq);
    expect(report).toEqual(buildReport(foldEvents(hub.since(0))));
    expect(report.rollouts.map((r) => r.outcome)).toEqual(['complete']);
    // With the session's recording header set, it is what `cutover report` prints for that recording.
    const header = recordingHeaderSchema.parse({ format: 'cutover-recording', version: 1, cluster: 'lab:broken', namespace: 'demo', startedAt: 1_800_000_000_000, tool: 'test' });
    live.setHeader(header);
    expect(live.report().report).toEqual(buildReport(foldEvents(hub.since(0)), header));
    expect(live.report().report.recording).toMatchObject({ cluster: 'lab:broken', namespace: 'demo' });
    live.stop();
  });

  it('recomputes at most once per interval, and only when the fold changed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { metrics, hub, live } = setup(1_000);
    const computations = async () => (await samples(metrics, 'cutover_measure_duration_seconds')).get('cutover_measure_duration_seconds_count{}') ?? 0;
    await vi.advanceTimersByTimeAsync(0);
    expect(await computations()).toBe(1);

    const events = singletonRollout(30_000);
    for (const event of events) hub.publish(unnumbered(event));
    // Report requests within the interval are served the last measurement.
    expect(live.report().seq).toBe(0);
    await vi.advanceTimersByTimeAsync(999);
    expect(await computations()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await computations()).toBe(2);
    expect(live.report().seq).toBe(hub.lastSeq);

    // Quiet: no event, no recomputation, however many report requests.
    await vi.advanceTimersByTimeAsync(10_000);
    for (let i = 0; i < 5; i++) live.report();
    expect(await computations()).toBe(2);

    hub.publish({ type: 'marker', at: 1_800_000_031_000, label: 'later' });
    await vi.advanceTimersByTimeAsync(0);
    expect(await computations()).toBe(3);
    live.stop();
  });

  it('an expensive recomputation stretches the gap to the next, so measuring takes at most maxCpuShare of a core', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // Each recomputation "takes" 500 ms on this clock: with a 10% share the next waits 4.5 s, not 1 s.
    let cpu = 0;
    const { metrics, hub, live } = setup(1_000, { maxCpuShare: 0.1, elapsedNow: () => (cpu += 500) });
    const computations = async () => (await samples(metrics, 'cutover_measure_duration_seconds')).get('cutover_measure_duration_seconds_count{}') ?? 0;
    await vi.advanceTimersByTimeAsync(0);
    expect(await computations()).toBe(1);
    for (const event of singletonRollout(30_000)) hub.publish(unnumbered(event));
    await vi.advanceTimersByTimeAsync(4_499);
    expect(live.report().seq).toBe(0);
    expect(await computations()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await computations()).toBe(2);
    expect(live.report().seq).toBe(hub.lastSeq);
    live.stop();
  });
});
