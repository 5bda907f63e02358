import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { createReplicaSetHistory, recordReplicaSetEvents } from './replica-set-history';
import { selectRollout } from './rollout-selection';
import { buildTimeline } from './timeline-model';
import { NEW_POD, OLD_POD, oneReplicaRollingUpdate } from '../testing/one-replica-rolling-update';
import { smallRollout, T0 } from './rollout-fixture.test-support';

function model() {
  const events = smallRollout().build();
  const state = foldEvents(events);
  const history = recordReplicaSetEvents(createReplicaSetHistory(), events);
  const sel = selectRollout(state);
  if (!sel.deployment || !sel.measurements) throw new Error('no rollout');
  return { sel, timeline: buildTimeline(state, sel.deployment, sel.measurements, history, { mergeGapMs: 100 }) };
}

describe('buildTimeline on a one-replica rolling update', () => {
  const { sel, timeline } = model();
  const rel = (spans: readonly { from: number; to: number }[]) => spans.map((s) => [s.from - T0, s.to - T0]);

  it('selects demo/web and its one rollout', () => {
    expect(sel.deployments.map((d) => d.key)).toEqual(['demo/web']);
    expect(sel.index).toBe(0);
    expect(timeline.rolloutId).toBe('demo/web#0');
  });

  it('gives old blue and new orange', () => {
    expect(timeline.revisions.map((r) => [r.hash, r.role, r.colour])).toEqual([
      ['old', 'old', 0],
      ['new', 'new', 1],
    ]);
  });

  it('cuts each pod into phases at its transitions', () => {
    const fresh = timeline.pods.find((p) => p.name === 'new-1');
    expect(fresh?.segments.map((s) => [s.phase, s.from - T0])).toEqual([
      ['pending', 1100],
      ['started', 2000],
      ['ready', 3000],
      ['in-endpoints', 3100],
    ]);
    const old = timeline.pods.find((p) => p.name === 'old-1');
    expect(old?.segments.map((s) => s.phase)).toEqual(['in-endpoints', 'terminating']);
    expect(old?.segments.at(-1)?.from).toBe(T0 + 3200);
    expect(old?.segments.at(-1)?.to).toBe(T0 + 5000);
  });

  it('draws what old-1 served after SIGTERM as stale (no preStop: SIGTERM at its deletion)', () => {
    const old = timeline.pods.find((p) => p.name === 'old-1');
    expect(rel(old?.stale ?? [])).toEqual([[3200, 4000]]);
    expect(old?.afterEndpointRemoval).toEqual([]);
    expect(sel.measurements?.stale.afterSigterm.value).toBeGreaterThan(0);
  });

  it('with a preStop sleep, what it served before SIGTERM is the sleep covering a lag, not stale', () => {
    // old-1 sleeps 1 s in preStop: deleted at 3.2 s, SIGTERM at 4.2 s, out of the ready endpoints at 3.3 s,
    // served until 4.0 s. Between its deletion and 3.3 s it was still a ready endpoint: nothing late.
    const events = smallRollout()
      .build()
      .map((e) => (e.type === 'object' && e.object.kind === 'Pod' && e.object.meta.name === 'old-1' ? { ...e, object: { ...e.object, containers: [{ name: 'app', preStop: { kind: 'exec-sleep' as const, sleepSeconds: 1 } }] } } : e));
    const state = foldEvents(events);
    const s = selectRollout(state);
    if (!s.deployment || !s.measurements) throw new Error('no rollout');
    const old = buildTimeline(state, s.deployment, s.measurements, recordReplicaSetEvents(createReplicaSetHistory(), events), { mergeGapMs: 100 }).pods.find((p) => p.name === 'old-1');
    expect(rel(old?.afterEndpointRemoval ?? [])).toEqual([[3300, 4000]]);
    expect(old?.stale).toEqual([]);
    // The headline's stale figure counts what is drawn stale: none.
    expect(s.measurements.stale.afterSigterm.value).toBe(0);
    expect(s.measurements.stale.afterEndpointRemoval.value).toBeGreaterThan(0);
  });

  it('a pod that left the ready endpoints and came back had not left them: nothing it served is late', () => {
    // new-1 flaps: not ready in the slice at 4.0 s, ready again at 4.5 s, serving node-b throughout.
    const b = smallRollout();
    b.slice(4000, [{ pod: 'old-1', node: 'node-a', ready: false, terminating: true }, { pod: 'new-1', node: 'node-b', ready: false }]);
    b.slice(4500, [{ pod: 'old-1', node: 'node-a', ready: false, terminating: true }, { pod: 'new-1', node: 'node-b', ready: true }]);
    const events = b.build();
    const state = foldEvents(events);
    const s = selectRollout(state);
    if (!s.deployment || !s.measurements) throw new Error('no rollout');
    const fresh = buildTimeline(state, s.deployment, s.measurements, recordReplicaSetEvents(createReplicaSetHistory(), events), { mergeGapMs: 100 }).pods.find((p) => p.name === 'new-1');
    expect(fresh?.afterEndpointRemoval).toEqual([]);
    expect(fresh?.stale).toEqual([]);
  });

  it('merges runs into spans per revision on each node and keeps drops', () => {
    const a = timeline.nodes.find((n) => n.node === 'node-a');
    expect(a?.revisions.map((r) => [r.hash, rel(r.spans)])).toEqual([
      ['old', [[0, 4000]]],
      ['new', [[3500, 30_000]]],
    ]);
    expect(a?.drops.map((d) => [d.outcome, d.count])).toEqual([['timeout', 5]]);
    expect(a?.dropped).toBe(5);
    expect(timeline.nodes.map((n) => n.node)).toEqual(['node-a', 'node-b']);
  });

  it('shades the control-plane and data-plane overlap', () => {
    expect(rel(timeline.bands.control)).toEqual([[3100, 3300]]);
    expect(timeline.bands.data && rel([timeline.bands.data])).toEqual([[3500, 4000]]);
  });

  it('marks the start, the deletion and the endpoint changes in order', () => {
    const kinds = timeline.markers.map((m) => [m.kind, m.at - T0]);
    expect(kinds).toContainEqual(['rollout-start', 1000]);
    expect(kinds).toContainEqual(['deletion', 3200]);
    expect(kinds).toContainEqual(['endpoint-ready', 3100]);
    expect(kinds).toContainEqual(['endpoint-unready', 3300]);
    const times = timeline.markers.map((m) => m.at);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('keeps each ReplicaSet as a step series in revision order', () => {
    expect(timeline.replicaSets.map((s) => [s.templateHash, s.points.map((p) => [p.at - T0, p.desired, p.ready])])).toEqual([
      ['old', [[0, 1, 1], [3200, 0, 1], [5000, 0, 0]]],
      ['new', [[1100, 1, 0], [3100, 1, 1]]],
    ]);
  });

  it('starts the window before the first new pod and ends it after the rollout', () => {
    expect(timeline.window.from).toBeLessThan(T0 + 1000);
    expect(timeline.window.to).toBeGreaterThan(sel.measurements?.rollout.windowEnd ?? Infinity);
  });
});

describe('buildTimeline on a pod that exits at SIGTERM while a node still sends to it', () => {
  const t0 = 1_800_000_000_000;
  // No preStop: SIGTERM at the deletion (13.1 s), out of the ready endpoints at 13.12 s. node-a's proxy keeps
  // sending to the old pod until 13.5 s, then a reused conntrack entry sends 10 more to it at 14-14.5 s.
  const events = oneReplicaRollingUpdate(t0)
    .probes(15_000, 'node-a', [
      ['served', OLD_POD, 0, 13_500, 271],
      ['timeout', null, 14_000, 14_500, 10, undefined, true],
      ['served', NEW_POD, 13_550, 15_000, 29],
    ])
    .build();
  const state = foldEvents(events);
  const sel = selectRollout(state, { captureEnded: true });
  if (!sel.deployment || !sel.measurements) throw new Error('no rollout');
  const timeline = buildTimeline(state, sel.deployment, sel.measurements, recordReplicaSetEvents(createReplicaSetHistory(), events), { mergeGapMs: 100 });

  it('draws what was served after SIGTERM as stale, as the headline counts it', () => {
    const old = timeline.pods.find((p) => p.name === OLD_POD);
    expect(old?.stale.map((s) => [s.from - t0, s.to - t0])).toEqual([[13_100, 13_500]]);
    expect(old?.afterEndpointRemoval).toEqual([]);
    expect(sel.measurements?.stale.afterSigterm.value).toBeGreaterThan(0);
  });

  it('the legend gives the data-plane overlap the figure gives, also when there is no band to draw', () => {
    const overlap = sel.measurements?.dataPlaneOverlap.cluster.overlap;
    expect(overlap).toBeDefined();
    expect(timeline.bands.data).toBeUndefined();
    expect(timeline.bands.dataMs).toBe(overlap?.value);
  });

  it('gives the node its conntrack tail apart from its drops', () => {
    const a = timeline.nodes.find((n) => n.node === 'node-a');
    expect(a?.dropped).toBe(10);
    expect(a?.rolloutDropped).toEqual({ count: 10, text: '10' });
    expect(a?.conntrackTail).toMatchObject({ count: 10, text: '10', firstAt: t0 + 14_000, lastAt: t0 + 14_500 });
    expect(timeline.nodes.find((n) => n.node === 'node-b')?.conntrackTail).toBeUndefined();
  });
});
